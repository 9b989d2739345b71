"""GX's validation results and Data Docs keep no delivered value of a personal column.

A real validation on each engine of a pegawai delivery with a bad NIK, a bad birth date, a
missing name (on a row with an e-mail and a phone), a malformed NIP and an unknown status code;
then every file under the results store and the Data Docs site is read.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from support.contract_values import valid_value
from support.raw_layer import create_raw_layer

from kinerja.contract.extracts import EXTRACTS
from kinerja.quality import validate_batch
from kinerja.settings import Settings

PEGAWAI = EXTRACTS["pegawai"]
DAY = date(2025, 1, 6)
BATCH = f"uji-{DAY.isoformat()}"  # support.raw_layer's batch id and file name
FILE = f"pegawai/{DAY.isoformat()}/data.csv"

BAD_NIK = "317101010185"  # 12 digits
BAD_BIRTH_DATE = "17-08-1985"
BAD_NIP = "19850817201001100"  # 17 digits
BAD_STATUS = "HONORER"  # not personal: shown to help the fix

# Who the failing rows are: none of it may be written by GX.
PEOPLE = {
    2: {"nik": BAD_NIK, "nama": "Siti Rahmawati", "no_hp": "081234567802"},
    3: {"tanggal_lahir": BAD_BIRTH_DATE, "nama": "Bambang Suryadi", "no_hp": "081234567803"},
    4: {"nama": None, "email": "dewi.lestari@contoh.go.id", "no_hp": "081234567804"},
    5: {"status_kepegawaian": BAD_STATUS, "nama": "Agus Salim", "no_hp": "081234567805"},
    6: {"nip": BAD_NIP, "nama": "Rina Wulandari", "email": "rina.w@contoh.go.id"},
}
WITHHELD = [
    BAD_NIK,
    BAD_BIRTH_DATE,
    BAD_NIP,
    "Siti Rahmawati",
    "Bambang Suryadi",
    "Rina Wulandari",
    "dewi.lestari@contoh.go.id",
    "rina.w@contoh.go.id",
    *(p["no_hp"] for p in PEOPLE.values() if "no_hp" in p),
]
# (column, row) of each personal failure
PERSONAL_FAILURES = {("nik", 2), ("tanggal_lahir", 3), ("nama", 4), ("nip", 6)}


def _delivery() -> list[tuple[date, dict]]:
    rows = []
    for n in range(1, 8):
        row = {c.name: valid_value(c, n) for c in PEGAWAI.columns}
        row.update(PEOPLE.get(n, {}))
        rows.append((DAY, row))
    return rows


def _page_text(path: Path) -> str:
    text = re.sub(r"<script.*?</script>", " ", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def test_personal_values_stay_out_of_results_and_data_docs(target_settings: Settings) -> None:
    settings = target_settings
    create_raw_layer(settings, {"pegawai": _delivery()})

    outcome = validate_batch(settings, "pegawai", BATCH)

    # The outcome and its message stay as helpful: rule, column, file and row of every failure.
    found = {(f.column, e.row_number) for f in outcome.failures for e in f.examples}
    assert PERSONAL_FAILURES | {("status_kepegawaian", 5)} <= found
    message = outcome.message
    for column, row in [*PERSONAL_FAILURES, ("status_kepegawaian", 5)]:
        assert f"column {column}" in message and f"{FILE} row {row}" in message
    assert f"'{BAD_STATUS}'" in message

    files = [
        p
        for folder in (settings.gx_validations_dir, settings.data_docs_dir)
        for p in folder.rglob("*")
        if p.is_file()
    ]
    results = [p for p in files if p.suffix == ".json"]
    pages = [p for p in files if p.suffix == ".html" and "validations" in p.parts]
    assert len(results) == 2 and len(pages) == 2  # the suites of non-personal and personal columns
    for path in files:
        content = path.read_bytes()
        leaked = [v for v in WITHHELD if v.encode() in content]
        assert leaked == [], f"{path} keeps {leaked}"

    # The non-personal value is kept, in the results and on the page.
    shown = [p for p in results + pages if BAD_STATUS.encode() in p.read_bytes()]
    assert {p.suffix for p in shown} == {".json", ".html"}
    assert all("personal" not in p.parent.parent.parent.name for p in shown)

    # The pages name the file and row of every offending row, personal or not.
    text = " ".join(_page_text(p) for p in pages)
    assert text.count("values withheld: personal column") == len(PERSONAL_FAILURES)
    for _, row in [*PERSONAL_FAILURES, ("status_kepegawaian", 5)]:
        assert re.search(rf"{re.escape(FILE)} {row}\b", text), row
    assert f"{FILE} 5 {BAD_STATUS}" in text


@pytest.fixture
def duckdb_settings(kinerja_home: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("KINERJA_TARGET", "duckdb")
    return Settings()


def test_a_page_lists_the_first_rows_of_a_large_personal_failure(
    duckdb_settings: Settings,
) -> None:
    """On pandas GX names every row of a result whose values are withheld; the outcome and the
    page take the first ten, as they do from SQL."""
    rows = [
        (DAY, {c.name: valid_value(c, n) for c in PEGAWAI.columns} | {"nik": f"{n}"})
        for n in range(1, 26)
    ]
    create_raw_layer(duckdb_settings, {"pegawai": rows})
    outcome = validate_batch(duckdb_settings, "pegawai", BATCH)
    [nik] = [f for f in outcome.failures if f.column == "nik"]
    assert (nik.unexpected_count, len(nik.examples)) == (25, 10)
    assert [e.row_number for e in nik.examples] == list(range(1, 11))
    [page] = (duckdb_settings.data_docs_dir / "validations" / "raw_pegawai_personal").rglob(
        "*.html"
    )
    text = _page_text(page)
    assert "Unexpected rows: the first 10 of 25 (values withheld: personal column)" in text
    assert f"{FILE} 10 " in text and f"{FILE} 11 " not in text
