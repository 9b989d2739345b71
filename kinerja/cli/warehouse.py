"""`kinerja warehouse roles` and `scope`: who may see what (kinerja.warehouse.roles, .access)."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from kinerja.cli.common import TargetOpt, console, fail, settings_for

app = typer.Typer(help="The warehouse itself: its roles and grants.", no_args_is_help=True)


@app.command()
def roles(target: TargetOpt = None) -> None:
    """Create the group roles, schemas and raw-layer grants, as an administrator; idempotent.

    The grants on dbt's marts and seeds follow on every dbt build.
    """
    from kinerja.load.raw_tables import ensure_audit_table
    from kinerja.warehouse import connect, engine, ensure_database
    from kinerja.warehouse.roles import DUCKDB_HAS_NO_ROLES, apply_roles

    settings = settings_for(target=target)
    if not engine(settings).has_roles:
        fail(f"kinerja warehouse roles: {DUCKDB_HAS_NO_ROLES}", 1)
    ensure_database(settings)
    with connect(settings) as wh:
        # The load audit exists before the first load, so that auditors are granted it now.
        ensure_audit_table(wh)
        changes = apply_roles(wh, settings.pg_database)
    if not changes:
        console.print(f"Roles and grants of {settings.pg_database} already in place: no change.")
        return
    table = Table(title=f"Roles and grants applied to {escape(settings.pg_database)}")
    for column in ("object", "before", "after"):
        table.add_column(column, overflow="fold")
    for change in changes:
        table.add_row(escape(change.object), escape(change.before), escape(change.after))
    console.print(table)


scope_app = typer.Typer(
    help="Row-level scopes: which employees a login sees in the restricted marts.",
    no_args_is_help=True,
)
app.add_typer(scope_app, name="scope")


@scope_app.command("grant")
def scope_grant(
    login: str = typer.Argument(help="A PostgreSQL login, or the card's user (an employee's NIP)."),
    nip: str | None = typer.Option(None, help="An employee the login may see (their own NIP)."),
    unit: str | None = typer.Option(None, help="A unit (kode_unit): the login sees its subtree."),
    target: TargetOpt = None,
) -> None:
    """Let a login see one employee and/or a unit's subtree; granting twice changes nothing."""
    from kinerja.warehouse import connect
    from kinerja.warehouse.access import grant_scope

    if nip is None and unit is None:
        fail("kinerja warehouse scope grant: give --nip, --unit or both", 2)
    with connect(settings_for(target=target)) as wh:
        grant_scope(wh, login, nip=nip, kode_unit=unit)
    console.print(
        f"{escape(login)} may see "
        + " and ".join(
            part for part in (nip and f"employee {nip}", unit and f"unit {unit} and below") if part
        )
    )


@scope_app.command("revoke")
def scope_revoke(login: str, target: TargetOpt = None) -> None:
    """Remove every scope of a login: it sees no restricted row any more."""
    from kinerja.warehouse import connect
    from kinerja.warehouse.access import revoke_scope

    with connect(settings_for(target=target)) as wh:
        removed = revoke_scope(wh, login)
    console.print(f"{escape(login)}: {removed} scope(s) removed")


@scope_app.command("list")
def scope_list(target: TargetOpt = None) -> None:
    """Every login's scopes."""
    from kinerja.warehouse import connect
    from kinerja.warehouse.access import list_scopes

    with connect(settings_for(target=target)) as wh:
        scopes = list_scopes(wh)
    table = Table(title="Row-level scopes (akses.lingkup)")
    for column in scopes.columns:
        table.add_column(column)
    for row in scopes.itertuples(index=False):
        table.add_row(*(escape("" if value is None else str(value)) for value in row))
    console.print(table)
