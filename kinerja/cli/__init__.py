"""`kinerja`: the user's handle on the pipeline (typer + rich), one module per command group.

Development tools (`generate`, `bench ...`) are not imported here by name: they register through
the `kinerja.cli` entry point group (pyproject.toml), so the runtime CLI works without them.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import typer

from kinerja.cli import card, docs, models, night, stack, warehouse
from kinerja.cli.common import EXIT_BAD_ARGUMENT, EXIT_BUSY, PlainErrors

__all__ = ["EXIT_BAD_ARGUMENT", "EXIT_BUSY", "app"]

PLUGIN_GROUP = "kinerja.cli"

app = typer.Typer(
    cls=PlainErrors,
    help="Kinerja: nightly ASN performance warehouse and fair, explainable scores.",
    no_args_is_help=True,
    add_completion=False,
)

for command in (
    night.load,
    night.retract,
    night.run,
    night.ui,
    models.info,
    models.train,
    models.models,
):
    app.command()(command)
app.add_typer(warehouse.app, name="warehouse")
app.add_typer(card.app, name="card")
app.add_typer(docs.app, name="docs")
app.add_typer(stack.app, name="stack")


def add_plugins(app: typer.Typer) -> None:
    """Each entry point of the group is a command (a function) or a command group (a Typer app)
    named after the entry point."""
    for entry in entry_points(group=PLUGIN_GROUP):
        plugin = entry.load()
        if isinstance(plugin, typer.Typer):
            app.add_typer(plugin, name=entry.name)
        else:
            app.command(entry.name)(plugin)


add_plugins(app)
