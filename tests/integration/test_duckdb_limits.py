"""DuckDB runs with the memory limit, threads and spill directory of the settings, on every
connection Kinerja opens: the warehouse, the loader's file reader on PostgreSQL, and dbt's."""

from __future__ import annotations

import pytest

from kinerja.settings import get_settings
from kinerja.transform.invoke import invoke_dbt
from kinerja.warehouse import connect

SETTINGS_SQL = (
    "select current_setting('memory_limit') as memory_limit, "
    "current_setting('threads') as threads, current_setting('temp_directory') as temp_directory"
)


@pytest.fixture
def limited(kinerja_home, monkeypatch):
    monkeypatch.setenv("KINERJA_DUCKDB_MEMORY_LIMIT", "512MiB")
    monkeypatch.setenv("KINERJA_DUCKDB_THREADS", "1")
    return get_settings()


def test_the_warehouse_connection_runs_within_the_limits(limited):
    with connect(limited) as wh:
        row = wh.query_df(SETTINGS_SQL).iloc[0]
    assert row["memory_limit"] == "512.0 MiB"
    assert int(row["threads"]) == 1
    assert row["temp_directory"] == str(limited.home_dir / "duckdb_tmp")


@pytest.mark.postgres
def test_the_file_reader_on_postgres_runs_within_the_limits(limited, monkeypatch, pg_database):
    monkeypatch.setenv("KINERJA_TARGET", "postgres")
    monkeypatch.setenv("KINERJA_PG_DATABASE", pg_database)
    with connect(get_settings()) as wh:
        memory, threads = (
            wh.staging()
            .execute("select current_setting('memory_limit'), current_setting('threads')")
            .fetchone()
        )
    assert (memory, int(threads)) == ("512.0 MiB", 1)


def test_dbt_runs_duckdb_within_the_limits(limited, tmp_path):
    with connect(limited):  # the warehouse file dbt opens
        pass
    result = invoke_dbt(limited, tmp_path, "show", "--inline", SETTINGS_SQL, quiet=False)
    assert result.success, result.exception
    [node] = result.result.results
    [row] = [dict(zip(node.agate_table.column_names, r, strict=True)) for r in node.agate_table]
    assert row["memory_limit"] == "512.0 MiB"
    assert int(row["threads"]) == 1
    assert row["temp_directory"] == str(limited.home_dir / "duckdb_tmp")

    # Under `airflow dags test` the next task opens the warehouse in the process where dbt-duckdb
    # still holds the file open: DuckDB refuses a connection whose configuration differs.
    with connect(limited) as wh:
        after = wh.query_df(SETTINGS_SQL).iloc[0]
    assert after["memory_limit"] == "512.0 MiB"


def test_a_second_connection_after_a_spill_keeps_the_spill_folder(kinerja_home, monkeypatch):
    """DuckDB refuses to set the spill folder again once a query spilled into it; a second
    connection in the same process (the next task under `airflow dags test`) must still open."""
    monkeypatch.setenv("KINERJA_DUCKDB_MEMORY_LIMIT", "64MiB")
    monkeypatch.setenv("KINERJA_DUCKDB_THREADS", "1")
    settings = get_settings()
    with connect(settings) as first:
        first.execute(
            "create table spilled as select range as r, md5(cast(range as varchar)) as m "
            "from range(2000000) order by m"
        )
        with connect(settings) as second:
            row = second.query_df(SETTINGS_SQL).iloc[0]
    assert row["temp_directory"] == str(settings.duckdb_temp_directory)
