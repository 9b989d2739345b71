"""Who may see what on PostgreSQL, proved by logging in as a member of each group role.

The warehouse is built as production would run under the roles: `kinerja warehouse roles` first,
as the administrator; then the raw layer written by a loader login, the ML's tables created by an
ML login, and dbt run by a transformer login. A login of every group then tries every layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from support.hand_made_agency import (
    HEADER_ONLY,
    NIP_A,
    NIP_B,
    NIP_C,
    NIP_D,
    NIP_E,
    NIP_F,
    RAW,
)
from support.postgres import PG_HOST, PG_PORT, group_logins, throwaway_database
from support.raw_layer import create_raw_layer
from support.warehouse import run_dbt
from typer.testing import CliRunner

from kinerja.cli import app
from kinerja.publish.drift import ensure_drift_table
from kinerja.publish.warehouse import ensure_skor_table
from kinerja.settings import Settings
from kinerja.warehouse import connect
from kinerja.warehouse.access import (
    CARD_ROLE,
    EMPLOYEE_ROLE,
    grant_scope,
    revoke_scope,
    scoped_session,
)
from kinerja.warehouse.roles import (
    AUDITOR,
    BI,
    GROUP_ROLES,
    HR,
    LOADER,
    ML,
    TRANSFORMER,
    access_state,
    apply_roles,
)

pytestmark = pytest.mark.postgres

runner = CliRunner()

# What dbt builds here: a BI mart, an incremental BI mart, a restricted mart the ML exposure
# reads, the unit tree row-level scopes follow, and what they are built from (an incremental
# restricted mart among them).
MARTS = ("mart_kinerja_unit", "mart_peringatan_presensi_tanda_air", "dim_pegawai", "dim_unit_kerja")
SERVICES = (LOADER, TRANSFORMER, ML)

# The groups whose members may read each table: what README "Warehouse roles" promises.
READERS = {
    "raw.pegawai": {LOADER, TRANSFORMER},
    "raw.quarantine": {LOADER, TRANSFORMER},
    "raw.load_audit": {LOADER, TRANSFORMER, AUDITOR},
    "staging.stg_simpeg__pegawai": {TRANSFORMER},
    "intermediate.int_pegawai__riwayat": {TRANSFORMER},
    "seeds.predikat": {TRANSFORMER, HR, AUDITOR},
    "marts.mart_kinerja_unit": {TRANSFORMER, BI, HR, AUDITOR},
    "marts.mart_peringatan_presensi_tanda_air": {TRANSFORMER, BI, HR, AUDITOR},
    "marts.dim_pegawai": {TRANSFORMER, HR, ML, EMPLOYEE_ROLE, CARD_ROLE},
    "marts.dim_unit_kerja": {TRANSFORMER, BI, HR, AUDITOR},
    "marts.fct_presensi_harian": {TRANSFORMER, HR, EMPLOYEE_ROLE, CARD_ROLE},
    "marts.skor_kinerja": {ML, HR, TRANSFORMER, EMPLOYEE_ROLE, CARD_ROLE},
    "marts.drift_fitur": {ML, TRANSFORMER, BI, HR, AUDITOR},
}
WRITERS = {
    "raw.pegawai": {LOADER},
    "raw.quarantine": {LOADER},
    "raw.load_audit": {LOADER},
    "marts.mart_kinerja_unit": {TRANSFORMER},
    "marts.skor_kinerja": {ML},
    "marts.drift_fitur": {ML},
}


@dataclass
class Built:
    database: str
    admin: Settings
    logins: dict[str, str]  # group role -> a login that is a member of it
    first_run: str  # what `kinerja warehouse roles` printed
    work: Path

    def as_group(self, group: str) -> Settings:
        return self.admin.model_copy(update={"pg_user": self.logins[group]})

    @contextmanager
    def session(self, group: str) -> Iterator[psycopg.Connection]:
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=self.logins[group], dbname=self.database
        ) as con:
            yield con


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Iterator[Built]:
    work = tmp_path_factory.mktemp("roles")
    # Databases go first, then the logins: a login cannot be dropped while it has grants there.
    with (
        group_logins(GROUP_ROLES, SERVICES) as logins,
        throwaway_database("kinerja_roles") as database,
    ):
        settings = Settings(home=work / "home", target="postgres", pg_database=database)
        first_run = _roles_command(settings)
        assert first_run.exit_code == 0, first_run.output
        built = Built(database, settings, logins, first_run.output, work)
        create_raw_layer(built.as_group(LOADER), RAW, HEADER_ONLY)
        with connect(built.as_group(ML)) as wh:
            ensure_skor_table(wh)
            ensure_drift_table(wh)
        run_dbt(built.as_group(TRANSFORMER), work, "seed")
        run_dbt(built.as_group(TRANSFORMER), work, "run", "--select", *(f"+{m}" for m in MARTS))
        yield built


def _roles_command(settings: Settings):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KINERJA_HOME", str(settings.home))
        patch.setenv("KINERJA_TARGET", "postgres")
        patch.setenv("KINERJA_PG_DATABASE", settings.pg_database)
        return runner.invoke(app, ["warehouse", "roles", "--target", "postgres"])


def _can(built: Built, group: str, statement: str) -> bool:
    with built.session(group) as con:
        try:
            con.execute(statement)
        except psycopg.errors.InsufficientPrivilege:
            return False
        con.rollback()
        return True


def _readers(built: Built, table: str) -> set[str]:
    return {g for g in GROUP_ROLES if _can(built, g, f"select * from {table} limit 1")}


@pytest.mark.parametrize("table", sorted(READERS))
def test_each_role_reads_exactly_what_its_job_needs(built, table):
    assert _readers(built, table) == READERS[table]


@pytest.mark.parametrize("table", sorted(WRITERS))
def test_only_the_owner_of_a_layer_writes_it(built, table):
    insert = f"insert into {table} select * from {table} where false"
    assert {g for g in GROUP_ROLES if _can(built, g, insert)} == WRITERS[table]


def test_no_reader_may_pass_the_scores_on(built):
    """dbt gives the ML's tables their readers; no reader may give them to anyone."""
    with built.session(TRANSFORMER) as con:
        passers = {
            group
            for group in GROUP_ROLES
            if con.execute(
                "select has_table_privilege(%s, 'marts.skor_kinerja', 'select with grant option')",
                (group,),
            ).fetchone()[0]
        }
    assert passers == {ML, TRANSFORMER}


def test_a_raw_table_the_loader_creates_later_is_read_by_the_transformer_only(built):
    with built.session(LOADER) as con:
        con.execute("create table raw.ekstrak_baru (nip varchar, _batch_id varchar)")
        con.execute("insert into raw.ekstrak_baru values ('198501012010011001', 'b1')")
    assert _readers(built, "raw.ekstrak_baru") == {LOADER, TRANSFORMER}


def test_the_first_run_says_what_it_did(built):
    lines = built.first_run.splitlines()
    assert any("schema marts" in line and f"owner {TRANSFORMER}" in line for line in lines)
    assert any("table raw.load_audit" in line and f"{AUDITOR}=r/" in line for line in lines)
    assert any(f"default privileges of {LOADER} in raw" in line for line in lines)


def test_a_second_run_changes_nothing(built):
    with connect(built.admin) as wh:
        before = access_state(wh)
        assert apply_roles(wh, built.database) == []
        assert access_state(wh) == before
    result = _roles_command(built.admin)
    assert result.exit_code == 0, result.output
    assert "no change" in result.output


def test_on_duckdb_the_command_refuses_and_says_what_protects_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_HOME", str(tmp_path))
    monkeypatch.setenv("KINERJA_TARGET", "duckdb")
    result = runner.invoke(app, ["warehouse", "roles", "--target", "duckdb"])
    assert result.exit_code == 1
    assert "no roles" in result.output and "0600" in result.output and "0700" in result.output


def test_a_dbt_rebuild_keeps_each_mart_to_its_readers(built):
    """A rebuilt table gets its readers again; an incremental mart kept in place loses a reader
    the rule does not allow (granted by hand, as by mistake)."""
    with built.session(TRANSFORMER) as con:
        con.execute(f"grant select on marts.fct_presensi_harian to {BI}")
    assert BI in _readers(built, "marts.fct_presensi_harian")
    run_dbt(
        built.as_group(TRANSFORMER),
        built.work,
        "run",
        "--select",
        *MARTS,
        "fct_presensi_harian",
    )
    for table in ("marts.fct_presensi_harian", *(f"marts.{m}" for m in MARTS)):
        assert _readers(built, table) == READERS[table], table


# ---------------------------------------------------------------------------------------------
# Row-level access: the unit tree is U01 (A, C, E) above U02 (B, F) and U03 (D).
# ---------------------------------------------------------------------------------------------

RESTRICTED_BUILT = ("marts.dim_pegawai", "marts.fct_presensi_harian", "marts.skor_kinerja")
EVERYONE = {NIP_A, NIP_B, NIP_C, NIP_D, NIP_E, NIP_F}


@pytest.fixture(scope="module")
def scores(built) -> None:
    """A published score for every employee, written by the ML login as the night would."""
    with connect(built.as_group(ML)) as wh:
        for nip in sorted(EVERYONE):
            wh.execute(
                "insert into marts.skor_kinerja (nip, periode, skor, band, model_name, "
                "model_version, tanggal_data, scored_at) values (:n, '2024Q3', 0.3, 'SEDANG', "
                "'m', '1', date '2024-06-30', now())",
                {"n": nip},
            )


@contextmanager
def _scope(built: Built, login: str, *, nip: str | None = None, unit: str | None = None):
    with connect(built.admin) as wh:
        grant_scope(wh, login, nip=nip, kode_unit=unit)
    try:
        yield
    finally:
        with connect(built.admin) as wh:
            revoke_scope(wh, login)


def _visible(built: Built, login: str, table: str, *, as_user: str | None = None) -> set[str]:
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=login, dbname=built.database) as con:
        if as_user is not None:  # what a login that is not the card may try
            con.execute("select set_config('kinerja.pengguna', %s, false)", (as_user,))
        return {row[0] for row in con.execute(f"select distinct nip from {table}")}


@pytest.mark.parametrize("table", RESTRICTED_BUILT)
def test_an_hr_reader_sees_the_subtree_of_their_unit(built, scores, table):
    hr = built.logins[HR]
    assert _visible(built, hr, table) == set(), "no scope, no rows"
    with _scope(built, hr, unit="U02"):
        assert _visible(built, hr, table) == {NIP_B, NIP_F}
    with _scope(built, hr, unit="U01"):
        assert _visible(built, hr, table) == EVERYONE


@pytest.mark.parametrize("table", RESTRICTED_BUILT)
def test_an_employee_login_sees_their_own_rows_only(built, scores, table):
    employee = built.logins[EMPLOYEE_ROLE]
    with _scope(built, employee, nip=NIP_B), _scope(built, "kepala_u01", unit="U01"):
        assert _visible(built, employee, table) == {NIP_B}
        # The card's setting is honoured for the card's logins only.
        assert _visible(built, employee, table, as_user="kepala_u01") == {NIP_B}


def test_the_ml_steps_read_every_row_and_bi_no_restricted_table(built, scores):
    assert _visible(built, built.logins[ML], "marts.dim_pegawai") == EVERYONE
    assert not _can(built, BI, "select * from marts.dim_pegawai limit 1")


def test_the_card_sees_the_person_it_serves_whatever_its_query(built, scores):
    """A card session filters by `terlihat`; the database refuses other rows even to a query
    that forgets to."""
    card = built.as_group(CARD_ROLE)
    with _scope(built, NIP_D, nip=NIP_D), _scope(built, "atasan_u02", nip=NIP_B, unit="U02"):
        for pengguna, expected in ((NIP_D, {NIP_D}), ("atasan_u02", {NIP_B, NIP_F})):
            with scoped_session(card, pengguna) as wh:
                assert set(wh.query_df("select nip from terlihat")["nip"]) == expected
                for table in RESTRICTED_BUILT:
                    unfiltered = wh.query_df(f"select distinct nip from {table}")
                    assert set(unfiltered["nip"]) == expected, table
        with scoped_session(card, "nobody") as wh:
            assert wh.query_df("select nip from marts.skor_kinerja").empty


def test_a_card_session_cannot_write(built, scores):
    card = built.as_group(CARD_ROLE)
    with (
        _scope(built, NIP_A, nip=NIP_A),
        scoped_session(card, NIP_A) as wh,
        pytest.raises(psycopg.errors.ReadOnlySqlTransaction),
    ):
        wh.execute("create table marts.coba (x int)")


def test_row_level_security_survives_a_rebuild(built, scores):
    run_dbt(built.as_group(TRANSFORMER), built.work, "run", "--select", "dim_pegawai")
    hr = built.logins[HR]
    with _scope(built, hr, unit="U03"):
        assert _visible(built, hr, "marts.dim_pegawai") == {NIP_D}
