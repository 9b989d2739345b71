"""dbt refuses to build pseudonymous keys without the installation's secret, naming the variable,
instead of hashing NIPs with nothing (which anyone could recompute)."""

from __future__ import annotations

import pytest

from kinerja.settings import Settings
from kinerja.transform.invoke import invoke_dbt


@pytest.mark.postgres
def test_dbt_without_the_secret_fails_naming_kinerja_pseudonym_key(
    tmp_path, pg_database, monkeypatch
):
    settings = Settings(home=tmp_path / "home", target="postgres", pg_database=pg_database)
    for key in ("KINERJA_PSEUDONYM_KEY", "PGOPTIONS"):
        monkeypatch.delenv(key, raising=False)
    result = invoke_dbt(
        settings, tmp_path, "compile", "--select", "dim_pegawai", quiet=False, check=False
    )
    assert not result.success
    assert "KINERJA_PSEUDONYM_KEY is not set for this dbt session" in str(result.exception)
    assert not list((tmp_path / "target").rglob("dim_pegawai.sql"))
