"""The extract contract as a user document (docs/extract_contract.md), rendered from the declarations.

`python -m kinerja.contract.docs` rewrites the file; a test fails when it is stale.
"""

from __future__ import annotations

from kinerja.contract.extracts import CONTRACT_VERSION, EXTRACTS, RATING_WORDS, Column, Kind
from kinerja.settings import PROJECT_ROOT

DOC_PATH = PROJECT_ROOT / "docs" / "extract_contract.md"

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
extraction date, the data interval of the nightly run. Several files per folder are allowed; names
starting with `_` or `.` are not data. A folder may hold `_manifest.json`
(`{{"files": {{"name": {{"rows": N, "sha256": "..."}}}}}}`): when present, every listed file must be
delivered with that row count and checksum, or the batch is rejected.

CSV: UTF-8 with or without BOM, `,` or `;` separated, header row required, quoted fields may hold
separators and newlines. Column names are exact (case and surrounding spaces are ignored); order is
free; unknown extra columns are kept (raw column `_extra`, as JSON) and reported. Codes are
case-insensitive on input. A delivery is loaded as one batch per extract and date: delivering the
same files again changes nothing, delivering changed files for a date replaces that date.

Rating columns accept the SIASN codes or these words (any case): {", ".join(f"`{w}` ({c})" for w, c in RATING_WORDS.items())}.
"""


def _column_row(column: Column) -> str:
    kind = KIND_TEXT[column.kind]
    if column.kind is Kind.CODE:
        kind += ": " + ", ".join(f"`{c}`" for c in column.codes)
    flags = [
        "key" if column.key else "",
        "required" if column.required else "optional",
        "personal data" if column.personal else "",
    ]
    return (
        f"| `{column.name}` | {kind} | {', '.join(f for f in flags if f)} | {column.description} |"
    )


def render() -> str:
    parts = [HEADER]
    for extract in EXTRACTS.values():
        parts.append(f"## {extract.name}\n")
        parts.append(
            f"{extract.description} Delivery: {extract.delivery.value}"
            + (
                f"; the newest `{extract.version_column}` wins per key."
                if extract.version_column
                else "."
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
