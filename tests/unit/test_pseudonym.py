"""The pseudonym key: one per embedded installation, kept owner-only; required everywhere else."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kinerja.pseudonym import (
    MissingPseudonymKey,
    dbt_session_environment,
    installation_key,
    key_file,
    postgres_options,
)
from kinerja.settings import Settings


def test_an_embedded_installation_makes_its_own_key_once_and_keeps_it_owner_only(tmp_path):
    one = Settings(home=tmp_path / "one", target="duckdb")
    other = Settings(home=tmp_path / "other", target="duckdb")
    with ThreadPoolExecutor(4) as pool:  # processes starting together agree on one key
        keys = set(pool.map(lambda _: installation_key(one), range(8)))
    [key] = keys
    assert len(key) >= 40
    assert installation_key(one) == key != installation_key(other)
    path = key_file(one)
    assert path.read_text().strip() == key
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["pseudonym.key"]  # no partial files left


def test_the_environment_wins_and_no_file_is_written(tmp_path):
    settings = Settings(home=tmp_path / "home", target="duckdb", pseudonym_key="dari-lingkungan")
    assert installation_key(settings) == "dari-lingkungan"
    assert not key_file(settings).exists()
    assert "dari-lingkungan" not in repr(settings)  # a SecretStr: not in reprs or tracebacks


def test_postgres_refuses_without_a_key_naming_the_variable(tmp_path):
    # An empty KINERJA_PSEUDONYM_KEY (a blank line in an .env file) is no key either.
    for key in (None, ""):
        settings = Settings(home=tmp_path / "home", target="postgres", pseudonym_key=key)
        with pytest.raises(MissingPseudonymKey, match="KINERJA_PSEUDONYM_KEY is not set.*token_"):
            installation_key(settings)
        assert not key_file(settings).exists()


def test_an_empty_key_file_is_an_error_not_a_new_key(tmp_path):
    settings = Settings(home=tmp_path / "home", target="duckdb")
    key_file(settings).parent.mkdir(parents=True)
    key_file(settings).write_text("\n")
    with pytest.raises(MissingPseudonymKey, match="pseudonym.key is empty"):
        installation_key(settings)


def test_postgres_sessions_get_the_key_as_a_setting_libpq_can_split(tmp_path):
    assert postgres_options("a b\\c") == "-c kinerja.pseudonym_key=a\\ b\\\\c"
    assert postgres_options("k", "-c statement_timeout=0") == (
        "-c statement_timeout=0 -c kinerja.pseudonym_key=k"
    )
    settings = Settings(home=tmp_path / "home", target="postgres", pseudonym_key="k")
    assert dbt_session_environment(settings)["PGOPTIONS"].endswith("kinerja.pseudonym_key=k")


def test_kinerja_run_on_postgres_without_a_key_stops_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KINERJA_PSEUDONYM_KEY"}
    env |= {"KINERJA_HOME": str(tmp_path / "home"), "KINERJA_TARGET": "postgres"}
    kinerja = str(Path(sys.executable).parent / "kinerja")
    result = subprocess.run(
        [kinerja, "run", "--date", "2025-03-07", "--landing", str(tmp_path / "landing")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("KINERJA_PSEUDONYM_KEY is not set: a postgres installation")
    assert not (tmp_path / "home" / "airflow").exists()


def test_new_files_and_kinerja_home_are_owner_only(tmp_path):
    """`import kinerja` sets the umask every entry point and its children inherit."""
    from kinerja.private_files import private_home

    assert os.umask(0o077) == 0o077
    (tmp_path / "new.txt").write_text("x")
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o600
    home = tmp_path / "old_home"
    home.mkdir()
    home.chmod(0o755)  # an installation from before this version
    private_home(Settings(home=home))
    assert home.stat().st_mode & 0o777 == 0o700


def test_cosmos_env_vars_carry_no_secret(monkeypatch, tmp_path):
    """What Cosmos renders and serializes (`env_vars`) holds paths and limits, never secrets."""
    from kinerja.night.dag_config import dbt_env

    monkeypatch.setenv("KINERJA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KINERJA_PSEUDONYM_KEY", "rahasia-kunci")
    monkeypatch.setenv("KINERJA_PG_PASSWORD", "rahasia-sandi")
    env = dbt_env(Settings())
    assert env["KINERJA_HOME"] == str(tmp_path / "home")
    assert not {"rahasia-kunci", "rahasia-sandi"} & set(env.values())
