"""`kinerja generate`: a synthetic agency's deliveries (development tool, found by the `kinerja`
CLI through the `kinerja.cli` entry point group)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kinerja.cli.common import LandingOpt, console, date_range, progress_bar, settings_for


def generate(
    landing: LandingOpt = None,
    employees: Annotated[int, typer.Option(help="Number of employees.")] = 2000,
    start: Annotated[
        str | None, typer.Option(help="First date (default: Jan 1 of last year).")
    ] = None,
    end: Annotated[str | None, typer.Option(help="Last date (default: yesterday, WIB).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same files.")] = 42,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the landing area has data.")
    ] = False,
    defects: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.5,
            help="Share of rows given a contract defect (e.g. 0.01), plus one file of each "
            "file-level defect; ground truth in <landing>/_ground_truth/defects.jsonl.",
        ),
    ] = 0.0,
    fraud: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.2,
            help="Share of employees per attendance-fraud / ghost-employee pattern (0 plants "
            "none); ground truth in <landing>/_ground_truth/fraud.jsonl. The NIP_TIDAK_COCOK "
            "records load and are flagged in the warehouse (a finding, not a quarantine).",
        ),
    ] = 0.02,
    shift_units: Annotated[
        int,
        typer.Option(
            min=0,
            help="Units staffed every day in rotating morning, afternoon and night shifts "
            "(five shifts, then two rest days, per employee) that deliver their roster "
            "(extract jadwal_shift; their codes in "
            "<landing>/_ground_truth/unit_kerja.csv, column roster). Put them on SHIFT in seed "
            "pola_kerja_unit for the warehouse to read it.",
        ),
    ] = 0,
) -> None:
    """Write a synthetic agency's nightly extracts into the landing area."""
    from kinerja.landing.discovery import open_landing
    from kinerja_dev.synth import generate as generate_extracts

    settings = settings_for(landing)
    first, last = date_range(start, end)
    fs, root = open_landing(settings.landing_url)
    if if_empty and fs.exists(root) and fs.ls(root):
        console.print(
            f"[dim]Landing area {escape(settings.landing_url)} already has deliveries; "
            "not generating.[/]"
        )
        return
    with progress_bar() as progress:
        task = progress.add_task("Generating deliveries", total=None)
        summary = generate_extracts(
            settings.landing_url,
            employees=employees,
            start=first,
            end=last,
            seed=seed,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            defects=defects,
            fraud=fraud,
            shift_units=shift_units,
        )
    table = Table(
        title=f"Generated {summary.start} .. {summary.end} into {escape(str(summary.landing))}"
    )
    table.add_column("extract")
    table.add_column("rows", justify="right")
    for extract, rows in summary.rows_per_extract.items():
        table.add_row(extract, f"{rows:,}")
    console.print(table)
    console.print(
        f"{summary.employees:,} employees, {summary.dates_written} date folders, {summary.seconds:.1f} s"
    )
    if summary.defects:
        _print_defects(summary)
    if summary.fraud:
        planted = ", ".join(f"{pola} {n}" for pola, n in summary.fraud.items())
        console.print(f"Planted fraud cases: {planted}")


def _print_defects(summary) -> None:
    from kinerja_dev.synth.defects import expected_outcome
    from kinerja_dev.synth.generator import DEFECTS_GROUND_TRUTH

    table = Table(title="Injected defects")
    for column in ("defect", "count", "expected"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for defect, count in sorted(summary.defects.items()):
        outcome, rule = expected_outcome(defect)
        table.add_row(defect, f"{count:,}", f"{outcome} {rule or ''}".strip())
    console.print(table)
    console.print(f"Ground truth: {escape(str(summary.landing / DEFECTS_GROUND_TRUTH))}")
    if summary.defects_not_placed:
        console.print(
            "[yellow]Range too short to place:[/] " + ", ".join(summary.defects_not_placed)
        )
