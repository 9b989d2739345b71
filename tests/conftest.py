"""Shared fixtures: an isolated KINERJA_HOME per test and a throwaway PostgreSQL database."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from support.postgres import throwaway_database

from kinerja.runtime import silence_telemetry
from kinerja.settings import Settings

silence_telemetry()
# Rich sizes its console when kinerja.cli is imported; tables wider than 80 columns must not be
# cut with an ellipsis in captured output, whichever worker imports the CLI first.
os.environ.setdefault("COLUMNS", "200")


def pytest_itemcollected(item: pytest.Item) -> None:
    """Spread the suite over CPUs (pytest-xdist, `--dist loadgroup`) without repeating work.

    A module's tests stay together on one worker, so its module-scoped fixtures (a dbt build, a
    generated agency) are built once; each end-to-end night is its own group, because those are
    the longest tests and are worth spreading. Marked as each test is collected: xdist reads the
    groups in its own collection hook, which may run before any other.
    """
    if item.get_closest_marker("xdist_group"):
        return
    group = item.nodeid if item.get_closest_marker("e2e") else item.module.__name__
    item.add_marker(pytest.mark.xdist_group(group))


def _kinerja_environment_restored() -> Iterator[None]:
    before = {k: v for k, v in os.environ.items() if k.startswith("KINERJA_")}
    yield
    for key in [k for k in os.environ if k.startswith("KINERJA_") and k not in before]:
        del os.environ[key]
    os.environ.update(before)


# The CLI writes its --target and --landing into os.environ (so Airflow and dbt see them); in a
# test worker that would leak into the tests that follow, from a test or from a module's fixture.
@pytest.fixture(autouse=True)
def restored_kinerja_environment() -> Iterator[None]:
    yield from _kinerja_environment_restored()


@pytest.fixture(scope="module", autouse=True)
def restored_kinerja_environment_per_module() -> Iterator[None]:
    yield from _kinerja_environment_restored()


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory) -> Iterator[None]:
    """One cache for the session: every test's home reuses the dbt manifests parsed before."""
    cache = tmp_path_factory.mktemp("kinerja_cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KINERJA_CACHE", str(cache))
        yield


@pytest.fixture(scope="session", autouse=True)
def settled_landing() -> Iterator[None]:
    """A test's deliveries are complete the moment it writes them (a fresh checkout's corpus too):
    no settle time, except in the tests of the settle time itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KINERJA_LANDING_SETTLE_SECONDS", "0")
        yield


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A uniquely named database on the real PostgreSQL server, dropped afterwards."""
    with throwaway_database() as name:
        yield name


@pytest.fixture
def kinerja_home(tmp_path, monkeypatch) -> str:
    home = tmp_path / "kinerja_home"
    monkeypatch.setenv("KINERJA_HOME", str(home))
    return str(home)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def target_settings(request, kinerja_home, monkeypatch) -> Settings:
    """Settings for each warehouse target in turn, isolated to this test."""
    monkeypatch.setenv("KINERJA_TARGET", request.param)
    if request.param == "postgres":
        monkeypatch.setenv("KINERJA_PG_DATABASE", request.getfixturevalue("pg_database"))
    return Settings()
