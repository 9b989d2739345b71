"""Who may see what on PostgreSQL: the group roles, the schemas they own and the raw layer's grants.

A migration run by an administrator (`kinerja warehouse roles`), idempotent: every statement
states an end state, so a second run changes nothing. The grants on what dbt builds are dbt's
own (`dbt_project/macros/grants.sql`, re-applied on every build); this module does what dbt
cannot: the roles, the schemas, the loader's `raw` layer, the default privileges of tables created
later, and the ownership of the tables Python writes into `marts`. README "Warehouse roles" says
what each role may do and why.

The roles are NOLOGIN groups; an installation makes login roles members of them. A service
login (loader, transformer, ML) should also get `ALTER ROLE <login> SET role <group>`, so that
what it creates belongs to the group, which the default privileges below are declared for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import psycopg
import yaml

from kinerja.contract.personal import declares_restricted
from kinerja.project import DBT_PROJECT_DIR
from kinerja.warehouse.access import (
    ACCESS_SCHEMA,
    CARD_ROLE,
    EMPLOYEE_ROLE,
    SCOPE_SETTING,
    VISIBLE_NIPS_SQL,
    ensure_scope_table,
)
from kinerja.warehouse.base import Warehouse

LOADER = "kinerja_loader"
TRANSFORMER = "kinerja_transformer"
ML = "kinerja_ml"
BI = "kinerja_bi"
HR = "kinerja_hr"
AUDITOR = "kinerja_auditor"
GROUP_ROLES = (LOADER, TRANSFORMER, ML, BI, HR, AUDITOR, EMPLOYEE_ROLE, CARD_ROLE)

RAW = "raw"  # kinerja.load.raw_tables.RAW_SCHEMA, which this layer cannot import
LOAD_AUDIT = "load_audit"
# What the night removed and why: counts and cutoffs, no delivered values.
RETENTION_LOG = "retention_log"
# The schemas dbt builds into (`+schema` in dbt_project.yml), created here so that no service
# role needs the right to create schemas in the database.
DBT_SCHEMAS = ("staging", "intermediate", "snapshots", "seeds", "marts")
SCHEMA_OWNERS = {RAW: LOADER, **dict.fromkeys(DBT_SCHEMAS, TRANSFORMER)}
SCHEMA_READERS = {
    RAW: (TRANSFORMER, AUDITOR),  # auditors: raw.load_audit only (grant below)
    "seeds": (HR, AUDITOR),
    "marts": (BI, HR, ML, AUDITOR, EMPLOYEE_ROLE),
}
PUBLISH_SOURCES = DBT_PROJECT_DIR / "models" / "marts" / "_publish__sources.yml"


DUCKDB_HAS_NO_ROLES = (
    "the DuckDB warehouse has no roles or grants: what protects it is its file's permissions "
    "(0600, in a 0700 folder under KINERJA_HOME: only the installation's user reads it). "
    "Roles exist on --target postgres."
)


class RolesNeedPostgres(RuntimeError):
    """The warehouse has no roles to create (DuckDB)."""


@dataclass(frozen=True)
class Change:
    """One object whose access changed: its state before and after, as PostgreSQL prints it."""

    object: str
    before: str
    after: str


def publish_tables() -> list[tuple[str, str]]:
    """(schema, table) of the tables the publish step writes, as declared for dbt."""
    return [(schema, table) for schema, table, _ in publish_tables_with_access()]


def publish_tables_with_access() -> list[tuple[str, str, bool]]:
    """(schema, table, restricted) of the tables the publish step writes, as declared for dbt."""
    declared = yaml.safe_load(PUBLISH_SOURCES.read_text(encoding="utf-8"))
    return [
        (
            source["schema"],
            table["name"],
            declares_restricted(table.get("config", {}).get("meta")),
        )
        for source in declared["sources"]
        if source["name"] == "publish"
        for table in source["tables"]
    ]


def apply_roles(wh: Warehouse, database: str) -> list[Change]:
    """Bring roles, schemas and grants to the state README "Warehouse roles" describes; return
    what changed (nothing on a second run)."""
    if wh.target != "postgres":
        raise RolesNeedPostgres(DUCKDB_HAS_NO_ROLES)
    before = access_state(wh)
    for role in GROUP_ROLES:
        _create_group_role(wh, role)
    wh.execute(f"grant connect on database {_ident(database)} to {', '.join(GROUP_ROLES)}")
    for schema, owner in SCHEMA_OWNERS.items():
        wh.execute(f"create schema if not exists {schema} authorization {owner}")
        wh.execute(f"alter schema {schema} owner to {owner}")
    for schema, readers in SCHEMA_READERS.items():
        wh.execute(f"grant usage on schema {schema} to {', '.join(readers)}")
    _raw_layer(wh)
    _access_layer(wh)
    _publish_tables(wh)
    return diff(before, access_state(wh))


def _create_group_role(wh: Warehouse, role: str) -> None:
    if wh.scalar("select count(*) from pg_roles where rolname = :r", {"r": role}):
        return
    try:
        wh.execute(f"create role {role} nologin")
    except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
        pass  # created meanwhile by a run on another database: roles are cluster-wide


def _raw_layer(wh: Warehouse) -> None:
    """The loader owns every raw table (it adds columns and partitions as the contract grows);
    the transformer reads them all, quarantine included (staging models it); auditors read
    only the load audit and the retention log: counts, statuses and cutoffs, no delivered values."""
    for kind, name in _owned_elsewhere(wh, RAW, LOADER):
        wh.execute(f"alter {kind} {name} owner to {LOADER}")
    wh.execute(f"grant select on all tables in schema {RAW} to {TRANSFORMER}")
    wh.execute(
        f"alter default privileges for role {LOADER} in schema {RAW} "
        f"grant select on tables to {TRANSFORMER}"
    )
    for audited in (LOAD_AUDIT, RETENTION_LOG):
        if _exists(wh, RAW, audited):
            wh.execute(f"grant select on {RAW}.{audited} to {AUDITOR}")


# Who the login is: the card (a member of CARD_ROLE) names the employee it serves in a setting;
# anyone else is their own login.
_EFFECTIVE_USER = f"""
create or replace function {ACCESS_SCHEMA}.pengguna_efektif() returns text
language sql stable set search_path = pg_catalog, pg_temp as $$
    select case
        when pg_has_role(session_user, '{CARD_ROLE}', 'MEMBER')
            and coalesce(current_setting('{SCOPE_SETTING}', true), '') <> ''
        then current_setting('{SCOPE_SETTING}', true)
        else cast(session_user as text)
    end
$$"""
# Security definer: its owner (the administrator running this) reads the grants and the
# employees' units past their own row-level policies, which would otherwise call it again.
_VISIBLE_NIPS = f"""
create or replace function {ACCESS_SCHEMA}.nip_terlihat() returns setof text
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
{VISIBLE_NIPS_SQL.replace(":pengguna", f"{ACCESS_SCHEMA}.pengguna_efektif()")}
$$"""
# The policies of a restricted table (every one has `nip`): HR readers and employees see their
# scope, the ML steps every row; owners (the transformer, ML for its tables) are not subject to
# them. Called by dbt's post-hook for the restricted marts and by the publish step for its table.
_PROTECT_ROWS = f"""
create or replace function {ACCESS_SCHEMA}.lindungi_baris(tabel regclass) returns void
language plpgsql set search_path = pg_catalog, pg_temp as $$
begin
    execute format('alter table %s enable row level security', tabel);
    execute format('drop policy if exists lingkup_pengguna on %s', tabel);
    execute format('create policy lingkup_pengguna on %s for select to {HR}, {EMPLOYEE_ROLE} '
                   'using (nip in (select {ACCESS_SCHEMA}.nip_terlihat()))', tabel);
    execute format('drop policy if exists layanan_ml on %s', tabel);
    execute format('create policy layanan_ml on %s for select to {ML} using (true)', tabel);
end
$$"""


def _access_layer(wh: Warehouse) -> None:
    """The scope grants (`akses.lingkup`, the administrator's alone) and the functions the
    restricted marts' row-level policies call. The card acts for employees, so it has their
    reach and no more."""
    wh.execute(f"grant {EMPLOYEE_ROLE} to {CARD_ROLE}")
    ensure_scope_table(wh)
    # The functions read marts that the first night creates: bind them when called.
    wh.execute("set check_function_bodies = off")
    try:
        for definition in (_EFFECTIVE_USER, _VISIBLE_NIPS, _PROTECT_ROWS):
            wh.execute(definition)
    finally:
        wh.execute("reset check_function_bodies")
    wh.execute(f"revoke all on schema {ACCESS_SCHEMA} from public")
    wh.execute(
        f"grant usage on schema {ACCESS_SCHEMA} to {HR}, {EMPLOYEE_ROLE}, {TRANSFORMER}, {ML}"
    )
    wh.execute(f"revoke all on all functions in schema {ACCESS_SCHEMA} from public")
    wh.execute(
        f"grant execute on function {ACCESS_SCHEMA}.pengguna_efektif(), {ACCESS_SCHEMA}.nip_terlihat() "
        f"to {HR}, {EMPLOYEE_ROLE}"
    )
    wh.execute(
        f"grant execute on function {ACCESS_SCHEMA}.lindungi_baris(regclass) to {TRANSFORMER}, {ML}"
    )


def _publish_tables(wh: Warehouse) -> None:
    """The ML steps create their tables in marts and own them; dbt's on-run-end gives them
    their readers by the marts' rule (macros/grants.sql) and may do so as the transformer,
    hence the grant option. HR, who reads every mart, reads them from the moment they exist,
    the restricted ones under their row-level policies (employees from the next build on)."""
    wh.execute(f"grant create on schema marts to {ML}")
    defaults = f"alter default privileges for role {ML} in schema marts"
    wh.execute(f"{defaults} grant select on tables to {HR}")
    wh.execute(f"{defaults} grant select on tables to {TRANSFORMER} with grant option")
    for schema, table, restricted in publish_tables_with_access():
        if _exists(wh, schema, table):
            wh.execute(f"alter table {schema}.{table} owner to {ML}")
            wh.execute(f"grant select on {schema}.{table} to {HR}")
            wh.execute(f"grant select on {schema}.{table} to {TRANSFORMER} with grant option")
            if restricted:
                wh.execute(f"select {ACCESS_SCHEMA}.lindungi_baris('{schema}.{table}')")


def _owned_elsewhere(wh: Warehouse, schema: str, owner: str) -> list[tuple[str, str]]:
    """("table" | "function", name as SQL) of the objects in `schema` not owned by `owner`: the
    loader's batch-value functions (kinerja.warehouse.postgres) are replaced by the loader."""
    frame = wh.query_df(
        "select 'table' as kind, format('%I.%I', n.nspname, c.relname) as name "
        "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = :s and c.relkind in ('r', 'p') and pg_get_userbyid(c.relowner) <> :o "
        "union all "
        "select 'function', cast(cast(p.oid as regprocedure) as text) "
        "from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
        "where n.nspname = :s and pg_get_userbyid(p.proowner) <> :o",
        {"s": schema, "o": owner},
    )
    return list(frame.itertuples(index=False, name=None))


def _exists(wh: Warehouse, schema: str, table: str) -> bool:
    return bool(
        wh.scalar(
            "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = :s and c.relname = :t",
            {"s": schema, "t": table},
        )
    )


_ROLES_STATE = (
    "select 'role ' || rolname, case when rolcanlogin then 'login' else 'group' end "
    "from pg_roles where rolname = any(:roles)"
)
_DATABASE_STATE = (
    "select 'database ' || datname, coalesce(cast(datacl as text), 'default') "
    "from pg_database where datname = current_database()"
)
_SCHEMAS_STATE = (
    "select 'schema ' || nspname, 'owner ' || pg_get_userbyid(nspowner) || ' ' "
    "|| coalesce(cast(nspacl as text), '') from pg_namespace where nspname = any(:schemas)"
)
_TABLES_STATE = (
    "select 'table ' || n.nspname || '.' || c.relname, 'owner ' "
    "|| pg_get_userbyid(c.relowner) || ' ' || coalesce(cast(c.relacl as text), '') "
    "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where c.relkind in ('r', 'p') "
    "and (n.nspname = any(array[:raw, :access]) "
    "or n.nspname || '.' || c.relname = any(:published))"
)
_FUNCTIONS_STATE = (
    "select 'function ' || cast(cast(p.oid as regprocedure) as text), 'owner ' "
    "|| pg_get_userbyid(p.proowner) || ' ' || coalesce(cast(p.proacl as text), '') "
    "from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
    "where n.nspname = any(array[:raw, :access])"
)
_MEMBERSHIPS_STATE = (
    "select 'membership ' || pg_get_userbyid(m.member) || ' in ' || pg_get_userbyid(m.roleid), "
    "'member' from pg_auth_members m "
    "where pg_get_userbyid(m.roleid) = any(:roles) and pg_get_userbyid(m.member) = any(:roles)"
)
_DEFAULTS_STATE = (
    "select 'default privileges of ' || pg_get_userbyid(d.defaclrole) || ' in ' "
    "|| n.nspname, cast(d.defaclacl as text) from pg_default_acl d "
    "join pg_namespace n on n.oid = d.defaclnamespace where n.nspname = any(:schemas)"
)


def access_state(wh: Warehouse) -> dict[str, str]:
    """Every object this module manages, with its owner and access list as PostgreSQL prints
    them: what a run changes."""
    params = {
        "roles": list(GROUP_ROLES),
        "schemas": [*SCHEMA_OWNERS, ACCESS_SCHEMA],
        "raw": RAW,
        "access": ACCESS_SCHEMA,
        "published": [f"{schema}.{table}" for schema, table in publish_tables()],
    }
    state: dict[str, str] = dict(wh.query_df(_DATABASE_STATE).itertuples(index=False, name=None))
    for sql in (
        _ROLES_STATE,
        _MEMBERSHIPS_STATE,
        _SCHEMAS_STATE,
        _TABLES_STATE,
        _FUNCTIONS_STATE,
        _DEFAULTS_STATE,
    ):
        state.update(wh.query_df(sql, params).itertuples(index=False, name=None))
    return state


def diff(before: Mapping[str, str], after: Mapping[str, str]) -> list[Change]:
    return [
        Change(name, before.get(name, "-"), after.get(name, "-"))
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    ]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# What each group role is for, in one line: the DPIA (kinerja.docs.dpia) lists the recipients of
# personal data from here. What each may read is the grants above and dbt's (macros/grants.sql).
ROLE_DUTIES: dict[str, str] = {
    LOADER: "loads the nightly deliveries into raw, quarantines bad rows, keeps the load audit",
    TRANSFORMER: "runs dbt: builds staging, intermediate, snapshots, seeds and marts from raw",
    ML: "trains and scores the risk model; writes marts.skor_kinerja and marts.drift_fitur",
    BI: "BI analysts' tools: the marts not marked restricted (pseudonymous keys, aggregates)",
    HR: "HR managers (BKPSDM): every mart, restricted rows only within their unit scope",
    AUDITOR: "checks the nights: load audit, retention log, the marts not marked restricted",
    EMPLOYEE_ROLE: "an employee's own login: their own rows in the restricted marts and scores",
    CARD_ROLE: "the employee card's service login: a kinerja_pegawai member acting for one employee",
}
