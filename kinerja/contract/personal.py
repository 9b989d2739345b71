"""Which columns name a person directly: the one rule the docs-catalog check of the marts and the
DPIA (kinerja.docs.dpia) both read.

A direct identifier is a delivered column declared `personal` (NIK, names, birth dates, contacts,
the employee's NIP) or any NIP or NIK column, whoever it names (a supervisor's or a rater's NIP
points at a person too). Such a column may appear only in layers marked restricted
(`meta: {akses: terbatas}`); BI marts carry the pseudonymous `pegawai_key` instead.
"""

from __future__ import annotations

from kinerja.contract.extracts import EXTRACTS, Column, Kind

IDENTIFYING_KINDS = (Kind.NIP, Kind.NIK)

# The dbt `meta` a relation holding direct identifiers declares: `meta: {akses: terbatas}`.
ACCESS_META_KEY = "akses"
RESTRICTED = "terbatas"


def declares_restricted(meta: dict | None) -> bool:
    return (meta or {}).get(ACCESS_META_KEY) == RESTRICTED


def is_direct_identifier(column: Column) -> bool:
    return column.personal or column.kind in IDENTIFYING_KINDS


DIRECT_IDENTIFIERS: frozenset[str] = frozenset(
    column.name
    for extract in EXTRACTS.values()
    for column in extract.columns
    if is_direct_identifier(column)
)
