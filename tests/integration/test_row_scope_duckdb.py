"""Row scopes on the embedded warehouse, which has no roles: the card's session lists the
employees a login may see, from the same rule PostgreSQL's policies call."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kinerja.settings import Settings
from kinerja.warehouse import WarehouseBusy, connect
from kinerja.warehouse.access import ScopeUnavailable, grant_scope, revoke_scope, scoped_session

# A tree of four levels: a dinas, two bidang under it, a seksi under one bidang.
UNITS = [("D1", None), ("B1", "D1"), ("B2", "D1"), ("S1", "B1")]
STAFF = {"n-dinas": "D1", "n-b1": "B1", "n-b2": "B2", "n-s1": "S1", "n-s1b": "S1"}


@pytest.fixture
def settings(kinerja_home, monkeypatch) -> Settings:
    # The CLI reads the target from the environment, which another test's --target may have set.
    monkeypatch.setenv("KINERJA_TARGET", "duckdb")
    settings = Settings(home=kinerja_home, target="duckdb")
    with connect(settings) as wh:
        wh.execute("create schema marts")
        wh.execute("create table marts.dim_unit_kerja (kode_unit text, kode_unit_induk text)")
        wh.execute("create table marts.dim_pegawai (nip text, kode_unit text)")
        for unit, parent in UNITS:
            wh.execute("insert into marts.dim_unit_kerja values (:u, :p)", {"u": unit, "p": parent})
        for nip, unit in STAFF.items():
            wh.execute("insert into marts.dim_pegawai values (:n, :u)", {"n": nip, "u": unit})
    return settings


def _visible(settings: Settings, pengguna: str) -> set[str]:
    with scoped_session(settings, pengguna) as wh:
        return set(wh.query_df("select nip from terlihat")["nip"])


def test_a_unit_grant_covers_its_whole_subtree_and_an_employee_grant_one_person(settings):
    with connect(settings) as wh:
        grant_scope(wh, "kabid1", nip="n-b1", kode_unit="B1")
        grant_scope(wh, "pegawai", nip="n-s1")
        grant_scope(wh, "kadis", kode_unit="D1")
        grant_scope(wh, "kadis", kode_unit="D1")  # granted twice: still one grant
        assert wh.scalar("select count(*) from akses.lingkup where pengguna = 'kadis'") == 1
    assert _visible(settings, "kabid1") == {"n-b1", "n-s1", "n-s1b"}
    assert _visible(settings, "pegawai") == {"n-s1"}
    assert _visible(settings, "kadis") == set(STAFF)
    assert _visible(settings, "stranger") == set()
    with connect(settings) as wh:
        assert revoke_scope(wh, "kabid1") == 1
    assert _visible(settings, "kabid1") == set()


def test_a_transfer_moves_an_employee_between_scopes(settings):
    with connect(settings) as wh:
        grant_scope(wh, "kabid2", kode_unit="B2")
        wh.execute("update marts.dim_pegawai set kode_unit = 'B2' where nip = 'n-s1b'")
    assert _visible(settings, "kabid2") == {"n-b2", "n-s1b"}


def test_a_grant_must_name_someone(settings):
    with connect(settings) as wh, pytest.raises(ValueError):
        grant_scope(wh, "kosong")


def test_the_session_is_read_only_and_waits_for_no_writer(settings):
    with connect(settings) as wh:
        grant_scope(wh, "pegawai", nip="n-s1")
    with scoped_session(settings, "pegawai") as wh, pytest.raises(Exception, match="read-only"):
        wh.execute("delete from marts.dim_pegawai")
    # The night holds the file in another process: a card request is told so, not kept waiting.
    night = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITER, str(settings.duckdb_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert night.stdout.readline().strip() == "holding"
        with pytest.raises(WarehouseBusy), scoped_session(settings, "pegawai"):
            pass
    finally:
        night.kill()
        night.wait()


_HOLD_WRITER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


def test_no_warehouse_or_no_grants_yet_is_said_plainly(kinerja_home):
    settings = Settings(home=kinerja_home, target="duckdb")
    with pytest.raises(ScopeUnavailable, match="run a night first"), scoped_session(settings, "x"):
        pass
    with connect(settings):
        pass
    with pytest.raises(ScopeUnavailable, match="no access grants"), scoped_session(settings, "x"):
        pass


def test_scopes_are_managed_from_the_cli(settings):
    from typer.testing import CliRunner

    from kinerja.cli import app

    runner = CliRunner()
    granted = runner.invoke(app, ["warehouse", "scope", "grant", "kabid1", "--unit", "B1"])
    assert granted.exit_code == 0, granted.output
    assert _visible(settings, "kabid1") == {"n-b1", "n-s1", "n-s1b"}
    listed = runner.invoke(app, ["warehouse", "scope", "list"])
    assert "kabid1" in listed.output and "B1" in listed.output
    assert runner.invoke(app, ["warehouse", "scope", "grant", "kabid1"]).exit_code == 2
    revoked = runner.invoke(app, ["warehouse", "scope", "revoke", "kabid1"])
    assert "1 scope(s) removed" in revoked.output
    assert _visible(settings, "kabid1") == set()
