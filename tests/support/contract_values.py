"""Values the extract contract accepts, written as a source might (codes in lower case)."""

from __future__ import annotations

from kinerja.contract.extracts import Column, Kind
from kinerja.quality.suites import accepted_values


def valid_value(column: Column, row: int) -> str:
    """A value `column` accepts, varied by `row` so that keys stay unique."""
    if column.kind == Kind.CODE:
        return accepted_values(column)[row % len(accepted_values(column))].lower()
    return {
        Kind.NIP: f"19850101201001{row:04d}",
        Kind.NIK: f"317101010185{row:04d}",
        Kind.DATE: "2024-01-02",
        Kind.TIMESTAMP: "2024-01-02T07:30:00+07:00",
        Kind.INTEGER: "3",
        Kind.DECIMAL: "1.5",
    }.get(column.kind, f"{column.name}-{row}")
