"""The BI snapshot on a real DuckDB warehouse file and the project's real dbt manifest: which marts
go in (the `akses` declarations), what stops it, and that it is swapped in whole.

The marts here are small stand-ins written by the test (one row per table, the same names): what
is checked is what the step copies and refuses. The snapshot of a real night, and a BI reader
holding it open during the next night, are in tests/e2e/test_nightly_dag.py.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kinerja.contract.personal import DIRECT_IDENTIFIERS
from kinerja.night.steps import NightFailed, publish_bi_snapshot
from kinerja.publish.bi_snapshot import INFO_TABLE, SnapshotRefused, write_bi_snapshot
from kinerja.settings import Settings
from kinerja.transform.akses import bi_marts, bi_marts_of
from kinerja.transform.catalog import relations
from kinerja.transform.manifest import write_manifest
from kinerja.warehouse import connect

NIGHT, NEXT_NIGHT = date(2025, 6, 30), date(2025, 7, 1)


@pytest.fixture
def settings(tmp_path) -> Settings:
    settings = Settings(home=tmp_path / "home", target="duckdb")
    write_manifest(settings)
    return settings


@pytest.fixture
def warehouse(settings) -> Settings:
    """Every table of the marts schema the project declares, restricted ones included, one row
    each; the restricted ones hold a nip as the real ones do."""
    manifest = json.loads(settings.dbt_target_dir.joinpath("manifest.json").read_text())
    with connect(settings) as wh:
        wh.ensure_schema("marts")
        for r in (r for r in relations(manifest) if r.schema == "marts"):
            extra = ", '199001012015031001' as nip" if r.restricted else ""
            wh.execute(f"create table marts.{r.name} as select 1 as nilai{extra}")
    return settings


def _read(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_bi_marts_are_the_marts_not_declared_restricted(settings):
    manifest = json.loads(settings.dbt_target_dir.joinpath("manifest.json").read_text())
    marts = {r.name: r for r in relations(manifest) if r.schema == "marts"}
    bi = {r.name for r in bi_marts(settings)}
    assert bi == {name for name, r in marts.items() if not r.restricted}
    # What a BI tool joins the marts with, and the drift table scoring writes, are BI's.
    assert {"dim_tanggal", "dim_unit_kerja", "mart_kinerja_unit", "drift_fitur"} <= bi
    assert not {"dim_pegawai", "fct_presensi_harian", "skor_kinerja"} & bi
    # The declaration decides: a mart marked restricted in its yml leaves BI's list.
    marked = copy.deepcopy(manifest)
    marked["nodes"]["model.kinerja.mart_kinerja_unit"]["config"]["meta"]["akses"] = "terbatas"
    assert "mart_kinerja_unit" not in {r.name for r in bi_marts_of(marked)}


def test_the_snapshot_holds_the_bi_marts_with_when_and_for_which_night(warehouse):
    result = publish_bi_snapshot(NIGHT, warehouse)
    path = warehouse.bi_snapshot_path
    assert not result.skipped and result.path == str(path)
    assert path.parent == warehouse.home_dir / "bi"
    tables = {
        name
        for (name,) in _read(
            path, "select table_name from duckdb_tables() where schema_name = 'marts'"
        )
    }
    assert tables == {m.name for m in bi_marts(warehouse)} == set(result.rows)
    assert set(result.rows.values()) == {1}
    columns = {c for (c,) in _read(path, "select column_name from duckdb_columns()")}
    assert not columns & DIRECT_IDENTIFIERS
    [(night, made_at)] = _read(path, f"select tanggal_data, dibuat_pada from {INFO_TABLE}")
    assert night == NIGHT and made_at.isoformat() == result.dibuat_pada
    counted = dict(_read(path, "select nama_tabel, jumlah_baris from tabel_snapshot"))
    assert counted == {f"marts.{t}": n for t, n in result.rows.items()}
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no partial, no WAL
    assert result.bytes == path.stat().st_size > 0


def test_a_reader_of_the_previous_snapshot_keeps_it_and_blocks_nothing(warehouse):
    write_bi_snapshot(warehouse, NIGHT)
    path = warehouse.bi_snapshot_path
    held = duckdb.connect(str(path), read_only=True)
    try:
        with connect(warehouse) as wh:
            wh.execute("insert into marts.dim_tanggal values (2)")
        again = write_bi_snapshot(warehouse, NEXT_NIGHT)
        assert again.rows["dim_tanggal"] == 2
        assert held.execute(f"select tanggal_data from {INFO_TABLE}").fetchall() == [(NIGHT,)]
        assert held.execute("select count(*) from marts.dim_tanggal").fetchall() == [(1,)]
    finally:
        held.close()
    # DuckDB shares one database per file and process: the old one is gone once its last
    # connection closes, and the next connection opens the new file.
    assert _read(path, f"select tanggal_data from {INFO_TABLE}") == [(NEXT_NIGHT,)]


def test_an_identifying_column_in_a_bi_mart_stops_it_and_keeps_the_previous_one(warehouse):
    write_bi_snapshot(warehouse, NIGHT)
    with connect(warehouse) as wh:
        wh.execute("alter table marts.mart_kelonggaran_penilai add column nip_penilai text")
    with pytest.raises(NightFailed, match=r"marts\.mart_kelonggaran_penilai\.nip_penilai"):
        publish_bi_snapshot(NEXT_NIGHT, warehouse)
    path = warehouse.bi_snapshot_path
    assert _read(path, f"select tanggal_data from {INFO_TABLE}") == [(NIGHT,)]
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_missing_bi_mart_stops_it_but_a_table_scoring_has_not_written_yet_does_not(warehouse):
    with connect(warehouse) as wh:
        wh.execute("drop table marts.drift_fitur")  # written by the first night that scores
    assert "drift_fitur" not in write_bi_snapshot(warehouse, NIGHT).rows
    with connect(warehouse) as wh:
        wh.execute("drop table marts.mart_talenta_9box")
    with pytest.raises(SnapshotRefused, match="mart_talenta_9box"):
        write_bi_snapshot(warehouse, NEXT_NIGHT)


def test_on_postgres_the_step_writes_nothing_and_says_why(tmp_path):
    settings = Settings(home=tmp_path / "home", target="postgres")
    result = publish_bi_snapshot(NIGHT, settings)
    assert result.skipped and "kinerja_bi" in result.reason
    assert not settings.bi_snapshot_path.exists()


def test_the_path_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KINERJA_BI_SNAPSHOT", str(tmp_path / "bi" / "dasbor.duckdb"))
    assert Settings().bi_snapshot_path == tmp_path / "bi" / "dasbor.duckdb"
