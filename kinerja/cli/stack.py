"""`kinerja stack up|down|status`: the production stack on a plain VM (kinerja.stack)."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from kinerja.cli.common import console, fail, settings_for

app = typer.Typer(
    help="The production stack (supervisord: Airflow on Celery, MLflow server).",
    no_args_is_help=True,
)


def _show(status) -> None:
    table = Table(title=f"Kinerja stack in {escape(str(status.folder))}")
    for column in ("part", "state", "detail"):
        table.add_column(column, overflow="fold")
    for process in status.processes:
        table.add_row(escape(process.name), process.state, escape(process.description))
    for check in status.checks:
        table.add_row(
            escape(check.name),
            "[green]healthy[/]" if check.healthy else "[red]unhealthy[/]",
            escape(check.detail),
        )
    console.print(table)
    if not status.running:
        return
    console.print(
        f"Airflow UI  {status.airflow_url}  (user {escape(status.admin_user)}, password in "
        f"{escape(str(status.password_file))})",
        highlight=False,
    )
    console.print(f"MLflow UI   {status.mlflow_url}", highlight=False)
    console.print(f"Logs        {escape(str(status.log_dir))}", highlight=False)
    console.print(
        f"Processes   supervisorctl -s unix://{escape(str(status.folder))}/supervisor.sock status",
        highlight=False,
    )


@app.command()
def up() -> None:
    """Start the stack and wait until every health check passes.

    Creates its databases, migrates Airflow's and makes its secrets on the way; a running stack
    is left as it is."""
    from kinerja.stack import StackRefused, StackUnhealthy, get_stack_settings
    from kinerja.stack import up as start

    settings, stack = settings_for(), get_stack_settings()
    try:
        with console.status("starting the stack and waiting for its health checks"):
            status = start(settings, stack)
    except StackRefused as exc:
        fail(f"kinerja stack up: {exc}", 2)
    except StackUnhealthy as exc:
        _show(exc.status)
        fail(f"kinerja stack up: {exc}", 1)
    _show(status)
    verb = "started" if status.started_now else "already running"
    console.print(f"Stack {verb}, healthy after {status.start_s:.1f} s.", highlight=False)


@app.command()
def down() -> None:
    """Stop every program of the stack and supervisord; nothing running is not an error."""
    from kinerja.stack import down as stop
    from kinerja.stack import get_stack_settings

    stopped = stop(settings_for(), get_stack_settings())
    console.print("Stack stopped." if stopped else "Stack was not running.")


@app.command()
def status() -> None:
    """Each program's state and each health check; exit code 1 unless all are healthy."""
    from kinerja.stack import get_stack_settings
    from kinerja.stack import status as read

    current = read(settings_for(), get_stack_settings())
    _show(current)
    if not current.running:
        console.print("Stack is not running.")
        raise typer.Exit(3)
    if not current.healthy:
        raise typer.Exit(1)
