"""`kinerja warehouse roles`: who may see what on PostgreSQL (kinerja.warehouse.roles)."""

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
    from kinerja.warehouse import connect, ensure_database
    from kinerja.warehouse.roles import DUCKDB_HAS_NO_ROLES, apply_roles

    settings = settings_for(target=target)
    if settings.target != "postgres":
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
