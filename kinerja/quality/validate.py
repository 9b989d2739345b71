"""Validate loaded raw batches against their extract's suite and say what broke, where.

DuckDB has no Great Expectations engine, so on DuckDB the batches are read into pandas and
validated there, a chunk of consecutive batches at a time (up to `validate_chunk_rows` rows, or
one larger day alone): a night catching up on months holds at most that, never the history, and
the per-chunk results are added up into the extract's outcome. On PostgreSQL the
rows stay in the database and GX validates them through SQL. Both use the same suite and result
format, so the outcome does not depend on the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
from great_expectations.checkpoint.checkpoint import CheckpointResult
from great_expectations.core.expectation_validation_result import (
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier

from kinerja.contract.extracts import Extract, get_extract
from kinerja.quality.context import (
    DATA_DOCS_SITE,
    PARTIAL_UNEXPECTED_COUNT,
    ROW_PROVENANCE,
    QualityContext,
    quality_context,
)
from kinerja.quality.errors import ValidationFailed
from kinerja.quality.outcome import (
    CRITICAL,
    FailedExpectation,
    UnexpectedRow,
    ValidationOutcome,
)
from kinerja.quality.suites import (
    BATCH_COLUMN,
    KEY_IN_BATCH,
    accepted_values,
    judged_columns,
    judges_personal_values,
)
from kinerja.quality.unexpected import unexpected_rows
from kinerja.settings import Settings
from kinerja.warehouse import connect, engine

_UNSAFE_IN_PATH = re.compile(r"[^A-Za-z0-9._-]")
_CODES_IN_MESSAGE = 8


def validate_batch(
    settings: Settings, extract: str, batch_id: str, frame: pd.DataFrame | None = None
) -> ValidationOutcome:
    """Validate the rows of one loaded batch (or `frame`, when the caller already holds them).

    A frame follows the raw layout: contract columns as delivered text, empty cells as None,
    ideally with the loader's `_source_file` and `_row_number` so failures point at a line.
    """
    return validate_batches(settings, extract, [batch_id], frame)


def validate_batches(
    settings: Settings,
    extract: str,
    batch_ids: Sequence[str],
    frame: pd.DataFrame | None = None,
) -> ValidationOutcome:
    """Validate several loaded batches of one extract in one run.

    A night that catches up on months of never-loaded dates validates each extract once, not
    once per date; keys are still checked per batch (the suite includes the batch id).
    """
    spec = get_extract(extract)
    batch_ids = list(batch_ids)
    label = (
        batch_ids[0]
        if len(batch_ids) == 1
        else f"{batch_ids[0]} .. {batch_ids[-1]} ({len(batch_ids)} batches)"
    )
    quality = quality_context(settings)
    # The run name files the result under the batch in the results store and the Data Docs.
    run_id = RunIdentifier(run_name=_UNSAFE_IN_PATH.sub("_", batch_ids[-1]))

    if frame is None and engine(settings).validates_in_sql:
        files, row_count = _batch_files(settings, spec, batch_ids)
        with quality.postgres_checkpoints(settings, spec.name, batch_ids) as checkpoints:
            results = [checkpoint.run(run_id=run_id) for checkpoint in checkpoints]
        return _outcome(spec, label, files, row_count, results, quality.context)
    if frame is not None:
        return _outcome(
            spec, label, *_validate_frame(quality, spec, frame, batch_ids[-1]), quality.context
        )
    files: set[str] = set()
    row_count, results = 0, []
    for chunk_ids, batch_frame in raw_batch_frames(settings, spec, batch_ids):
        batch_files, batch_rows, chunk_results = _validate_frame(
            quality, spec, batch_frame, chunk_ids[-1], update_docs=False
        )
        # Free the chunk before the next one is read: only the counts and examples are kept.
        del batch_frame
        files.update(batch_files)
        row_count += batch_rows
        results.extend(chunk_results)
    identifiers = [i for r in results for i in r.run_results]
    if identifiers:
        quality.context.build_data_docs(
            site_names=[DATA_DOCS_SITE], resource_identifiers=identifiers
        )
    return _outcome(spec, label, tuple(sorted(files)), row_count, results, quality.context)


def _validate_frame(
    quality: QualityContext,
    spec: Extract,
    frame: pd.DataFrame,
    batch_id: str,
    update_docs: bool = True,
) -> tuple[tuple[str, ...], int, list[CheckpointResult]]:
    frame = _with_key_in_batch(spec, _with_provenance(frame, batch_id))
    files = tuple(sorted(frame["_source_file"].dropna().astype(str).unique()))
    # The run name files the result under the batch in the results store and the Data Docs.
    run_id = RunIdentifier(run_name=_UNSAFE_IN_PATH.sub("_", batch_id))
    results = [
        checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_id)
        for checkpoint in quality.frame_checkpoints(spec.name, update_docs)
    ]
    return files, len(frame), results


def validate_night(
    settings: Settings, batches: Mapping[str, Iterable[str]]
) -> list[ValidationOutcome]:
    """Validate every batch loaded for the night, one run per extract: `{extract: [batch_id, ...]}`."""
    return [
        validate_batches(settings, extract, list(batch_ids))
        for extract, batch_ids in batches.items()
        if batch_ids
    ]


def raise_for_critical(outcomes: Iterable[ValidationOutcome]) -> None:
    failed = [o for o in outcomes if not o.success]
    if failed:
        raise ValidationFailed(failed)


def raw_batch_frames(
    settings: Settings, spec: Extract, batch_ids: Sequence[str]
) -> Iterator[tuple[list[str], pd.DataFrame]]:
    """Chunks of consecutive batches with their rows, in turn: one connection, one chunk in
    memory at a time, each at most `settings.validate_chunk_rows` rows unless a batch is larger."""
    with connect(settings) as wh:
        if not wh.table_exists("raw", spec.name):
            raise LookupError(f"raw.{spec.name} does not exist: no batch of it was loaded")
        counts = wh.query_df(
            f"select _batch_id, count(*) as n from raw.{spec.name} "
            "where _batch_id = any(:batch_ids) group by _batch_id",
            {"batch_ids": list(batch_ids)},
        )
        rows = dict(zip(counts["_batch_id"], counts["n"], strict=True))
        for chunk in _chunks(batch_ids, rows, settings.validate_chunk_rows):
            yield (
                chunk,
                wh.query_df(
                    f"select * from raw.{spec.name} where _batch_id = any(:batch_ids) "
                    "order by _batch_id, _source_file, _row_number",
                    {"batch_ids": chunk},
                ),
            )


def _chunks(batch_ids: Sequence[str], rows: Mapping[str, int], budget: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    held = 0
    for batch_id in batch_ids:
        size = int(rows.get(batch_id, 0))
        if chunk and held + size > budget:
            yield chunk
            chunk, held = [], 0
        chunk.append(batch_id)
        held += size
    if chunk:
        yield chunk


def _batch_files(
    settings: Settings, spec: Extract, batch_ids: Sequence[str]
) -> tuple[tuple[str, ...], int]:
    with connect(settings) as wh:
        counts = wh.query_df(
            f"select _source_file, count(*) as n from raw.{spec.name} "
            "where _batch_id = any(:batch_ids) group by _source_file order by _source_file",
            {"batch_ids": list(batch_ids)},
        )
    files = tuple(str(f) for f in counts["_source_file"] if f is not None)
    return files, int(counts["n"].sum()) if not counts.empty else 0


def _with_key_in_batch(spec: Extract, frame: pd.DataFrame) -> pd.DataFrame:
    if not spec.key_columns:
        return frame
    frame = frame.copy()
    parts = [
        frame[c].fillna("").astype(str) if c in frame.columns else "" for c in spec.key_columns
    ]
    joined = parts[0]
    for part in [*parts[1:], frame[BATCH_COLUMN].astype(str)]:
        joined = joined + "|" + part
    frame[KEY_IN_BATCH] = joined
    return frame


def _with_provenance(frame: pd.DataFrame, batch_id: str) -> pd.DataFrame:
    """A frame not yet stamped by the loader still gets a batch id and row numbers to point at."""
    missing = [c for c in (*ROW_PROVENANCE, BATCH_COLUMN) if c not in frame.columns]
    if not missing:
        return frame
    frame = frame.copy()
    if "_source_file" in missing:
        frame["_source_file"] = None
    if "_row_number" in missing:
        frame["_row_number"] = range(1, len(frame) + 1)
    if BATCH_COLUMN in missing:
        frame[BATCH_COLUMN] = batch_id
    return frame


def _outcome(
    spec: Extract,
    batch_id: str,
    files: tuple[str, ...],
    row_count: int,
    results: Sequence[CheckpointResult],
    context: Any,
) -> ValidationOutcome:
    """One outcome for the extract from the results of its batches, added up expectation by
    expectation: the same counts and first examples as one run over every batch together."""
    merged: dict[str, tuple[bool, FailedExpectation]] = {}
    identifier, identifier_passed = None, True
    for result in results:
        (run_identifier, suite_result), *_ = result.run_results.items()
        # The page to open: the newest one that shows a failure, else the newest of all.
        if identifier_passed or not suite_result.success:
            identifier, identifier_passed = run_identifier, suite_result.success
        for r in suite_result.results:
            key = r.expectation_config.id or repr(r.expectation_config.to_json_dict())
            found = _failure(spec, r)
            if key in merged:
                success, earlier = merged[key]
                merged[key] = (success and r.success, _add(earlier, found))
            else:
                merged[key] = (r.success, found)
    failures = [f for success, f in merged.values() if not success]
    failures.sort(key=lambda f: (not f.critical, f.column or "", f.expectation_type))
    pages = (
        context.get_docs_sites_urls(resource_identifier=identifier, site_name=DATA_DOCS_SITE)
        if identifier
        else []
    )
    return ValidationOutcome(
        extract=spec.name,
        batch_id=batch_id,
        source_files=files,
        row_count=row_count,
        success=not any(f.critical for f in failures),
        failures=tuple(failures),
        data_docs_page=pages[0]["site_url"] if pages else None,
    )


def _add(a: FailedExpectation, b: FailedExpectation) -> FailedExpectation:
    def total(x: int | None, y: int | None) -> int | None:
        return None if x is None and y is None else (x or 0) + (y or 0)

    examples = sorted(
        (*a.examples, *b.examples),
        key=lambda e: (e.source_file or "", e.row_number or 0),
    )[:PARTIAL_UNEXPECTED_COUNT]
    return replace(
        a,
        unexpected_count=total(a.unexpected_count, b.unexpected_count),
        element_count=total(a.element_count, b.element_count),
        examples=tuple(examples),
        error=a.error or b.error,
    )


def _failure(spec: Extract, r: ExpectationValidationResult) -> FailedExpectation:
    config = r.expectation_config
    kwargs = config.kwargs
    columns = judged_columns(spec, kwargs)
    details = r.result or {}
    severity = getattr(config.severity, "value", None) or (config.meta or {}).get(
        "severity", CRITICAL
    )
    return FailedExpectation(
        expectation_type=config.type,
        column=", ".join(columns) or None,
        severity=severity,
        rule=_rule(spec, config.type, kwargs, (config.meta or {}).get("rule")),
        unexpected_count=details.get("unexpected_count"),
        element_count=details.get("element_count"),
        examples=tuple(_unexpected_rows(details, columns)),
        personal=judges_personal_values(spec, columns),
        error=_error_message(r),
    )


def _rule(spec: Extract, expectation_type: str, kwargs: Mapping[str, Any], rule: str | None) -> str:
    if rule == "code" and kwargs.get("column") in spec.column_names:
        values = accepted_values(spec.column(kwargs["column"]))
        listed = ", ".join(values[:_CODES_IN_MESSAGE]) + (
            f", ... ({len(values)} in all)" if len(values) > _CODES_IN_MESSAGE else ""
        )
        return f"must be one of {listed} (any case)"
    if "regex" in kwargs:
        return f"must match {kwargs['regex']}"
    return {
        "expect_column_to_exist": "must exist",
        "expect_column_values_to_not_be_null": "must not be empty",
        "expect_column_values_to_be_unique": "must be unique (key)",
        "expect_compound_columns_to_be_unique": "must be unique together (key)",
    }.get(expectation_type, expectation_type.replace("_", " "))


def _unexpected_rows(details: Mapping[str, Any], columns: list[str]) -> Iterable[UnexpectedRow]:
    for row in unexpected_rows(details, PARTIAL_UNEXPECTED_COUNT):
        if KEY_IN_BATCH in row:  # the derived key-in-batch column: show the key as delivered
            row = {**row, **dict(zip(columns, str(row[KEY_IN_BATCH]).split("|")))}
        values = [None if _is_missing(row.get(c)) else row.get(c) for c in columns]
        row_number = row.get("_row_number")
        yield UnexpectedRow(
            source_file=row.get("_source_file"),
            row_number=None if _is_missing(row_number) else int(row_number),
            value=values[0] if len(values) == 1 else tuple(values),
        )


def _is_missing(value: Any) -> bool:
    # pandas reports an empty text cell as NaN where SQL reports None.
    return value is None or (isinstance(value, float) and pd.isna(value))


def _error_message(r: ExpectationValidationResult) -> str | None:
    """The reason an expectation could not be evaluated, e.g. its column is not there."""
    info = r.exception_info or {}
    candidates = [info] + [v for v in info.values() if isinstance(v, dict)]
    for item in candidates:
        if item.get("raised_exception") and item.get("exception_message"):
            return str(item["exception_message"]).splitlines()[0]
    return None
