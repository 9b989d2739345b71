"""How the Data Docs validation pages show an expectation's offending rows.

GX's own table lists the unexpected values (with their counts) but not where they are, and a
result whose values were withheld (the suites of personal columns) gets no table at all. This
renderer, named in `expectations/gx/great_expectations.yml` for the site's validation pages,
adds under each failed column expectation the first rows that broke it: file, row number and,
for non-personal columns only, the value as delivered; what the data engineer looks up. It also
escapes the values in GX's own table, which GX writes into the page as markup.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from great_expectations.render import (
    RenderedContent,
    RenderedStringTemplateContent,
    RenderedTableContent,
)
from great_expectations.render.renderer.content_block import (
    ValidationResultsTableContentBlockRenderer,
)

from kinerja.quality.context import PARTIAL_UNEXPECTED_COUNT
from kinerja.quality.unexpected import unexpected_rows, values_withheld


def rows_table(details: dict[str, Any] | None) -> RenderedTableContent | None:
    # As many rows as a result keeps; one with values withheld from pandas names every row.
    rows = unexpected_rows(details or {}, PARTIAL_UNEXPECTED_COUNT)
    if not rows:
        return None
    details = details or {}
    # The index columns (file, row number) first, in the order the result format names them.
    named = list(details.get("unexpected_index_column_names") or [])
    header = list(dict.fromkeys([*named, *(name for row in rows for name in row)]))
    total = details.get("unexpected_count") or len(rows)
    title = (
        f"Unexpected rows: the first {len(rows)} of {total}"
        if total > len(rows)
        else "Unexpected rows"
    )
    if values_withheld(details):
        title += " (values withheld: personal column)"
    return RenderedTableContent(
        content_block_type="table",
        header=RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": title, "tag": "h6"},
        ),
        header_row=header,
        # Cells go into the page as they are: a delivered value is escaped so that markup in it
        # stays text.
        table=[[_cell(row.get(name)) for name in header] for row in rows],
        styling={"body": {"classes": ["table-bordered", "table-sm", "mt-3"]}},
    )


def _cell(value: Any) -> str:
    return "null" if value is None else html.escape(str(value))


def _escape_values(table: RenderedTableContent) -> None:
    """GX puts the unexpected values it lists into the page as they are (its string templates
    escape their parameters, its table cells do not): a delivered `<script>` would run in the
    data engineer's browser. Its plain cells (values, counts, row indexes) are escaped here; a
    cell that is itself rendered content is GX's own markup and stays."""
    table.table = [[_markup_free(cell) for cell in row] for row in table.table]


def _markup_free(cell: Any) -> Any:
    if isinstance(cell, RenderedContent) or (
        isinstance(cell, dict) and "content_block_type" in cell
    ):
        return cell
    if cell is None or isinstance(cell, (int, float)):
        return cell
    return html.escape(str(cell))


class RowsTableRenderer(ValidationResultsTableContentBlockRenderer):
    """GX's validation results table with the offending rows added to each failed expectation."""

    @classmethod
    def _get_content_block_fn(
        cls, expectation_type: str, expectation_config: Any = None
    ) -> Callable | None:
        row_fn = super()._get_content_block_fn(
            expectation_type=expectation_type, expectation_config=expectation_config
        )
        if row_fn is None:
            return None

        def with_rows(configuration=None, result=None, runtime_configuration=None, **kwargs):
            output = row_fn(
                configuration=configuration,
                result=result,
                runtime_configuration=runtime_configuration,
                **kwargs,
            )
            # One output row: status, expectation cell (a list when it holds more than the
            # expectation's text, such as GX's table of unexpected values), observed value.
            cell = output[0][1]
            if isinstance(cell, list):
                for block in cell:
                    if isinstance(block, RenderedTableContent):
                        _escape_values(block)
            table = rows_table(result.result) if result is not None else None
            if table is not None:
                output[0][1] = [*cell, table] if isinstance(cell, list) else [cell, table]
            return output

        return with_rows
