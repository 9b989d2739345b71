"""One Great Expectations suite per extract, derived from the contract and nothing else.

The raw layer keeps every value as delivered text, so every rule here is about text: presence,
shape (regular expressions) and membership of a code set, case-insensitive as the contract says.
Severity decides what stops the nightly run: a critical failure does, a warning is only reported.

Each extract gets up to two suites: one for the expectations that judge no personal column, whose
results show the offending values as delivered, and one (`raw_<extract>_personal`) for those that
judge a personal column (`Column.personal`), whose results keep counts, file and row number but
never the values (`kinerja.quality.context` gives each suite its result format).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import great_expectations as gx
from great_expectations.expectations import Expectation
from great_expectations.expectations.metadata_types import FailureSeverity

from kinerja.contract.extracts import (
    CONTRACT_VERSION,
    RATING_CODES,
    RATING_WORDS,
    Column,
    Extract,
    Kind,
)

CRITICAL = FailureSeverity.CRITICAL
BATCH_COLUMN = "_batch_id"  # the loader's batch id (RAW_METADATA_COLUMNS)
KEY_IN_BATCH = "_key_in_batch"
WARNING = FailureSeverity.WARNING

# The shape each kind of text must have. Both engines evaluate these: Python `re` for pandas and
# PostgreSQL's advanced regular expressions, so only the syntax both share is used. Groups are
# non-capturing: pandas warns about capturing groups in a match test.
KIND_PATTERNS: dict[Kind, str] = {
    Kind.NIP: r"^\d{18}$",
    Kind.NIK: r"^\d{16}$",
    Kind.DATE: r"^\d{4}-\d{2}-\d{2}$",
    # ISO-8601; the offset is expected but a timestamp without one is read in the unit's zone.
    Kind.TIMESTAMP: (
        r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
    ),
    Kind.INTEGER: r"^[+-]?\d+$",
    # Spreadsheet exports in Indonesian locales write a decimal comma, so both separators pass
    # here; staging has to normalise the comma.
    Kind.DECIMAL: r"^[+-]?\d+(?:[.,]\d+)?$",
}

_REGEX_SPECIALS = set(r"\.^$|?*+()[]{}")


PERSONAL_SUITE_SUFFIX = "_personal"


def suite_name(extract: str, personal: bool = False) -> str:
    return f"raw_{extract}{PERSONAL_SUITE_SUFFIX if personal else ''}"


def judged_columns(extract: Extract, kwargs: Mapping[str, Any]) -> list[str]:
    """The contract columns an expectation judges, from its kwargs (the derived key-in-batch
    column stands for the extract's key columns)."""
    columns = [kwargs["column"]] if "column" in kwargs else list(kwargs.get("column_list", []))
    return extract.key_columns if columns == [KEY_IN_BATCH] else columns


def judges_personal_values(extract: Extract, columns: Iterable[str]) -> bool:
    return any(c in extract.column_names and extract.column(c).personal for c in columns)


def accepted_values(column: Column) -> tuple[str, ...]:
    """Every spelling the contract accepts for a code column (before case folding)."""
    if column.codes == RATING_CODES:
        # Ratings arrive as SIASN codes or as the words the contract maps onto them.
        return column.codes + tuple(RATING_WORDS)
    return column.codes


def code_pattern(values: tuple[str, ...]) -> str:
    """An anchored, case-insensitive alternation of the accepted values.

    `(?i)` at the very start is the one inline flag that Python and PostgreSQL both honour.
    """
    escaped = ("".join(f"\\{ch}" if ch in _REGEX_SPECIALS else ch for ch in v) for v in values)
    return "(?i)^(?:" + "|".join(escaped) + ")$"


def _severity_for_shape(column: Column) -> FailureSeverity:
    # A malformed NIP breaks every join on the employee, so it stops the run even where the
    # column itself is optional (nip_atasan, nip_penilai).
    if column.required or column.kind == Kind.NIP:
        return CRITICAL
    return WARNING


def _with_severity(cls: type[Expectation], severity: FailureSeverity, rule: str, **kwargs):
    return cls(severity=severity, meta={"severity": severity.value, "rule": rule}, **kwargs)


def column_expectations(column: Column) -> list[Expectation]:
    severity = CRITICAL if column.required else WARNING
    name = column.name
    expectations: list[Expectation] = [
        _with_severity(gx.expectations.ExpectColumnToExist, severity, "exists", column=name)
    ]
    if column.required or column.key:
        expectations.append(
            _with_severity(
                gx.expectations.ExpectColumnValuesToNotBeNull, CRITICAL, "required", column=name
            )
        )
    if column.kind == Kind.CODE:
        # Codes are what staging maps and models group by: an unknown one always stops the run.
        expectations.append(
            _with_severity(
                gx.expectations.ExpectColumnValuesToMatchRegex,
                CRITICAL,
                "code",
                column=name,
                regex=code_pattern(accepted_values(column)),
            )
        )
    elif column.kind in KIND_PATTERNS:
        expectations.append(
            _with_severity(
                gx.expectations.ExpectColumnValuesToMatchRegex,
                _severity_for_shape(column),
                f"format:{column.kind.value}",
                column=name,
                regex=KIND_PATTERNS[column.kind],
            )
        )
    return expectations


def key_expectations(extract: Extract) -> list[Expectation]:
    """Keys are unique within one delivery batch.

    Validation may cover several batches at once (a night that catches up on earlier dates), and
    an incremental extract legitimately repeats a key across dates (a later version replaces the
    earlier one). So uniqueness is checked on the key joined with the batch id: a column the
    validator derives (`key_in_batch_sql`), which keeps GX's row pointers for every duplicate.
    """
    if not extract.key_columns:
        return []  # presensi: a repeated punch is legitimate and counted once downstream
    return [
        _with_severity(
            gx.expectations.ExpectColumnValuesToBeUnique, CRITICAL, "key", column=KEY_IN_BATCH
        )
    ]


def key_in_batch_sql(extract: Extract) -> str:
    """SQL for the derived key-in-batch column (the same text on both engines)."""
    parts = [f"coalesce(\"{c}\", '')" for c in extract.key_columns] + [BATCH_COLUMN]
    return " || '|' || ".join(parts)


def contract_expectations(extract: Extract) -> list[Expectation]:
    """Every expectation the contract implies for the extract, in column order, key last."""
    expectations: list[Expectation] = []
    for column in extract.columns:
        expectations.extend(column_expectations(column))
    expectations.extend(key_expectations(extract))
    return expectations


def build_suites(extract: Extract) -> list[gx.ExpectationSuite]:
    """The extract's suite of expectations on non-personal columns, then, if it has personal
    columns, the suite of those (meta `personal`), which is validated with the values withheld."""
    groups: dict[bool, list[Expectation]] = {False: [], True: []}
    for expectation in contract_expectations(extract):
        columns = judged_columns(extract, expectation.configuration.kwargs)
        groups[judges_personal_values(extract, columns)].append(expectation)
    return [
        gx.ExpectationSuite(
            name=suite_name(extract.name, personal),
            expectations=expectations,
            meta={
                "extract": extract.name,
                "contract_version": CONTRACT_VERSION,
                "personal": personal,
            },
        )
        for personal, expectations in groups.items()
        if expectations or not personal
    ]
