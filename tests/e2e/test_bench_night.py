"""`kinerja bench night` on a tiny agency (60 employees, 8 days) on DuckDB: the real DAG's two
nights, the bare build, and the figures printed and written as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kinerja.settings import Settings

pytestmark = pytest.mark.e2e

KINERJA = str(Path(sys.executable).parent / "kinerja")


def test_bench_night_prints_and_writes_plausible_figures(tmp_path):
    out = tmp_path / "night.json"
    env = {**os.environ, "KINERJA_HOME": str(tmp_path / "home"), "COLUMNS": "80"}
    args = [KINERJA, "bench", "night", "--employees", "60", "--days", "8", "--json", str(out)]
    args += ["--catch-up-memory-limit", "3GB"]
    result = subprocess.run(
        args, check=False, env=env, capture_output=True, text=True, timeout=1200
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    [bench] = json.loads(out.read_text())
    assert bench["target"] == "duckdb" and bench["landing"]["cached"] is False
    catch_up, increment = bench["catch_up"], bench["increment"]
    assert catch_up["as_of"] == "2025-06-29" and increment["as_of"] == "2025-06-30"
    # The raised limit is the first night's alone; the increment keeps the settings' limit.
    assert catch_up["duckdb_memory_limit"] == "3GB"
    assert increment["duckdb_memory_limit"] == Settings().duckdb_memory_limit != "3GB"
    for night in (catch_up, increment):
        assert night["succeeded"] and night["wall_s"] > 0 and night["cpu_s"] > 0
        assert night["peak_rss_mb"] > 50  # an Airflow process tree, at least
        tasks = {t["task_id"]: t for t in night["tasks"]}
        assert {"load_extracts", "validate_extracts", "validate_marts"} <= set(tasks)
        assert sum(t["phase"] == "transform" for t in tasks.values()) > 20
        assert all(t["wall_s"] > 0 for t in tasks.values()), tasks
        assert all(t["peak_rss_mb"] > 0 for t in tasks.values()), tasks
        phases = night["phases"]
        assert all(phases[p]["wall_s"] > 0 for p in ("load", "validate", "transform"))
        assert phases["transform"]["wall_s"] < night["wall_s"]
    # The catch-up loads the week before the last day (five working days), the increment that
    # day alone.
    assert bench["landing"]["start"] == "2025-06-23" and bench["days"] == 8
    assert increment["rows_loaded"]["presensi"] > 0
    assert catch_up["rows_loaded"]["presensi"] > 3 * increment["rows_loaded"]["presensi"]

    bare = bench["bare_dbt_build"]
    assert bare["dbt_build_s"] > 0 and bare["nodes"] > 100
    assert bare["rows_loaded"] == increment["rows_loaded"]  # the same increment, the loader alone
    assert bench["transform_over_bare"] == pytest.approx(
        increment["phases"]["transform"]["wall_s"] / bare["dbt_build_s"]
    )

    printed = result.stdout
    for figure in (
        "catch-up: night wall s",
        "increment: transform wall / CPU s",
        "bare: dbt build",
    ):
        assert figure in printed
    assert "stg_simpeg__pegawai" in printed  # the per-task tables
    assert max(len(line) for line in printed.splitlines()) <= 80


def test_landing_is_generated_once_per_parameters(tmp_path):
    from kinerja.settings import Settings
    from kinerja_dev.bench.night import History, ensure_landing

    settings = Settings(home=tmp_path / "home", cache=tmp_path / "cache")
    month = History(months=1)
    first = ensure_landing(settings, employees=40, history=month, seed=3)
    again = ensure_landing(settings, employees=40, history=month, seed=3)
    other = ensure_landing(settings, employees=40, history=month, seed=4)
    assert not first.cached and again.cached and again.path == first.path
    assert again.rows == first.rows and first.rows["presensi"] > 0
    assert other.path != first.path and not other.cached
    assert (first.path / "presensi" / "2025-06-30").is_dir()
    assert first.start == date(2025, 6, 1)
    two_days = ensure_landing(settings, employees=40, history=History(days=2), seed=3)
    assert (two_days.start, two_days.end) == (date(2025, 6, 29), date(2025, 6, 30))
    assert not two_days.cached and two_days.path != first.path


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ({"months": 1, "days": 3}, "not both"),
        ({}, "not both"),
        ({"days": 1}, "two days at least"),
    ],
)
def test_history_is_months_or_days(history, message):
    from kinerja_dev.bench.night import History

    with pytest.raises(ValueError, match=message):
        History(**history)


def test_a_postgres_bench_makes_a_secret_only_for_a_database_it_drops(tmp_path):
    from kinerja.pseudonym import MissingPseudonymKey, installation_key
    from kinerja_dev.bench.night import with_bench_secret

    postgres = Settings(home=tmp_path / "home", target="postgres", pseudonym_key=None)
    with pytest.raises(MissingPseudonymKey):
        installation_key(postgres)
    first, second = (installation_key(with_bench_secret(postgres, kept=False)) for _ in range(2))
    assert len(first) >= 32 and first != second
    # A database the bench keeps is an installation's: it needs the installation's secret.
    with pytest.raises(MissingPseudonymKey):
        installation_key(with_bench_secret(postgres, kept=True))
    configured = Settings(home=tmp_path / "home", target="postgres", pseudonym_key="kunci-instansi")
    assert installation_key(with_bench_secret(configured, kept=False)) == "kunci-instansi"
    embedded = Settings(home=tmp_path / "home", target="duckdb", pseudonym_key=None)
    assert with_bench_secret(embedded, kept=False).pseudonym_key is None
