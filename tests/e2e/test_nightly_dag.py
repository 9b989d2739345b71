"""End to end: a small generated agency, the real kinerja_nightly DAG via `kinerja run`
(`airflow dags test` underneath), on DuckDB and on PostgreSQL; assertions on what was published."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from support.net import free_port
from support.postgres import group_logins, throwaway_database

from kinerja.night.events import read_events
from kinerja.night.report import read_report
from kinerja.night.runner import task_states
from kinerja.runtime import tool_environment
from kinerja.settings import Settings
from kinerja.transform.manifest import manifest_path
from kinerja.warehouse import connect
from kinerja.warehouse.roles import LOADER, ML, TRANSFORMER

pytestmark = pytest.mark.e2e

START, NIGHT = date(2025, 1, 1), date(2025, 10, 31)
KINERJA = str(Path(sys.executable).parent / "kinerja")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    from kinerja_dev.synth import generate

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


def _night_env(
    tmp_path: Path, landing: Path, target: str, database: str | None, columns: int = 200
) -> dict:
    env = {
        "KINERJA_HOME": str(tmp_path / "home"),
        "KINERJA_LANDING": str(landing),
        "KINERJA_TARGET": target,
        "KINERJA_MIN_TRAINING_ROWS": "50",
        "COLUMNS": str(columns),
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
    report = read_report(settings, NIGHT)
    assert report.load.rows_loaded["presensi"] > 10_000
    assert report.validate.passed == report.validate.validations > 0
    assert report.train.metrics["val_roc_auc"] > 0.5


@pytest.fixture(scope="module")
def duckdb_night(tmp_path_factory, landing) -> SimpleNamespace:
    """The first night on DuckDB, its output at 80 columns, its task states and its events (read
    before a test reruns the night)."""
    tmp_path = tmp_path_factory.mktemp("duckdb_night")
    env = _night_env(tmp_path, landing, "duckdb", None, columns=80)
    # DAGs unpaused as on the stack: the night's asset events queue the SIASN export.
    env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] = "False"
    first = _kinerja(env, "run", "--date", NIGHT.isoformat())
    settings = Settings(home=tmp_path / "home", target="duckdb")
    return SimpleNamespace(
        env=env,
        settings=settings,
        first=first,
        states=task_states(settings, NIGHT),
        events=read_events(settings.home_dir / "runs" / f"{NIGHT.isoformat()}.tasks.jsonl"),
    )


# Both read the one DuckDB night of the module fixture: one worker builds it once.
@pytest.mark.xdist_group("e2e_duckdb_night")
def test_night_on_duckdb_then_rerun_is_idempotent(duckdb_night, landing):
    env, settings, first = duckdb_night.env, duckdb_night.settings, duckdb_night.first
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-5000:]
    assert "success" in first.stdout
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


# Reads the module fixture's night and its rerun: one worker, after the rerun.
@pytest.mark.xdist_group("e2e_duckdb_night")
def test_airflow_s_ui_shows_each_task_s_log_and_the_night_s_true_duration(duckdb_night):
    """`kinerja ui` serves Airflow's UI and REST API on the embedded store: the night's run lasts
    as long as it ran, not from its logical date, and every task of it has its own log, with what
    the task did, where the API looks for it."""
    home = duckdb_night.settings.home_dir
    port = free_port()
    with (home.parent / "ui.log").open("w") as log:
        server = subprocess.Popen(
            [KINERJA, "ui", "--port", str(port)],
            env={**os.environ, **duckdb_night.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (home.parent / "ui.log").read_text()[-3000:]
            try:
                if httpx.get(f"{base}/api/v2/monitor/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the UI did not answer in 120 s"
            time.sleep(1)
        password = json.loads((home / "airflow" / "ui_passwords.json").read_text())["admin"]
        token = httpx.post(
            f"{base}/auth/token", json={"username": "admin", "password": password}, timeout=30
        ).json()["access_token"]
        api = httpx.Client(
            base_url=f"{base}/api/v2/dags/kinerja_nightly",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        # `dags test` of a date again replaces the date's run in Airflow's store; the task logs of
        # the run it replaced stay on disk, in their own run's folder.
        [run] = api.get("/dagRuns").json()["dag_runs"]
        started = datetime.fromisoformat(run["start_date"])
        ended = datetime.fromisoformat(run["end_date"])
        assert timedelta(0) < ended - started < timedelta(minutes=20), run
        run_folders = list((home / "airflow" / "logs" / "dag_id=kinerja_nightly").iterdir())
        assert len(run_folders) == 2  # the first night and its rerun
        for folder in run_folders:
            assert (folder / "task_id=load_extracts" / "attempt=1.log").is_file()

        latest = run["dag_run_id"]
        tasks = api.get(f"/dagRuns/{latest}/taskInstances", params={"limit": 1000}).json()
        assert tasks["total_entries"] == len(duckdb_night.states)
        for ti in tasks["task_instances"]:
            content = api.get(
                f"/dagRuns/{latest}/taskInstances/{ti['task_id']}/logs/{ti['try_number']}",
                headers={"Accept": "application/json"},
            ).json()["content"]
            events = [line.get("event", "") for line in content]
            assert any(f"task_id={ti['task_id']} " in e for e in events), ti["task_id"]
            assert not any("Could not read" in e for e in events), ti["task_id"]
        load_log = api.get(
            f"/dagRuns/{latest}/taskInstances/load_extracts/logs/1",
            headers={"Accept": "application/json"},
        ).json()["content"]
        assert any("rows_loaded" in line.get("event", "") for line in load_log)
        assert any(line.get("level") == "info" and line.get("timestamp") for line in load_log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.postgres
def test_night_on_postgres_runs_each_step_as_its_own_login(tmp_path, landing):
    """The night as production runs it: `kinerja warehouse roles` first, then the loader, dbt and
    the ML steps each as a login of its group role, which gives them nothing more than the job
    needs; every table belongs to the group of the step that made it."""
    key = "kunci-uji-e2e postgres"  # a space: libpq's PGOPTIONS must carry it escaped
    services = (LOADER, TRANSFORMER, ML)
    with (
        group_logins(services, services) as logins,
        throwaway_database("kinerja_e2e") as database,
    ):
        env = {
            **_night_env(tmp_path, landing, "postgres", database),
            "KINERJA_PSEUDONYM_KEY": key,
            "KINERJA_PG_LOADER_USER": logins[LOADER],
            "KINERJA_PG_TRANSFORMER_USER": logins[TRANSFORMER],
            "KINERJA_PG_ML_USER": logins[ML],
        }
        roles = _kinerja(env, "warehouse", "roles", "--target", "postgres")
        assert roles.returncode == 0, roles.stdout[-3000:] + roles.stderr[-3000:]
        result = _kinerja(env, "run", "--date", NIGHT.isoformat())
        assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
        settings = Settings(home=tmp_path / "home", target="postgres", pg_database=database)
        _check_night(env, settings)
        with connect(settings) as wh:
            keys = wh.query_df("select nip, pegawai_key from marts.dim_pegawai")
            owners = dict(
                wh.query_df(
                    "select schemaname || '.' || tablename, tableowner from pg_tables "
                    "where schemaname in ('raw', 'marts')"
                ).itertuples(index=False, name=None)
            )
        assert len(keys) > 50 and all(
            pk == hashlib.md5(f"{key}{nip}".encode()).hexdigest()
            for nip, pk in keys.itertuples(index=False, name=None)
        )
        assert owners["raw.presensi"] == owners["raw.load_audit"] == LOADER
        assert owners["marts.dim_pegawai"] == owners["marts.fct_presensi_harian"] == TRANSFORMER
        assert owners["marts.skor_kinerja"] == ML


# Both read the one DuckDB night of the module fixture: one worker builds it once.
@pytest.mark.xdist_group("e2e_duckdb_night")
def test_night_shows_each_dbt_node_and_measures_each_task(duckdb_night):
    """dbt runs once, each model, seed and snapshot has its own task in Airflow, and every task
    that ran has its start and end in the events file with plausible metrics; `kinerja run`
    printed its progress as plain lines within 80 columns."""
    first, states, events = duckdb_night.first, duckdb_night.states, duckdb_night.events
    assert first.returncode == 0, first.stdout[-5000:]
    manifest = json.loads(manifest_path(duckdb_night.settings).read_text())
    built = [
        n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot")
    ]
    suffix = {"model": "run", "seed": "seed", "snapshot": "snapshot"}
    for node in built:
        name, kind = node["name"], suffix[node["resource_type"]]
        task = next(
            (t for t in (f"transform.{name}.{kind}", f"transform.{name}_{kind}") if t in states),
            None,
        )
        assert task and states[task] == "success", (node["unique_id"], task)
    assert set(states.values()) == {"success"}

    starts = {e["task_id"] for e in events if e["event"] == "task_start"}
    ends = {e["task_id"]: e for e in events if e["event"] == "task_end"}
    assert starts == set(ends) == set(states)
    for end in ends.values():
        assert end["state"] == "success", end
        assert end["try"] == 1
        assert 0 < end["wall_s"] < 1200, end
        assert 0 <= end["cpu_s"] <= end["wall_s"] * (os.cpu_count() or 1) + 1, end
        assert 50 < end["peak_rss_mb"] < 32_000, end
    for heavy in ("load_extracts", "validate_extracts", "transform.dbt_producer_watcher"):
        assert ends[heavy]["cpu_s"] > 0.5, ends[heavy]
    # Every node of the build reported its start and its outcome while it ran.
    finished = {e["node"]: e["status"] for e in events if e["event"] == "dbt_node"}
    assert {n["unique_id"] for n in built} <= set(finished)
    assert {finished[n["unique_id"]] for n in built} == {"success"}
    tests = [s for node, s in finished.items() if node.startswith("test.")]
    assert len(tests) > 100 and set(tests) <= {"pass", "warn"}

    lines = first.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "\x1b" not in first.stdout
    assert any(line.endswith("load_extracts success " + line.split()[-1]) for line in lines)
    assert any(" dbt 1/" in line for line in lines)


def test_a_failing_dbt_test_fails_the_night_naming_it(tmp_path):
    """An employee in a unit the unit extract does not have passes the loader and GX, and fails
    dbt's relationships test: the night fails at once (no retry waits), its test task fails, the
    build's downstream nodes and the steps after dbt do not run, and the summary names the test."""
    from kinerja_dev.synth import generate

    landing = tmp_path / "landing"
    generate(landing, employees=40, start=date(2025, 3, 3), end=date(2025, 3, 7), seed=5)
    [pegawai] = sorted((landing / "pegawai" / "2025-03-07").glob("*.csv"))
    with pegawai.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("kode_unit")
    rows[-1][column] = "09990000"
    with pegawai.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    (pegawai.parent / "_manifest.json").unlink(missing_ok=True)

    env = _night_env(tmp_path, landing, "duckdb", None)
    result = _kinerja(env, "run", "--date", "2025-03-07")
    assert result.returncode == 1, result.stdout[-5000:]
    settings = Settings(home=tmp_path / "home", target="duckdb")
    states = task_states(settings, date(2025, 3, 7))
    assert states["transform.stg_simpeg__pegawai.run"] == "success"
    assert states["transform.stg_simpeg__pegawai.test"] == "failed"
    assert states["transform.dbt_producer_watcher"] == "failed"
    assert states["validate_marts"] == "upstream_failed"
    assert "up_for_retry" not in states.values()
    assert "relationships_stg_simpeg__pegawai_kode_unit" in result.stdout
    assert "transform.stg_simpeg__pegawai.test" in result.stdout
    report = json.loads((tmp_path / "home" / "runs" / "2025-03-07.json").read_text())
    assert "train" not in report and "publish" not in report


def _landing_rows(landing: Path, extract: str):
    for path in sorted((landing / extract).glob("*/*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)


def test_a_delivery_with_too_many_bad_rows_stops_the_night_and_keeps_every_row(tmp_path):
    """A fifth of one file's NIPs lose a digit: each such row is quarantined with its rule and
    line, and the share of quarantined rows stops the night before dbt runs."""
    from kinerja_dev.synth import generate

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
    report = read_report(Settings(home=tmp_path / "home"), date(2025, 3, 7))
    [stop] = report.validate.delivery_stops
    assert "presensi" in stop and "quarantine_share" in stop
    assert report.train is None and report.publish is None

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


# The constant every installation shared before keys were per installation.
OLD_SHARED_KEY = "kinerja-demo-key-change-me"


def _airflow_db_texts(home: Path):
    """Every value of every row of the night's Airflow metadata DB, the serialized DAG's
    compressed copy decompressed: (table, text) pairs."""
    import sqlite3
    import zlib
    from contextlib import closing

    # Closed before the modes are read: closing removes SQLite's -wal and -shm files.
    with closing(sqlite3.connect(home / "airflow" / "airflow.db")) as con:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            for row in con.execute(f'select * from "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        try:
                            value = zlib.decompress(value)
                        except zlib.error:
                            pass
                        yield table, value.decode("utf-8", "replace")
                    elif value is not None:
                        yield table, str(value)


# Reads the one DuckDB night of the module fixture (and its rerun): one worker builds it once.
@pytest.mark.xdist_group("e2e_duckdb_night")
def test_night_keeps_the_pseudonym_key_secret_and_every_file_private(duckdb_night):
    """A new embedded installation made its own key, kept it owner-only, and hashed every
    pegawai_key with it; the key is nowhere else under KINERJA_HOME (Airflow's rendered fields,
    serialized DAG and XComs, task logs, run reports, dbt's compiled SQL), and no file or folder
    there is open to group or others."""
    from kinerja.pseudonym import key_file

    settings, first = duckdb_night.settings, duckdb_night.first
    assert first.returncode == 0, first.stdout[-5000:]
    home = settings.home_dir
    path = key_file(settings)
    key = path.read_text().strip()
    assert len(key) >= 40 and key != OLD_SHARED_KEY
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)

    with connect(settings) as wh:
        keys = wh.query_df("select nip, pegawai_key from marts.dim_pegawai")
    assert len(keys) > 50
    assert all(
        pk == hashlib.md5(f"{key}{nip}".encode()).hexdigest()
        for nip, pk in keys.itertuples(index=False, name=None)
    )
    old = {hashlib.md5(f"{OLD_SHARED_KEY}{nip}".encode()).hexdigest() for nip in keys["nip"]}
    assert old.isdisjoint(keys["pegawai_key"])

    seen = {}
    for table, text in _airflow_db_texts(home):
        seen[table] = seen.get(table, 0) + 1
        assert key not in text, table
    # What Airflow shows and keeps of the dbt tasks was read, not an empty database.
    assert seen["rendered_task_instance_fields"] > 50 and seen["serialized_dag"] > 0
    assert seen["xcom"] > 50

    files = [p for p in home.rglob("*") if p.is_file() and not p.is_symlink()]
    logs = [p for p in files if p.suffix == ".log"]
    reports = list((home / "runs").glob("*.json*"))
    assert logs and reports
    holding_key = [p for p in files if p != path and key.encode() in p.read_bytes()]
    assert holding_key == []
    assert key not in first.stdout + first.stderr

    open_to_others = [
        f"{oct(p.stat().st_mode & 0o777)} {p.relative_to(home.parent)}"
        for p in [home, *home.rglob("*")]
        if not p.is_symlink() and p.stat().st_mode & 0o077
    ]
    assert open_to_others == []


# Runs one more night on the module fixture's warehouse (after the rerun): one worker, in order.
@pytest.mark.xdist_group("e2e_duckdb_night")
def test_bi_snapshot_holds_the_bi_marts_and_a_reader_never_holds_up_the_night(duckdb_night):
    """After a night the BI snapshot holds exactly the marts not declared restricted, with the
    warehouse's row counts and no identifying column; a BI tool holding it open through the next
    night keeps reading its night while that night succeeds, and a new connection sees the next."""
    import duckdb

    from kinerja.transform.akses import bi_marts

    settings, env = duckdb_night.settings, duckdb_night.env
    assert duckdb_night.first.returncode == 0, duckdb_night.first.stdout[-5000:]
    path = settings.bi_snapshot_path
    marts = {m.name for m in bi_marts(settings)}
    with connect(settings) as wh:
        in_warehouse = {m: int(wh.scalar(f"select count(*) from marts.{m}")) for m in marts}
    held = duckdb.connect(str(path), read_only=True)
    try:
        tables = held.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
        assert {t for (t,) in tables} == marts
        assert "skor_kinerja" not in marts and "dim_pegawai" not in marts
        copied = {m: held.execute(f"select count(*) from marts.{m}").fetchone()[0] for m in marts}
        assert copied == in_warehouse
        assert in_warehouse["mart_kinerja_unit"] > 0 and in_warehouse["drift_fitur"] > 0
        columns = {
            c for (c,) in held.execute("select column_name from duckdb_columns()").fetchall()
        }
        assert not columns & {"nip", "nik", "nama", "tanggal_lahir"}
        [(night,)] = held.execute("select tanggal_data from info_snapshot").fetchall()
        assert night == NIGHT

        # The next night: no delivery for it, the warehouse rebuilt and scored for its date.
        following = date(2025, 11, 1)
        second = _kinerja(env, "run", "--date", following.isoformat())
        assert second.returncode == 0, second.stdout[-5000:] + second.stderr[-5000:]
        assert task_states(settings, following)["publish_bi_snapshot"] == "success"
        assert held.execute("select tanggal_data from info_snapshot").fetchall() == [(NIGHT,)]
        assert (
            held.execute("select count(*) from marts.drift_fitur").fetchone()[0]
            == copied["drift_fitur"]
        )
    finally:
        held.close()
    with duckdb.connect(str(path), read_only=True) as fresh:
        assert fresh.execute("select tanggal_data from info_snapshot").fetchall() == [(following,)]
        # Tonight's drift rows came with it.
        assert (
            fresh.execute("select count(*) from marts.drift_fitur").fetchone()[0]
            > copied["drift_fitur"]
        )
    report = read_report(settings, following)
    assert report.bi_snapshot.tanggal_data == following.isoformat()
    assert path.stat().st_mode & 0o777 == 0o600


def _airflow_rows(settings: Settings, sql: str) -> list[tuple]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(settings.airflow_home / "airflow.db", timeout=30)) as con:
        return con.execute(sql).fetchall()


# Reads the module fixture's nights (and may follow the next night's): one worker, in order.
@pytest.mark.xdist_group("e2e_duckdb_night")
def test_the_night_announces_its_assets_and_the_siasn_export_consumes_them(duckdb_night):
    """The night emitted its assets: the BI and HR marts from validate_marts (each naming its
    marts), the scores' table and outbox from score_and_publish, each event carrying the night.
    The outbox's event queued kinerja_ekspor_siasn (what the scheduler starts it from); run with
    `airflow dags test`, it points <outbox>/ekspor_siasn.json at the newest published night's
    folder, checked against that folder's manifest."""
    settings = duckdb_night.settings
    assert duckdb_night.first.returncode == 0, duckdb_night.first.stdout[-5000:]
    events: dict[str, list[dict]] = {}
    for uri, task, run_id, extra, timestamp in _airflow_rows(
        settings,
        "select a.uri, e.source_task_id, e.source_run_id, e.extra, e.timestamp "
        "from asset_event e join asset a on a.id = e.asset_id order by e.timestamp",
    ):
        events.setdefault(uri, []).append(
            {"task": task, "run_id": run_id, "extra": json.loads(extra), "at": timestamp}
        )
    assert set(events) == {
        "kinerja://warehouse/marts/bi",
        "kinerja://warehouse/marts/hr",
        "kinerja://warehouse/marts/skor_kinerja",
        "kinerja://outbox/skor_kinerja",
    }
    tonight = {
        uri: [e for e in es if e["extra"]["night"] == NIGHT.isoformat()]
        for uri, es in events.items()
    }
    assert all(tonight.values()), tonight
    bi = tonight["kinerja://warehouse/marts/bi"][0]
    hr = tonight["kinerja://warehouse/marts/hr"][0]
    assert bi["task"] == hr["task"] == "validate_marts"
    assert "mart_kinerja_unit" in bi["extra"]["marts"] and "dim_pegawai" in hr["extra"]["marts"]
    assert not set(bi["extra"]["marts"]) & set(hr["extra"]["marts"])
    assert "skor_kinerja" not in bi["extra"]["marts"] + hr["extra"]["marts"]
    scores = tonight["kinerja://warehouse/marts/skor_kinerja"][0]
    outbox = tonight["kinerja://outbox/skor_kinerja"][0]
    assert scores["task"] == outbox["task"] == "score_and_publish"
    folder = settings.home_dir / "outbox" / "skor_kinerja" / NIGHT.isoformat()
    assert outbox["extra"]["folder"] == str(folder)
    manifest = json.loads((folder / "_manifest.json").read_text())
    assert outbox["extra"]["rows"] == sum(f["rows"] for f in manifest["files"].values())
    assert scores["extra"]["model_name"] == "kinerja_risiko_kinerja"

    queued = _airflow_rows(
        settings,
        "select q.target_dag_id, a.uri from asset_dag_run_queue q join asset a on a.id = q.asset_id",
    )
    assert ("kinerja_ekspor_siasn", "kinerja://outbox/skor_kinerja") in queued

    env = {**os.environ, **tool_environment(settings)}
    export = subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), "dags", "test", "kinerja_ekspor_siasn"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert export.returncode == 0, export.stdout[-3000:] + export.stderr[-3000:]
    [(state,)] = _airflow_rows(
        settings,
        "select state from task_instance where dag_id = 'kinerja_ekspor_siasn' "
        "order by start_date desc limit 1",
    )
    assert state == "success"

    newest = max(events["kinerja://outbox/skor_kinerja"], key=lambda e: e["extra"]["night"])
    pointer = json.loads((settings.home_dir / "outbox" / "ekspor_siasn.json").read_text())
    newest_folder = settings.home_dir / "outbox" / "skor_kinerja" / newest["extra"]["night"]
    assert pointer["tujuan"] == "SIASN"
    assert pointer["tanggal_data"] == newest["extra"]["night"]
    assert pointer["folder"] == str(newest_folder)
    assert pointer["files"] == json.loads((newest_folder / "_manifest.json").read_text())["files"]
    assert pointer["sumber"]["dag_id"] == "kinerja_nightly"
    assert pointer["sumber"]["task_id"] == "score_and_publish"
    assert pointer["sumber"]["asset"] == "kinerja://outbox/skor_kinerja"
