"""dbt refuses to build pseudonymous keys without the installation's secret, naming the variable,
instead of hashing NIPs with nothing (which anyone could recompute)."""

from __future__ import annotations

import pytest

from kinerja.runtime import DBT_PROJECT_DIR, tool_environment
from kinerja.settings import Settings


@pytest.mark.postgres
def test_dbt_without_the_secret_fails_naming_kinerja_pseudonym_key(
    tmp_path, pg_database, monkeypatch
):
    from dbt.cli.main import dbtRunner

    settings = Settings(home=tmp_path / "home", target="postgres", pg_database=pg_database)
    env = tool_environment(settings) | {
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in ("KINERJA_PSEUDONYM_KEY", "PGOPTIONS"):
        monkeypatch.delenv(key, raising=False)
    result = dbtRunner().invoke(
        ["--no-use-colors", "compile", "--select", "dim_pegawai"]
        + ["--project-dir", str(DBT_PROJECT_DIR)]
    )
    assert not result.success
    assert "KINERJA_PSEUDONYM_KEY is not set for this dbt session" in str(result.exception)
    assert not list((tmp_path / "target").rglob("dim_pegawai.sql"))
