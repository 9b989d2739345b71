"""Row-level access: which employees' rows a login may see in the restricted marts.

A login's scope is a set of grants in `akses.lingkup`: an employee (their own NIP) and/or a unit,
which covers every employee whose current unit is that unit or below it in the organisation tree.
`VISIBLE_NIPS_SQL` turns a login's grants into NIPs; it is the one definition of the rule:

- on PostgreSQL it is the body of `akses.nip_terlihat()`, which the row-level security policies of
  every restricted mart call (`akses.lindungi_baris`, applied by dbt's post-hook and the publish
  step), so an HR reader or an employee connecting with their own login sees their scope only;
- on DuckDB, which has no roles, `scoped_session` evaluates it into the session's `terlihat`
  table, and the employee card filters by it.

The employee card connects as a member of `kinerja_kartu` and names the person it serves in the
setting `kinerja.pengguna`; the database honours that setting for members of that role only, so an
employee's own login cannot borrow another's scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd

from kinerja.settings import Settings
from kinerja.warehouse.base import Warehouse

ACCESS_SCHEMA = "akses"
SCOPE_TABLE = f"{ACCESS_SCHEMA}.lingkup"
CARD_ROLE = "kinerja_kartu"  # the employee card's service logins are members of it
EMPLOYEE_ROLE = "kinerja_pegawai"  # employees' own logins, and the card acting for one
SCOPE_SETTING = "kinerja.pengguna"

_SCOPE_COLUMNS = (
    "pengguna text not null, nip text, kode_unit text, "
    "diberikan_pada timestamp not null default current_timestamp, "
    "check (nip is not null or kode_unit is not null)"
)

# :pengguna is the login. The unit tree is today's (dim_unit_kerja); an employee belongs to the
# unit of their latest snapshot (dim_pegawai), so a transfer moves them between scopes overnight.
VISIBLE_NIPS_SQL = """
with recursive
    grants as (
        select nip, kode_unit
        from akses.lingkup
        where pengguna = :pengguna
    ),
    units_in_scope (kode_unit) as (
        select kode_unit from grants where kode_unit is not null
        union
        select unit.kode_unit
        from marts.dim_unit_kerja as unit
        join units_in_scope as parent on unit.kode_unit_induk = parent.kode_unit
    )
select nip from grants where nip is not null
union
select pegawai.nip
from marts.dim_pegawai as pegawai
join units_in_scope on pegawai.kode_unit = units_in_scope.kode_unit
"""


def ensure_scope_table(wh: Warehouse) -> None:
    wh.ensure_schema(ACCESS_SCHEMA)
    wh.execute(f"create table if not exists {SCOPE_TABLE} ({_SCOPE_COLUMNS})")


def grant_scope(
    wh: Warehouse, pengguna: str, *, nip: str | None = None, kode_unit: str | None = None
) -> None:
    """Let `pengguna` see employee `nip` and/or everyone in unit `kode_unit`'s subtree.

    Granting the same again changes nothing."""
    if not pengguna or (nip is None and kode_unit is None):
        raise ValueError("a scope names a login and an employee (nip) or a unit (kode_unit)")
    ensure_scope_table(wh)
    with wh.transaction():
        wh.execute(
            f"delete from {SCOPE_TABLE} where pengguna = :p "
            "and coalesce(nip, '') = coalesce(:n, '') "
            "and coalesce(kode_unit, '') = coalesce(:u, '')",
            {"p": pengguna, "n": nip, "u": kode_unit},
        )
        wh.execute(
            f"insert into {SCOPE_TABLE} (pengguna, nip, kode_unit) values (:p, :n, :u)",
            {"p": pengguna, "n": nip, "u": kode_unit},
        )


def revoke_scope(wh: Warehouse, pengguna: str) -> int:
    """Remove every grant of `pengguna`; returns how many there were."""
    if not wh.table_exists(ACCESS_SCHEMA, "lingkup"):
        return 0
    count = int(
        wh.scalar(f"select count(*) from {SCOPE_TABLE} where pengguna = :p", {"p": pengguna})
    )
    wh.execute(f"delete from {SCOPE_TABLE} where pengguna = :p", {"p": pengguna})
    return count


def list_scopes(wh: Warehouse) -> pd.DataFrame:
    if not wh.table_exists(ACCESS_SCHEMA, "lingkup"):
        return pd.DataFrame(columns=["pengguna", "nip", "kode_unit", "diberikan_pada"])
    return wh.query_df(
        f"select pengguna, nip, kode_unit, diberikan_pada from {SCOPE_TABLE} "
        "order by pengguna, kode_unit, nip"
    )


def protect_rows(wh: Warehouse, qualified_table: str) -> None:
    """Put a restricted table Python wrote under the row-level policies dbt gives the restricted
    marts. Call it as the table's owner; a warehouse without roles (DuckDB, or PostgreSQL where
    `kinerja warehouse roles` never ran) has no policies to apply."""
    if wh.target != "postgres":
        return
    if wh.scalar("select to_regprocedure('akses.lindungi_baris(regclass)') is not null"):
        wh.execute("select akses.lindungi_baris(cast(:t as regclass))", {"t": qualified_table})


class ScopeUnavailable(RuntimeError):
    """The warehouse cannot give a scoped session (no access schema yet, or roles missing)."""


@contextmanager
def scoped_session(settings: Settings, pengguna: str) -> Iterator[Warehouse]:
    """A read-only session whose table `terlihat(nip)` lists the employees `pengguna` may see.

    Queries of restricted marts filter by it. On PostgreSQL the session also runs as
    `kinerja_kartu` for `pengguna`, so row-level security refuses other rows whatever the query.
    """
    if settings.target == "postgres":
        from kinerja.warehouse.postgres import PostgresWarehouse

        login = settings.model_copy(
            update={
                "pg_user": settings.card_pg_user or settings.pg_user,
                "pg_password": settings.card_pg_password or settings.pg_password,
            }
        )
        wh: Warehouse = PostgresWarehouse(login)
        try:
            if not wh.scalar("select to_regprocedure('akses.nip_terlihat()') is not null"):
                raise ScopeUnavailable(
                    "the warehouse has no row-level access yet: run `kinerja warehouse roles`"
                )
            wh.execute(f"set role {CARD_ROLE}")
            wh.execute("select set_config(:s, :p, false)", {"s": SCOPE_SETTING, "p": pengguna})
            wh.execute("create temporary view terlihat as select akses.nip_terlihat() as nip")
            wh.execute("set default_transaction_read_only = on")
            yield wh
        finally:
            wh.close()
        return

    from kinerja.warehouse.duckdb import DuckDBWarehouse

    if not settings.duckdb_path.exists():
        raise ScopeUnavailable(f"no warehouse at {settings.duckdb_path} yet: run a night first")
    wh = DuckDBWarehouse(settings, read_only=True)
    try:
        if not wh.table_exists(ACCESS_SCHEMA, "lingkup") or not wh.table_exists(
            "marts", "dim_pegawai"
        ):
            raise ScopeUnavailable(
                "the warehouse has no access grants or no employees yet: add a user and run a night"
            )
        wh.execute(f"create temporary table terlihat as {VISIBLE_NIPS_SQL}", {"pengguna": pengguna})
        yield wh
    finally:
        wh.close()
