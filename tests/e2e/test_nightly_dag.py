"""End to end: a small generated agency, the real kinerja_nightly DAG via `kinerja run`
(`airflow dags test` underneath), on DuckDB and on PostgreSQL; assertions on what was published."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kinerja.settings import Settings
from kinerja.warehouse import connect

pytestmark = pytest.mark.e2e

START, NIGHT = date(2025, 1, 1), date(2025, 10, 31)
KINERJA = str(Path(sys.executable).parent / "kinerja")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    from kinerja.synth import generate

    root = tmp_path_factory.mktemp("landing")
    generate(root, employees=120, start=START, end=NIGHT, seed=7)
    return root


def _kinerja(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KINERJA, *args],
        check=False,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=1200,
    )


def _night_env(tmp_path: Path, landing: Path, target: str, database: str | None) -> dict:
    env = {
        "KINERJA_HOME": str(tmp_path / "home"),
        "KINERJA_LANDING": str(landing),
        "KINERJA_TARGET": target,
        "KINERJA_MIN_TRAINING_ROWS": "50",
        "COLUMNS": "200",
    }
    if database:
        env["KINERJA_PG_DATABASE"] = database
    return env


def _published(settings: Settings):
    with connect(settings) as wh:
        return wh.query_df("select * from marts.skor_kinerja order by nip")


def _active_with_features(settings: Settings) -> int:
    with connect(settings) as wh:
        return int(
            wh.scalar(
                "select count(distinct f.nip) from marts.fitur_kinerja_pegawai f "
                "join marts.dim_pegawai p on p.nip = f.nip where p.status_aktif = 'AKTIF'"
            )
        )


def _check_night(env: dict, settings: Settings) -> None:
    scores = _published(settings)
    assert len(scores) == _active_with_features(settings) > 50
    assert scores["nip"].is_unique
    assert scores["skor"].between(0, 1).all()
    assert set(scores["band"]) <= {"TINGGI", "SEDANG", "RENDAH"}
    assert (scores["periode"] == "2025-TW4").all()  # features of TW3 predict the next quarter
    assert (scores["model_version"].astype(str) == "1").all()
    outbox = settings.home_dir / "outbox" / "skor_kinerja" / NIGHT.isoformat()
    manifest = json.loads((outbox / "_manifest.json").read_text())
    [(name, entry)] = manifest["files"].items()
    data = (outbox / name).read_bytes()
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    with (outbox / name).open() as fh:
        rows = list(csv.DictReader(fh))
    assert entry["rows"] == len(rows) == len(scores)
    assert {"nip", "periode", "skor", "band", "alasan", "model_name", "model_version"} <= set(
        rows[0]
    )
    report = json.loads((settings.home_dir / "runs" / f"{NIGHT.isoformat()}.json").read_text())
    assert report["load"]["rows_loaded"]["presensi"] > 10_000
    assert report["validate"]["passed"] == report["validate"]["validations"] > 0
    assert report["train"]["metrics"]["val_roc_auc"] > 0.5


def test_night_on_duckdb_then_rerun_is_idempotent(tmp_path, landing):
    env = _night_env(tmp_path, landing, "duckdb", None)
    first = _kinerja(env, "run", "--date", NIGHT.isoformat())
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-5000:]
    assert "success" in first.stdout
    settings = Settings(home=tmp_path / "home", target="duckdb")
    _check_night(env, settings)
    before = _published(settings)

    again = _kinerja(env, "run", "--date", NIGHT.isoformat())
    assert again.returncode == 0, again.stdout[-5000:]
    after = _published(settings)
    assert len(after) == len(before)
    with connect(settings) as wh:
        raw_rows = wh.scalar("select count(*) from raw.presensi")
        duplicates = wh.scalar(
            "select count(*) from (select nip, tanggal from marts.fct_presensi_harian "
            "group by nip, tanggal having count(*) > 1) d"
        )
    assert duplicates == 0
    assert raw_rows == sum(1 for _ in _landing_rows(landing, "presensi"))


@pytest.mark.postgres
def test_night_on_postgres(tmp_path, landing, pg_database):
    env = _night_env(tmp_path, landing, "postgres", pg_database)
    result = _kinerja(env, "run", "--date", NIGHT.isoformat())
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    settings = Settings(home=tmp_path / "home", target="postgres", pg_database=pg_database)
    _check_night(env, settings)


def _landing_rows(landing: Path, extract: str):
    for path in sorted((landing / extract).glob("*/*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)


def test_a_delivery_with_too_many_bad_rows_stops_the_night_and_keeps_every_row(tmp_path):
    """A fifth of one file's NIPs lose a digit: each such row is quarantined with its rule and
    line, and the share of quarantined rows stops the night before dbt runs."""
    from kinerja.synth import generate

    landing = tmp_path / "landing"
    generate(landing, employees=40, start=date(2025, 3, 3), end=date(2025, 3, 7), seed=3)
    [bad_file] = sorted((landing / "presensi" / "2025-03-07").glob("*.csv"))
    lines = bad_file.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = list(range(1, len(lines), 5))
    for i in broken:
        nip = lines[i].split(",")[0]
        lines[i] = lines[i].replace(nip, nip[:-1], 1)
    bad_file.write_text("".join(lines), encoding="utf-8")
    (bad_file.parent / "_manifest.json").unlink(missing_ok=True)

    env = _night_env(tmp_path, landing, "duckdb", None)
    result = _kinerja(env, "run", "--date", "2025-03-07")
    assert result.returncode == 1
    assert "validate_extracts" in result.stdout
    report = json.loads((tmp_path / "home" / "runs" / "2025-03-07.json").read_text())
    [stop] = report["validate"]["delivery_stops"]
    assert "presensi" in stop and "quarantine_share" in stop
    assert "train" not in report and "publish" not in report

    settings = Settings(home=tmp_path / "home", target="duckdb")
    with connect(settings) as wh:
        quarantined = wh.query_df(
            "select source_file, row_number, rule from raw.quarantine where extract = 'presensi'"
        )
        audit = wh.query_df(
            "select rows_delivered, rows_loaded, rows_quarantined, quality_status "
            "from raw.load_audit where extract = 'presensi' and extraction_date = '2025-03-07'"
        )
    assert set(quarantined["rule"]) == {"INVALID_NIP"}
    assert sorted(quarantined["row_number"]) == broken  # data row i is line i + 1
    assert {Path(f).name for f in quarantined["source_file"]} == {bad_file.name}
    [(delivered, loaded, held, status)] = audit.itertuples(index=False, name=None)
    assert delivered == len(lines) - 1 == loaded + held and held == len(broken)
    assert status == "FAILED"
    # Failed for good on the first try: retrying cannot fix a delivered file.
    airflow_log = (tmp_path / "home" / "runs" / "2025-03-07.airflow.log").read_text()
    assert "AirflowFailException" in airflow_log
    assert "up_for_retry" not in airflow_log.lower()
