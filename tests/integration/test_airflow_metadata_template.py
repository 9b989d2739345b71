"""A new home's embedded Airflow metadata DB starts from a migrated template kept in the cache, so
only the first home on a machine pays `airflow db migrate`; a DB that already holds a home's runs
never becomes the template."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kinerja.night.dag_config import WAREHOUSE_POOL
from kinerja.night.runner import prepare_airflow
from kinerja.settings import Settings


@pytest.fixture(autouse=True)
def embedded_metadata(monkeypatch):
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", raising=False)
    monkeypatch.setenv("KINERJA_PSEUDONYM_KEY", "kunci-uji-templat")


def _rows(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db)) as con:
        return con.execute(sql).fetchall()


def _templates(cache: Path) -> list[Path]:
    return sorted((cache / "airflow_metadata").glob("*.db"))


def test_a_second_home_starts_from_the_first_home_s_migrated_metadata(tmp_path):
    cache = tmp_path / "cache"
    first = Settings(home=tmp_path / "first", target="duckdb", cache=cache)
    prepare_airflow(first)
    [template] = _templates(cache)
    assert _rows(template, "select count(*) from dag_run") == [(0,)]

    # The template is the second home's DB: same migration, same pool, before any run.
    (template_mark,) = _rows(template, "select version_num from alembic_version")
    second = Settings(home=tmp_path / "second", target="duckdb", cache=cache)
    prepare_airflow(second)
    db = second.airflow_home / "airflow.db"
    assert _rows(db, "select version_num from alembic_version") == [template_mark]
    assert _rows(db, f"select slots from slot_pool where pool = '{WAREHOUSE_POOL}'") == [(1,)]
    assert (db.stat().st_mode & 0o777) == 0o600
    assert _templates(cache) == [template]


def test_a_home_whose_db_holds_runs_is_migrated_in_place_never_kept_as_the_template(tmp_path):
    seeded = Settings(home=tmp_path / "seeded", target="duckdb", cache=tmp_path / "cache_a")
    prepare_airflow(seeded)
    db = seeded.airflow_home / "airflow.db"
    with closing(sqlite3.connect(db)) as con:
        con.execute(
            "insert into log_template (filename, elasticsearch_id, created_at) "
            "values ('a-home-s-own.log', 'x', '2026-01-01')"
        )
        con.commit()

    # The same home after an upgrade (its marker no longer matches) and with an empty cache.
    (seeded.airflow_home / ".kinerja-prepared").write_text("{}")
    upgraded = Settings(home=tmp_path / "seeded", target="duckdb", cache=tmp_path / "cache_b")
    prepare_airflow(upgraded)
    assert _rows(db, "select count(*) from log_template where filename = 'a-home-s-own.log'") == [
        (1,)
    ]
    assert _templates(tmp_path / "cache_b") == []
