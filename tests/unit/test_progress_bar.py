"""The progress bars of `kinerja generate` and the benches: on a log file or a pipe, where rich
draws nothing until the bar stops, the work shows as lines while it runs, a few, not thousands."""

from __future__ import annotations

import io

from rich.console import Console

from kinerja.cli.common import progress_bar


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bar_on_a_log_file_prints_lines_while_it_runs():
    out, clock = io.StringIO(), Clock()
    with progress_bar(console=Console(file=out, width=80), get_time=clock) as progress:
        task = progress.add_task("Generating deliveries", total=None)
        progress.update(task, completed=0, total=700)
        for done in range(1, 701):
            clock.now = done / 50  # 700 updates over 14 s
            progress.update(task, completed=done)
        clock.now += 60
        progress.update(task, description="bare: dbt build")
        progress.update(task, description="bare: dbt build")  # unchanged: no new line
        while_running = out.getvalue().splitlines()

    # The task when added, then a line at most every 5 s as the count passes another tenth.
    assert while_running == [
        "00:00 Generating deliveries",
        "00:05 Generating deliveries 250/700",
        "00:10 Generating deliveries 500/700",
        "01:14 bare: dbt build 700/700",
    ]
    assert all(len(line) <= 80 for line in while_running)
    # Stopped: no bar drawn after the lines, and the last state was said already.
    assert out.getvalue().splitlines() == while_running


def test_a_burst_of_new_descriptions_prints_one_line_until_the_interval_passes():
    out, clock = io.StringIO(), Clock()
    with progress_bar(console=Console(file=out, width=80), get_time=clock) as progress:
        task = progress.add_task("nights", total=None)
        for n in range(200):  # one per finished task, within a second
            clock.now += 0.004
            progress.update(task, description=f"catch-up night: {n} tasks done")
        clock.now += 5
        progress.update(task, description="catch-up night: 200 tasks done")
        clock.now += 0.5
        progress.update(task, description="catch-up night: 201 tasks done")
        lines = out.getvalue().splitlines()
    assert lines == ["00:00 nights", "00:05 catch-up night: 200 tasks done"]
    # The state held back by the interval is said when the bars stop.
    assert out.getvalue().splitlines()[2:] == ["00:06 catch-up night: 201 tasks done"]


def test_a_step_that_changes_nothing_for_minutes_is_said_again_every_minute():
    out, clock = io.StringIO(), Clock()
    with progress_bar(console=Console(file=out, width=80), get_time=clock) as progress:
        task = progress.add_task("duckdb: nights", total=None)
        for _ in range(260):  # the bench polls every half second through a 130 s load
            clock.now += 0.5
            progress.update(task, description="duckdb: catch-up night: running load_extracts")
        lines = out.getvalue().splitlines()
    assert lines == [
        "00:00 duckdb: nights",
        "00:05 duckdb: catch-up night: running load_extracts",
        "01:05 duckdb: catch-up night: running load_extracts",
        "02:05 duckdb: catch-up night: running load_extracts",
    ]


def test_a_long_description_is_cut_to_the_width_not_wrapped():
    out = io.StringIO()
    with progress_bar(console=Console(file=out, width=40)) as progress:
        progress.add_task("duckdb: catch-up night: running transform.int_fitur__presensi_kuartal")
    [line] = out.getvalue().splitlines()
    assert line == "00:00 duckdb: catch-up night: running t…"


def test_a_task_is_said_when_added_before_any_work_is_counted():
    out = io.StringIO()
    with progress_bar(console=Console(file=out, width=80)) as progress:
        progress.add_task("generating the agency (or reusing it)", total=None)
        assert out.getvalue() == "00:00 generating the agency (or reusing it)\n"
    assert out.getvalue() == "00:00 generating the agency (or reusing it)\n"


def test_a_terminal_gets_rich_s_bar_and_no_extra_lines():
    out, clock = io.StringIO(), Clock()
    terminal = Console(file=out, width=80, force_terminal=True)
    with progress_bar(console=terminal, get_time=clock, auto_refresh=False) as progress:
        task = progress.add_task("Generating deliveries", total=10)
        for done in range(1, 11):
            clock.now += 10
            progress.update(task, completed=done)
    assert "Generating deliveries 0/10" not in out.getvalue()
    assert "10/10" in out.getvalue()
