"""Row-level contract checks as one SQL expression, evaluated by DuckDB over the file as read.

Every value arrives as text. `check_index_sql` gives each row the 1-based index of the first check
it breaks (NULL when clean); `rule_sql`, `column_sql` and `message_sql` turn that index into the
rule code, the column and a message naming the value, and are only evaluated for broken rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kinerja.contract import Column, Extract, Kind
from kinerja.contract.extracts import RATING_WORDS
from kinerja.landing.reader import quote_ident, quote_literal

# Control characters other than tab, newline and carriage return (fine inside quoted CSV fields).
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
DECIMAL_PATTERN = r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)"
INTEGER_PATTERN = r"[+-]?[0-9]+"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# Hours 00-23 and minutes 00-59: a cast would take `24:00` as the next day's midnight.
TIMESTAMP_PATTERN = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-9]{2}([.,][0-9]{1,9})?)?"
    r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?"
)
OFFSET_SUFFIX = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"
# A numeric offset at the end of a timestamp that matched TIMESTAMP_PATTERN (seconds and minutes
# follow a colon, never a sign): groups sign, hours, minutes.
NUMERIC_OFFSET = r"([+-])([0-9]{2}):?([0-9]{2})?$"
# The zones of the world run from UTC-12:00 to UTC+14:00.
OFFSET_RANGE_MINUTES = (-12 * 60, 14 * 60)
SERIAL_DATE_PATTERN = r"[0-9]{5}([.,][0-9]+)?"
EARLIEST_DATE = "1900-01-01"
# Identity numbers of a fixed length of digits: the finding code of each kind and its length.
DIGIT_NUMBERS = {Kind.NIP: ("INVALID_NIP", 18), Kind.NIK: ("INVALID_NIK", 16)}


@dataclass(frozen=True)
class Check:
    rule: str
    column: str  # SQL expression naming the column (row-wide checks find it per row)
    condition: str
    message: str  # SQL expression, evaluated only for rows that break this check


def _value(name: str) -> str:
    """The trimmed value, NULL when empty: format checks skip what the required check covers."""
    return f"nullif(trim({quote_ident(name)}), '')"


def _shown(name: str) -> str:
    """The value for a message: quoted, cut to 80 characters so a message stays readable."""
    ident = quote_ident(name)
    return (
        f"'''' || left({ident}, 80) || "
        f"case when length({ident}) > 80 then '...' else '' end || ''''"
    )


def _as_date(name: str) -> str:
    return f"try_cast({_value(name)} as date)"


def _as_timestamp(name: str) -> str:
    stripped = f"regexp_replace({_value(name)}, '{OFFSET_SUFFIX}', '')"
    return f"try_cast(replace(replace({stripped}, 'T', ' '), ',', '.') as timestamp)"


def _as_number(name: str) -> str:
    return f"try_cast(replace({_value(name)}, ',', '.') as double)"


def _codes(column: Column) -> list[str]:
    codes = [c.upper() for c in column.codes]
    if set(column.codes) == {"1", "2", "3"} and column.name.startswith("rating_"):
        codes += list(RATING_WORDS)
    return codes


def _format_check(column: Column) -> Check | None:
    name, value, shown = column.name, _value(column.name), _shown(column.name)
    if column.kind in DIGIT_NUMBERS:
        code, digits = DIGIT_NUMBERS[column.kind]
        return Check(
            code,
            quote_literal(name),
            f"not regexp_full_match({value}, '[0-9]{{{digits}}}')",
            f"'{name} ' || {shown} || ' is not exactly {digits} digits'",
        )
    if column.kind is Kind.DATE:
        return Check(
            "INVALID_DATE",
            quote_literal(name),
            f"not (regexp_full_match({value}, '{DATE_PATTERN}') and {_as_date(name)} is not null)",
            f"'{name} ' || {shown} || case when regexp_full_match({value}, "
            f"'{SERIAL_DATE_PATTERN}') then ' looks like a spreadsheet serial date; deliver "
            f"YYYY-MM-DD (never converted)' else ' is not a YYYY-MM-DD calendar date' end",
        )
    if column.kind is Kind.TIMESTAMP:
        return Check(
            "INVALID_TIMESTAMP",
            quote_literal(name),
            f"not (regexp_full_match({value}, '{TIMESTAMP_PATTERN}') "
            f"and {_as_timestamp(name)} is not null)",
            f"'{name} ' || {shown} || ' is not an ISO-8601 timestamp (hours 00-23, minutes and "
            "seconds 00-59)'",
        )
    if column.kind in (Kind.INTEGER, Kind.DECIMAL):
        pattern = INTEGER_PATTERN if column.kind is Kind.INTEGER else DECIMAL_PATTERN
        what = "a whole number" if column.kind is Kind.INTEGER else "a number"
        return Check(
            "INVALID_NUMBER",
            quote_literal(name),
            f"not regexp_full_match({value}, '{pattern}')",
            f"'{name} ' || {shown} || ' is not {what}'",
        )
    if column.kind is Kind.CODE:
        codes = _codes(column)
        listed = ", ".join(quote_literal(c) for c in codes)
        return Check(
            "INVALID_CODE",
            quote_literal(name),
            f"upper({value}) not in ({listed})",
            f"'{name} ' || {shown} || ' is not one of {', '.join(column.codes)}'",
        )
    return None


def _offset_check(column: Column) -> Check:
    """A written UTC offset must exist on Earth: its minutes 00-59, within -12:00..+14:00."""
    value = _value(column.name)
    # try_cast: both sides of the `and` below may be evaluated for a value without an offset
    hours = f"try_cast(regexp_extract({value}, '{NUMERIC_OFFSET}', 2) as integer)"
    minutes = f"coalesce(try_cast(regexp_extract({value}, '{NUMERIC_OFFSET}', 3) as integer), 0)"
    sign = f"case regexp_extract({value}, '{NUMERIC_OFFSET}', 1) when '-' then -1 else 1 end"
    total = f"{sign} * ({hours} * 60 + {minutes})"
    low, high = OFFSET_RANGE_MINUTES
    return Check(
        "INVALID_TIMESTAMP",
        quote_literal(column.name),
        f"regexp_matches({value}, '{NUMERIC_OFFSET}') "
        f"and ({minutes} > 59 or {total} not between {low} and {high})",
        f"'{column.name} ' || {_shown(column.name)} || ' has a UTC offset outside -12:00..+14:00 "
        "(or minutes past 59)'",
    )


def _range_checks(column: Column, extraction_date: date) -> list[Check]:
    name, shown = column.name, _shown(column.name)
    checks = []
    if column.kind in (Kind.DATE, Kind.TIMESTAMP):
        as_date = (
            _as_date(name) if column.kind is Kind.DATE else f"cast({_as_timestamp(name)} as date)"
        )
        checks.append(
            Check(
                "DATE_OUT_OF_RANGE",
                quote_literal(name),
                f"{as_date} < date '{EARLIEST_DATE}'",
                f"'{name} ' || {shown} || ' is before {EARLIEST_DATE}'",
            )
        )
        if column.future_days is not None:
            latest = date.fromordinal(extraction_date.toordinal() + column.future_days)
            checks.append(
                Check(
                    "DATE_OUT_OF_RANGE",
                    quote_literal(name),
                    f"{as_date} > date '{latest.isoformat()}'",
                    f"'{name} ' || {shown} || ' is after {latest.isoformat()} (extraction date "
                    f"{extraction_date.isoformat()})'",
                )
            )
    if column.minimum is not None or column.maximum is not None:
        number = _as_number(name)
        outside = []
        if column.minimum is not None:
            outside.append(f"{number} {'<=' if column.minimum_exclusive else '<'} {column.minimum}")
        if column.maximum is not None:
            outside.append(f"{number} > {column.maximum}")
        low = "-inf" if column.minimum is None else f"{column.minimum:g}"
        high = "inf" if column.maximum is None else f"{column.maximum:g}"
        bracket = "(" if column.minimum_exclusive else "["
        checks.append(
            Check(
                column.range_rule,
                quote_literal(name),
                " or ".join(outside),
                f"'{name} ' || {shown} || ' is outside {bracket}{low}, {high}]'",
            )
        )
    return checks


def _first_column(columns: list[str], condition: str) -> str:
    """SQL naming the first column for which `condition` (with {c} for the column) holds."""
    whens = " ".join(
        f"when {condition.format(c=quote_ident(c))} then {quote_literal(c)}" for c in columns
    )
    return f"case {whens} end"


def row_checks(
    extract: Extract,
    delivered: list[str],
    extraction_date: date,
    max_length: int,
    header_row: bool,
) -> list[Check]:
    """The ordered checks for a file with these (normalised) delivered columns."""
    present = set(delivered)
    checks: list[Check] = []
    if header_row and delivered:
        repeats = " and ".join(
            f"lower(trim({quote_ident(c)})) = {quote_literal(c)}" for c in delivered
        )
        checks.append(
            Check("DUPLICATED_HEADER", "null", repeats, "'the row repeats the header row'")
        )
    if delivered:
        everything = "concat(" + ", ".join(quote_ident(c) for c in delivered) + ")"
        control = f"regexp_matches({{c}}, '{CONTROL_CHARACTERS}')"
        checks.append(
            Check(
                "INVALID_CHARACTERS",
                _first_column(delivered, control),
                f"regexp_matches({everything}, '{CONTROL_CHARACTERS}')",
                "'a value holds NUL or another control character'",
            )
        )
        too_long = f"length({{c}}) > {max_length}"
        longest = "greatest(" + ", ".join(f"length({quote_ident(c)})" for c in delivered) + ")"
        checks.append(
            Check(
                "VALUE_TOO_LONG",
                _first_column(delivered, too_long),
                f"{longest} > {max_length}",
                f"'a value is ' || {longest} || ' characters long, the limit is {max_length}'",
            )
        )
    columns = [c for c in extract.columns if c.name in present]
    for column in extract.columns:
        if column.required and column.name in present:
            checks.append(
                Check(
                    "REQUIRED_MISSING",
                    quote_literal(column.name),
                    f"{_value(column.name)} is null",
                    f"'required column {column.name} is empty'",
                )
            )
    checks.extend(c for c in map(_format_check, columns) if c is not None)
    checks.extend(_offset_check(c) for c in columns if c.kind is Kind.TIMESTAMP)
    for column in columns:
        checks.extend(_range_checks(column, extraction_date))
        if column.not_before and column.not_before in present:
            start = column.not_before
            checks.append(
                Check(
                    "DATE_OUT_OF_RANGE",
                    quote_literal(column.name),
                    f"{_as_date(column.name)} < {_as_date(start)}",
                    f"'{column.name} ' || {_shown(column.name)} || ' is before {start} ' "
                    f"|| {_shown(start)}",
                )
            )
    # The NIP profile (NIP_PROFILE_MISMATCH) is not checked here: it is a finding, not a
    # quarantine rule (kinerja.contract.rules.FINDING_RULES), computed in dbt from the loaded row.
    return checks


def check_index_sql(checks: list[Check], fast_clean: str = "false") -> str:
    if not checks:
        return "cast(null as integer)"
    whens = " ".join(f"when {c.condition} then {i}" for i, c in enumerate(checks, start=1))
    return f"case when {fast_clean} then null {whens} end"


def _by_index(index: str, values: list[str]) -> str:
    whens = " ".join(f"when {i} then {v}" for i, v in enumerate(values, start=1))
    return f"case {index} {whens} end"


def rule_sql(checks: list[Check], index: str) -> str:
    return _by_index(index, [quote_literal(c.rule) for c in checks])


def column_sql(checks: list[Check], index: str) -> str:
    return _by_index(index, [c.column for c in checks])


def message_sql(checks: list[Check], index: str) -> str:
    return _by_index(index, [c.message for c in checks])


# The fast path: a strict predicate that holds only for rows every check above would pass, made of
# cheap comparisons and anchored patterns on the untrimmed text. Almost every delivered row
# satisfies it, so the full check chain (trimming, casting, messages) runs only for the rest,
# where it may still find the row clean (a code in lower case, a value with spaces around it).
CLEAN_TEXT = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*"
FAST_PATTERNS = {
    Kind.NIP: "[0-9]{18}",
    Kind.NIK: "[0-9]{16}",
    Kind.INTEGER: "-?[0-9]{1,15}",
    Kind.DECIMAL: r"-?[0-9]{1,15}(\.[0-9]{1,15})?",
    Kind.DATE: "(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
    Kind.TIMESTAMP: (
        "(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
        "[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?"
        # offsets within -12:00..+14:00 only; anything else takes the full chain
        "(Z|\\+(0[0-9]|1[0-3])(:?[0-5][0-9])?|\\+14(:?00)?|-(0[0-9]|1[01])(:?[0-5][0-9])?|-12(:?00)?)?"
    ),
}


def _fast_column(column: Column, present: set[str], extraction_date: date, max_length: int) -> str:
    ident = quote_ident(column.name)
    if column.kind is Kind.TEXT:
        ok = f"strlen({ident}) <= {max_length} and regexp_full_match({ident}, '{CLEAN_TEXT}')" + (
            f" and {ident} <> '' and trim({ident}) <> ''" if column.required else ""
        )
    elif column.kind is Kind.CODE:
        ok = f"{ident} in ({', '.join(quote_literal(c) for c in column.codes)})"
    else:
        ok = f"regexp_full_match({ident}, '{FAST_PATTERNS[column.kind]}')"
    if column.kind in (Kind.DATE, Kind.TIMESTAMP):
        # Days 29-31 need the calendar; the pattern already bounds year, month and day.
        ok += f" and (substr({ident}, 9, 2) <= '28' or try_cast(left({ident}, 10) as date) is not null)"
        if column.future_days is not None:
            latest = date.fromordinal(extraction_date.toordinal() + column.future_days)
            ok += f" and left({ident}, 10) <= '{latest.isoformat()}'"
        if column.not_before and column.not_before in present:
            ok += f" and {ident} >= {quote_ident(column.not_before)}"
    if column.minimum is not None or column.maximum is not None:
        number = f"try_cast({ident} as double)"
        if column.minimum is not None:
            ok += f" and {number} {'>' if column.minimum_exclusive else '>='} {column.minimum}"
        if column.maximum is not None:
            ok += f" and {number} <= {column.maximum}"
    if column.required:
        return f"({ok})"
    return f"({ident} is null or ({ok}))"


def fast_clean_sql(
    extract: Extract, delivered: list[str], extraction_date: date, max_length: int
) -> str:
    """A predicate that, when true, guarantees the row passes every check of `row_checks`."""
    present = set(delivered)
    parts = []
    columns = [c for c in extract.columns if c.name in present]
    for column in columns:
        parts.append(_fast_column(column, present, extraction_date, max_length))
    extra = [c for c in delivered if c not in {col.name for col in extract.columns}]
    for name in extra:
        parts.append(
            _fast_column(Column(name, required=False), present, extraction_date, max_length)
        )
    # A repeated header row must not slip through: some column must reject its own name.
    guards = [c for c in columns if c.kind is not Kind.TEXT and c.name.upper() not in c.codes]
    if not guards:
        return "false"
    return " and ".join(parts) if parts else "true"
