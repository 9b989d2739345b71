"""Tables and JSON of `kinerja bench night`: narrow enough for 80 columns, plain in a log."""

from __future__ import annotations

import json
from pathlib import Path

from rich import box
from rich.table import Table

from kinerja_dev.bench.night import PHASES, NightBench, NightFigures


def _box(plain: bool) -> box.Box:
    return box.ASCII if plain else box.SIMPLE_HEAD


def tasks_table(bench: NightBench, night: NightFigures, plain: bool = False) -> Table:
    """Per task of one night, in start order (dbt tasks without their `transform.` group)."""
    table = Table(
        # Title and caption each fit one line at 80 columns.
        title=f"{night.label} night {night.as_of} on {bench.target}, {bench.employees:,} employees",
        caption="dbt tasks without their group's 'transform.'",
        box=_box(plain),
        collapse_padding=True,
        # Without the outer edges a night's longest dbt task id (44 characters) fits on one line
        # at 80 columns beside its state and figures.
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("task", overflow="fold")
    table.add_column("state")
    for column in ("wall s", "CPU s", "peak MB"):
        table.add_column(column, justify="right")
    for task in night.tasks:
        table.add_row(
            task.task_id.removeprefix("transform."),
            task.state + (f" x{task.tries}" if task.tries > 1 else ""),
            f"{task.wall_s:.1f}",
            f"{task.cpu_s:.1f}",
            f"{task.peak_rss_mb:,.0f}",
        )
    return table


def _summary_rows(bench: NightBench) -> list[tuple[str, str]]:
    landing = bench.landing
    rows = [("generation s", "cached" if landing.cached else f"{landing.seconds:.1f}")]
    for night in (bench.catch_up, bench.increment):
        name = night.label
        rows += [
            (f"{name}: rows loaded", f"{sum(night.rows_loaded.values()):,}"),
            (f"{name}: night wall s", f"{night.wall_s:.1f}"),
            (f"{name}: night CPU s", f"{night.cpu_s:.1f}"),
            (f"{name}: night peak RSS MB", f"{night.peak_rss_mb:,.0f}"),
            (f"{name}: DuckDB memory limit", night.duckdb_memory_limit or "-"),
        ]
        for phase in PHASES:
            wall, cpu = night.phase(phase)
            rows.append(
                (
                    f"{name}: {phase} wall / CPU s",
                    f"{wall:.1f} / {cpu:.1f}" if night.per_task else "-",
                )
            )
    bare = bench.bare
    if bare is not None:
        rows += [
            ("bare: rows loaded", f"{sum(bare.rows_loaded.values()):,}"),
            ("bare: loader s", f"{bare.load_s:.1f}"),
            (
                "bare: dbt build wall / CPU s",
                f"{bare.dbt_build_s:.1f} / {bare.dbt_build_cpu_s:.1f}",
            ),
            ("bare: dbt build peak RSS MB", f"{bare.dbt_build_peak_rss_mb:,.0f}"),
            ("bare: dbt nodes", f"{bare.nodes:,}"),
        ]
    ratio = bench.transform_over_bare
    rows.append(("increment transform / bare", "-" if ratio is None else f"{ratio:.2f}x"))
    return rows


def summary_table(benches: list[NightBench], plain: bool = False) -> Table:
    """The nights' totals and phases, one column per engine (side by side with `--both`). The
    history is the same for every engine: it is in the title, so the columns stay narrow."""
    first = benches[0]
    title = (
        f"bench night: {first.employees:,} employees x {first.history.label}, "
        f"{first.landing.start}..{first.landing.end}, seed {first.seed}"
    )
    # A title wraps at the table's width: the table is made as wide as its one line.
    table = Table(title=title, min_width=len(title), box=_box(plain), collapse_padding=True)
    table.add_column("figure")
    for bench in benches:
        table.add_column(bench.target, justify="right")
    columns = [_summary_rows(bench) for bench in benches]
    for i, (label, _) in enumerate(columns[0]):
        table.add_row(label, *(column[i][1] for column in columns))
    return table


def notes(benches: list[NightBench]) -> list[str]:
    lines = []
    if any(not b.catch_up.per_task or not b.increment.per_task for b in benches):
        lines.append(
            "No per-task events (runs/<date>.tasks.jsonl, written by the Airflow listener): "
            "only the nights' totals, measured on the child processes, are shown."
        )
    lines.append(
        "CPU: user+sys seconds, children included; night peak RSS: the whole process tree. "
        "Bare: the increment loaded by the loader alone on a copy of the warehouse taken before "
        "it, then one in-process `dbt build` (after an untimed `dbt parse`)."
    )
    return lines


def write_json(path: Path, benches: list[NightBench]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([b.to_json() for b in benches], indent=2))
