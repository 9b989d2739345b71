"""The fast path never lets a broken row through: whenever it says clean, the full rule chain agrees."""

from __future__ import annotations

import random
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from kinerja.contract import EXTRACTS, Kind
from kinerja.load.checks import check_index_sql, fast_clean_sql, row_checks

DAY = date(2026, 3, 2)
CANDIDATES = {
    Kind.NIP: ["198503102010011001", " 198503102010011001", "19850310201001100", "+98503102010011001",
               "1985031020100110011", "19850310201001100x", "", None],
    Kind.NIK: ["5271011003850001", "527101100385000", "52710110038500011", " 5271011003850001"],
    Kind.DATE: ["1985-03-10", "2026-03-02", "2026-03-03", "2026-02-29", "2024-02-29", "1899-12-31",
                "45678", "10/03/1985", "1985-3-10", " 1985-03-10", "2026-01-31", "2026-04-31", "", None],
    Kind.TIMESTAMP: ["2026-03-02T07:41:00+08:00", "2026-03-03T23:59:59+07:00", "2026-03-04T00:00:00Z",
                     "2026-03-02 07:41", "2026-03-02T24:00:00+08:00", "2026-02-30T07:00:00",
                     "1899-12-31T23:00:00", "02/03/2026 07:41", "2026-03-02T07:41:00.123+0800",
                     "2026-03-02T07:41:00+14:00", "2026-03-02T07:41:00-1200", "2026-03-02T07:41:00+05:45",
                     "2026-03-02T07:41:00+99:99", "2026-03-02T07:41:00-23:59", "2026-03-02T07:41:00+14:30",
                     "2026-03-02T07:41:00+07:60", "2026-03-02T07:41:00-12:01", "2026-03-02 07:60", None],
    Kind.INTEGER: ["0", "150", "-1", "12,5", "dua", " 6", "+6", "", None],
    Kind.DECIMAL: ["8.58", "-8.58", "-8,58", "116.11", "90", "90.0001", "-180.5", "0", "0.0", ".5", "x", None],
    Kind.TEXT: ["Budi", "=HYPERLINK(\"x\")", "a\tb", "a\nb", "a\x00b", "   ", "", "x" * 4001, None],
}  # fmt: skip


def _values(column) -> list[str | None]:
    if column.kind is Kind.CODE:
        return [*column.codes, column.codes[0].lower(), f" {column.codes[0]} ", "NOPE", "", None]
    return CANDIDATES[column.kind]


@pytest.mark.parametrize("extract", list(EXTRACTS.values()), ids=lambda e: e.name)
def test_fast_path_implies_the_full_chain_finds_nothing(extract):
    rng = random.Random(extract.name)
    names = [*extract.column_names, "catatan"]
    rows = []
    for _ in range(3000):
        # Mostly the first (valid) candidate, so that clean rows occur in every extract.
        row = [
            _values(c)[0] if rng.random() < 0.8 else rng.choice(_values(c)) for c in extract.columns
        ]
        row.append(rng.choice(CANDIDATES[Kind.TEXT]))
        rows.append(row)
    con = duckdb.connect()
    arrays = {n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)}
    con.from_arrow(pa.table(arrays)).create("delivered")
    fast = fast_clean_sql(extract, names, DAY, 4000)
    checks = row_checks(extract, names, DAY, 4000, header_row=True)
    full = check_index_sql(checks)
    [(fast_rows, both)] = con.execute(
        f"select count(*) filter (where {fast}), "
        f"count(*) filter (where ({fast}) and ({full}) is not null) from delivered"
    ).fetchall()
    assert both == 0
    assert fast_rows > 0


def test_a_canonical_clean_row_takes_the_fast_path():
    extract = EXTRACTS["presensi"]
    con = duckdb.connect()
    con.execute(
        "create table delivered as select '198503102010011001' as nip, "
        "'2026-03-02T07:41:00+08:00' as waktu, 'MOBILE' as sumber, 'DEV-1' as id_perangkat, "
        "'-8.58' as lat, '116.11' as lon"
    )
    fast = fast_clean_sql(extract, extract.column_names, DAY, 4000)
    assert con.execute(f"select {fast} from delivered").fetchone() == (True,)


@pytest.mark.parametrize(
    ("waktu", "rule"),
    [
        ("2026-03-02T07:41:00+14:00", None),
        ("2026-03-02T07:41:00-12:00", None),
        ("2026-03-02T07:41:00+0545", None),
        ("2026-03-02T07:41:00Z", None),
        ("2026-03-02T07:41:00+99:99", "INVALID_TIMESTAMP"),
        ("2026-03-02T07:41:00-23:59", "INVALID_TIMESTAMP"),
        ("2026-03-02T07:41:00+14:30", "INVALID_TIMESTAMP"),
        ("2026-03-02T07:41:00+07:60", "INVALID_TIMESTAMP"),
        ("2026-03-02T24:00:00+07:00", "INVALID_TIMESTAMP"),
        ("2026-03-02T07:60:00+07:00", "INVALID_TIMESTAMP"),
    ],
)
def test_a_timestamp_must_name_a_real_instant(waktu, rule):
    """Offsets beyond -12:00..+14:00 and hour 24 would move a punch to another day downstream."""
    extract = EXTRACTS["presensi"]
    columns = ["nip", "waktu", "sumber"]
    checks = row_checks(extract, columns, DAY, 4000, header_row=True)
    index = check_index_sql(checks, fast_clean_sql(extract, columns, DAY, 4000))
    con = duckdb.connect()
    con.execute(
        "create table delivered as select '198503102010011001' as nip, ? as waktu, "
        "'FACE' as sumber",
        [waktu],
    )
    [(found,)] = con.execute(f"select {index} from delivered").fetchall()
    assert (checks[found - 1].rule if found else None) == rule
