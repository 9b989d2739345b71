"""`kinerja bench night`'s per-task and summary tables at 80 columns, as printed to a terminal and
to a log."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

from kinerja_dev.bench.night import History, Landing, NightBench, NightFigures, TaskFigure
from kinerja_dev.bench.night_report import summary_table, tasks_table

# The longest task id of the night's DAG today, and the widest figures a large agency prints.
LONGEST = "transform.int_peringatan__pegawai_tanpa_aktivitas.test"


def _night(state: str) -> NightFigures:
    tasks = [
        TaskFigure(LONGEST, "success", 1234.5, 1234.5, 12_345.0, 1, 0.0, 1.0),
        TaskFigure("load_extracts", state, 12.1, 22.5, 529.0, 1, 0.0, 1.0),
    ]
    return NightFigures("increment", date(2025, 6, 30), True, [], 1.0, 1.0, 1.0, {}, tasks)


def _printed(night: NightFigures, plain: bool) -> list[str]:
    console = Console(width=80, force_terminal=not plain, color_system=None)
    with console.capture() as capture:
        console.print(
            tasks_table(SimpleNamespace(target="duckdb", employees=100_000), night, plain)
        )
    return capture.get().splitlines()


@pytest.mark.parametrize("plain", [True, False], ids=["log", "terminal"])
def test_a_successful_night_s_task_ids_stay_whole_at_80_columns(plain):
    lines = _printed(_night("success"), plain)
    assert max(len(line) for line in lines) <= 80
    assert "increment night 2025-06-30 on duckdb, 100,000 employees" in lines[0]
    assert "dbt tasks without their group's 'transform.'" in lines[-1]
    [row] = [line for line in lines if LONGEST.removeprefix("transform.") in line]
    assert "success" in row and "1234.5" in row and "12,345" in row


@pytest.mark.parametrize("plain", [True, False], ids=["log", "terminal"])
def test_a_wide_state_folds_the_id_but_keeps_every_character(plain):
    lines = _printed(_night("upstream_failed"), plain)
    assert max(len(line) for line in lines) <= 80
    assert any("upstream_failed" in line for line in lines)
    cells = "".join(line.split("|")[0].split("  ")[0].strip() for line in lines)
    assert LONGEST.removeprefix("transform.") in cells.replace(" ", "")


@pytest.mark.parametrize("plain", [True, False], ids=["log", "terminal"])
def test_the_summary_title_stays_one_line_at_80_columns(plain):
    landing = Landing(Path("."), date(2024, 7, 1), date(2025, 6, 30), False, 61.2, {})
    benches = [
        NightBench(
            target,
            100_000,
            History(months=12),
            42,
            landing,
            _night("success"),
            _night("success"),
            None,
        )
        for target in ("duckdb", "postgres")
    ]
    console = Console(width=80, force_terminal=not plain, color_system=None)
    with console.capture() as capture:
        console.print(summary_table(benches, plain))
    lines = capture.get().splitlines()
    assert max(len(line) for line in lines) <= 80
    title = "bench night: 100,000 employees x 12 months, 2024-07-01..2025-06-30, seed 42"
    assert lines[0].strip() == title
    assert any("increment: night wall s" in line and "duckdb" not in line for line in lines)
