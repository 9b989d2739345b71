"""The offending rows of a GX column expectation's result, in one shape whatever GX returned.

With values shown, GX lists each row as a mapping (index columns and the judged value). With
values withheld (`exclude_unexpected_values`, the suites of personal columns) it lists one
mapping of columns instead, {"_source_file": [...], "_row_number": [...]}, and on pandas that
names every unexpected row, not just the first few: the outcome and the Data Docs read both
through here and take the same first rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def unexpected_rows(details: Mapping[str, Any], limit: int) -> list[Mapping[str, Any]]:
    listed = details.get("partial_unexpected_index_list") or []
    if len(listed) == 1 and all(isinstance(v, list) for v in listed[0].values()):
        columns = listed[0]
        count = min((len(v) for v in columns.values()), default=0)
        return [
            {name: values[i] for name, values in columns.items()} for i in range(min(count, limit))
        ]
    return list(listed[:limit])


def values_withheld(details: Mapping[str, Any]) -> bool:
    """Whether the result names its rows without the values (a personal column's result)."""
    return bool(details.get("partial_unexpected_index_list")) and (
        "partial_unexpected_list" not in details
    )
