"""The CLI's help reads cleanly: a command's summary in its group's listing is one sentence on
one line, not a docstring's line break in the middle of a sentence."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import click
import typer

from kinerja.cli import app

KINERJA = str(Path(sys.executable).parent / "kinerja")


def _commands(group: click.Group, path: str = "kinerja"):
    for name, command in group.commands.items():
        yield f"{path} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{path} {name}")


def test_every_command_s_summary_is_one_line():
    """Typer's rich listing keeps the first paragraph's line breaks as they are in the source."""
    broken = {}
    for name, command in _commands(typer.main.get_command(app)):
        summary = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
        if not summary.strip() or "\n" in summary:
            broken[name] = summary
    assert not broken, broken


def test_the_top_level_listing_gives_each_command_one_row():
    result = subprocess.run(
        [KINERJA, "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    names = set(typer.main.get_command(app).commands)
    panel = result.stdout.split("─ Commands ")[1].split("╰")[0].splitlines()[1:]
    first_words = [line.strip("│ ").split()[0] for line in panel if line.strip("│ ")]
    # A summary continued on a second line would start that line with one of its words.
    assert sorted(first_words) == sorted(names), panel
