"""`kinerja docs dpia`: documents written from what the code does (kinerja.docs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kinerja.cli.common import TargetOpt, console, settings_for

app = typer.Typer(help="Documents written from the code and this installation's settings.",
                  no_args_is_help=True)  # fmt: skip


@app.command()
def dpia(
    output: Annotated[
        Path | None,
        typer.Option(help="Where to write the Markdown (default: docs/DPIA.md in the project)."),
    ] = None,
    target: TargetOpt = None,
) -> None:
    """Write this installation's draft data protection impact assessment (UU 27/2022).

    Data categories per layer, roles, retention periods, the model's purpose and limits."""
    from kinerja.docs.dpia import DPIA_PATH, write_dpia

    written = write_dpia(settings_for(target=target), output or DPIA_PATH)
    console.print(f"wrote {escape(str(written))}")
