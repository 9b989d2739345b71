"""The extract contract as a user document (docs/extract_contract.md), rendered from the declarations.

`python -m kinerja.contract.docs` rewrites the file; a test fails when it is stale.
"""

from __future__ import annotations

from kinerja.contract.extracts import (
    CONTRACT_VERSION,
    DEFAULT_MAX_VALUE_LENGTH,
    EXTRACTS,
    RATING_WORDS,
    Column,
    Kind,
)
from kinerja.contract.rules import DELIVERY_RULES, FILE_RULES, FINDING_RULES, ROW_RULES, Rule
from kinerja.project import DOCS_DIR

DOC_PATH = DOCS_DIR / "extract_contract.md"

KIND_TEXT = {
    Kind.TEXT: "text",
    Kind.NIP: "NIP: 18 digits",
    Kind.NIK: "NIK: 16 digits",
    Kind.DATE: "date `YYYY-MM-DD`",
    Kind.TIMESTAMP: "timestamp ISO-8601 with offset (+07:00 WIB, +08:00 WITA, +09:00 WIT); without one it is read in the unit's zone",
    Kind.INTEGER: "whole number",
    Kind.DECIMAL: "decimal number",
    Kind.CODE: "code",
}

HEADER = f"""# Source extract contract, version {CONTRACT_VERSION}

What Kinerja accepts from an agency's source systems each night. This page is generated from
`kinerja/contract/extracts.py` (`python -m kinerja.contract.docs`); the loader and the Great
Expectations suites read the same declarations.

## Landing layout

`<landing>/<extract>/<YYYY-MM-DD>/<any name>.<csv|jsonl|parquet>`. The date folder is the
extraction date, the data interval of the nightly run. Several files per folder are allowed. Only
regular files are read: a link, a pipe or a folder inside a date folder rejects its batch
(`NOT_A_REGULAR_FILE`), and folders the layout cannot place are reported every night until moved
(`EXTRACT_FOLDER_CASE`, `DATE_FOLDER_NAME`). A folder may hold `_manifest.json`
(`{{"files": {{"name": {{"rows": N, "sha256": "..."}}}}}}`): when present, every listed file must be
delivered with that row count and checksum, or the batch is rejected; a manifest that cannot be
read as that shape rejects it too (`MANIFEST_INVALID`).

Files still being uploaded are not read: names starting with `.` or `_`, temporary names (`.tmp`,
`.part`, `.partial`, `.crdownload`, `~`), and files modified within the settle time
(`KINERJA_LANDING_SETTLE_SECONDS`, default 60), unless the manifest lists them (`.DS_Store`,
`Thumbs.db` and `desktop.ini` are ignored). Without a manifest such a file holds its whole date
back (WAITING: nothing read, no audit row; the next run loads it); with one, the manifest says the
delivery is complete, so the listed files load and the unlisted file is reported. Write the
manifest last; one that does not parse yet and is younger than the settle time also waits. A date already loaded is never replaced by an empty folder or a manifest listing
no file: the load refuses (`EMPTY_REDELIVERY`); `kinerja retract <extract> <date> --reason TEXT`
removes a date on purpose and records who and why in `raw.load_audit`.

CSV: UTF-8 with or without BOM, `,` or `;` separated, header row required, quoted fields may hold
separators and newlines. Column names are exact (case and surrounding spaces are ignored); order is
free; unknown extra columns are kept (raw column `_extra`, as JSON) and reported. Codes are
case-insensitive on input. A delivery is loaded as one batch per extract and date: delivering the
same files again changes nothing, delivering changed files for a date replaces that date.

Rating columns accept the SIASN codes or these words (any case): {", ".join(f"`{w}` ({c})" for w, c in RATING_WORDS.items())}.

## Accepted formats

- **CSV** (`.csv`): UTF-8 with or without BOM; `,` or `;` separated (whichever the header row
  uses more); `"` quotes, `""` for a quote inside a quoted value; quoted values may hold the
  separator and line breaks; LF or CRLF line ends; header row required. Every record has exactly
  the header's number of fields. An empty value is missing.
- **JSON Lines** (`.jsonl`): one object per line, keys are column names; numbers are read as the
  text they are written as.
- **Parquet** (`.parquet`): column names as above; values are read as text.
- Values are kept exactly as delivered (text) in the raw layer; trimming, case and typing are
  applied downstream. Dates are `YYYY-MM-DD`; timestamps ISO-8601 (`2026-03-02T07:41:00+08:00`,
  `T` or a space, seconds and offset optional: without an offset the unit's own zone applies);
  numbers may use a decimal point or a decimal comma (`-8,58`).
- Spreadsheet formulas (`=HYPERLINK(...)`) and SQL-looking text are ordinary text: loaded as
  delivered, never evaluated. Repeated rows are loaded as delivered; a punch counts once and the
  newest version of a keyed record wins downstream.
- No value may be longer than {DEFAULT_MAX_VALUE_LENGTH:,} characters (setting
  `KINERJA_MAX_VALUE_LENGTH`).

## What is checked

Every delivered row ends up in exactly one place: the extract's raw table, or `raw.quarantine`
with the rule it broke, the column, a message and the record exactly as delivered (JSON). For
every batch `raw.load_audit` records rows delivered = rows loaded + rows quarantined, the files and
their sha256, and the quarantined rows per rule. A row is quarantined for the first rule it breaks:
the row-wide rules (repeated header, control characters, length) first, then required values,
then formats and codes column by column, then dates and ranges.

A finding rule never quarantines: an 18-digit NIP identifies someone even when its digits
disagree with the profile, so the row loads and the employee stays in every mart; the
disagreement is flagged in the warehouse (warning `NIP_TIDAK_COCOK` in `mart_peringatan_presensi`,
naming the parts that disagree). Only a NIP that cannot identify anyone (not 18 digits) is
quarantined (`INVALID_NIP`).

A file-level failure rejects the whole delivery of that extract for that date: nothing of it is
loaded, what was loaded for that date before stays as it was, the other extracts still load, and
`kinerja load` exits with status 1. The message names the file, the line and column where known,
and the rule. Deliver the corrected files again into the same date folder and rerun.
"""


def _rule_table(rules: tuple[Rule, ...]) -> str:
    rows = ["| rule | level | meaning | example |", "|---|---|---|---|"]
    rows += [f"| `{r.code}` | {r.level.value} | {r.meaning} | {r.example} |" for r in rules]
    return "\n".join(rows) + "\n"


def _limits(column: Column) -> str:
    limits = []
    if column.future_days == 0:
        limits.append("not after the extraction date")
    elif column.future_days is not None:
        limits.append(f"at most {column.future_days} day after the extraction date")
    if column.not_before:
        limits.append(f"not before {column.not_before}")
    if column.minimum is not None:
        limits.append(f"{'>' if column.minimum_exclusive else '>='} {column.minimum:g}")
    if column.maximum is not None:
        limits.append(f"<= {column.maximum:g}")
    return ", ".join(limits)


def _column_row(column: Column) -> str:
    kind = KIND_TEXT[column.kind]
    if column.kind is Kind.CODE:
        kind += ": " + ", ".join(f"`{c}`" for c in column.codes)
    flags = [
        "key" if column.key else "",
        "required" if column.required else "optional",
        "personal data" if column.personal else "",
        _limits(column),
    ]
    return (
        f"| `{column.name}` | {kind} | {', '.join(f for f in flags if f)} | {column.description} |"
    )


def render() -> str:
    parts = [HEADER, "### Row rules\n", _rule_table(ROW_RULES), "### File rules\n"]
    parts.append(_rule_table(FILE_RULES))
    parts += ["### Delivery rules\n", _rule_table(DELIVERY_RULES)]
    parts += ["### Finding rules (the row loads, flagged)\n", _rule_table(FINDING_RULES)]
    for extract in EXTRACTS.values():
        parts.append(f"## {extract.name}\n")
        parts.append(
            f"{extract.description} Delivery: {extract.delivery.value}"
            + (
                f"; the newest `{extract.version_column}` wins per key."
                if extract.version_column
                else "."
            )
            + (
                " Row count: judged nightly against the recent deliveries."
                if extract.steady_volume
                else " Row count: not judged (records come in bursts); freshness and the "
                "quarantined share are."
            )
            + "\n"
        )
        for rule in extract.extra_rules:
            parts.append(f"Rule: {rule}\n")
        parts.append("| column | type | | meaning |\n|---|---|---|---|")
        parts.extend(_column_row(c) for c in extract.columns)
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC_PATH}")
