"""`kinerja run`'s live progress: plain lines within 80 columns when the output is not a terminal,
and the events file read as it grows."""

from __future__ import annotations

import io

from rich.console import Console

from kinerja.night.events import EventTail, append_event, failed_nodes, start_file
from kinerja.night.progress import NightProgress, ProgressPrinter, follow
from kinerja_dev.bench.night import task_figures

T0 = 1_800_000_000.0
LONG_TEST = (
    "test.kinerja.relationships_fct_presensi_harian_nip__nip__ref_dim_pegawai_"
    "with_a_name_dbt_makes_very_long.3f2a9c"
)

NIGHT = [
    {"event": "task_start", "task_id": "load_extracts", "try": 1, "t": T0 + 1},
    {
        "event": "task_end",
        "task_id": "load_extracts",
        "try": 1,
        "state": "success",
        "t": T0 + 31,
        "wall_s": 30.0,
        "cpu_s": 28.1,
        "peak_rss_mb": 512.3,
    },
    {"event": "task_start", "task_id": "transform.hari_libur_seed", "try": 1, "t": T0 + 31},
    {
        "event": "task_end",
        "task_id": "transform.hari_libur_seed",
        "try": 1,
        "state": "up_for_reschedule",
        "t": T0 + 31.1,
        "wall_s": 0.1,
        "cpu_s": 0.1,
        "peak_rss_mb": 500.0,
    },
    {"event": "task_start", "task_id": "transform.dbt_producer_watcher", "try": 1, "t": T0 + 32},
    {"event": "dbt_node", "node": "seed.kinerja.hari_libur", "status": "started", "t": T0 + 40},
    {"event": "dbt_node", "node": "seed.kinerja.hari_libur", "status": "success", "t": T0 + 41},
    {"event": "dbt_node", "node": LONG_TEST, "status": "started", "t": T0 + 42},
    {"event": "dbt_node", "node": LONG_TEST, "status": "fail", "t": T0 + 43},
    {
        "event": "dbt_node",
        "node": "model.kinerja.int_presensi__harian",
        "status": "started",
        "t": T0 + 44,
    },
]


def _render(events: list[dict], width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=False, color_system=None)
    progress = NightProgress(started=T0, nodes_total=75)
    counts = iter([(1, 151), (1, 151), (1, 151)])
    with ProgressPrinter(console, progress) as printer:
        on_poll = follow(progress, printer, lambda: next(counts))
        on_poll(events[:2])
        on_poll(events[2:])
    assert progress.running == {"transform.dbt_producer_watcher": T0 + 32}
    assert progress.node == "model.kinerja.int_presensi__harian"
    status = progress.status_line(width, now=T0 + 100)
    assert len(status) <= width
    assert status.startswith("01:40 1/151 tasks | dbt build 01:08")
    if width >= 80:
        assert status == "01:40 1/151 tasks | dbt build 01:08 | 1/75 model int_presensi__harian"
    return out.getvalue()


def test_plain_lines_fit_80_columns_and_name_what_happened():
    text = _render(NIGHT, 80)
    lines = text.splitlines()
    assert "\x1b" not in text  # no cursor movement nor colour when not a terminal
    assert all(len(line) <= 80 for line in lines), lines
    assert lines[0] == "00:31   1/151 load_extracts success 30.0s"
    assert lines[1] == "00:41   1/151 dbt 1/75 seed hari_libur success"
    # A failing test gets its own line even though passing tests get none, cut to the width.
    assert lines[2].startswith("00:43   1/151 dbt test relationships_fct_presensi_harian")
    assert lines[2].endswith("…") and len(lines[2]) == 80
    assert len(lines) == 3


def test_a_long_task_prints_its_status_every_minute_on_a_log_file():
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=False, color_system=None)
    progress = NightProgress(started=T0, nodes_total=75)
    clock = iter([T0, T0 + 31, T0 + 50, T0 + 92, T0 + 120, T0 + 152, T0 + 153, T0 + 154])
    with ProgressPrinter(console, progress, now=lambda: next(clock)) as printer:
        on_poll = follow(progress, printer, lambda: (0, 151))
        on_poll(NIGHT[:1])  # 31 s: load_extracts starts, nothing to print yet
        on_poll([])  # 50 s
        on_poll([])  # 92 s: a minute since the printer started, load_extracts still running
        on_poll([])  # 120 s: 28 s since the last line
        on_poll([])  # 152 s: another minute
        on_poll([{**NIGHT[1], "t": T0 + 153}])  # load_extracts ends: its own line
    assert out.getvalue().splitlines() == [
        "01:32 0/151 tasks | load_extracts 01:31",
        "02:32 0/151 tasks | load_extracts 02:31",
        "02:33   0/151 load_extracts success 30.0s",
    ]


def test_narrow_output_cuts_lines_instead_of_wrapping():
    lines = _render(NIGHT, 40).splitlines()
    assert len(lines) == 3 and all(len(line) <= 40 for line in lines)


def test_tail_reads_what_was_appended_and_starts_over_after_truncation(tmp_path):
    path = tmp_path / "runs" / "2026-11-28.tasks.jsonl"
    start_file(path)
    tail = EventTail(path)
    assert list(tail.read()) == []
    for event in NIGHT[:2]:
        append_event(path, event)
    with path.open("ab") as fh:  # a line being written: not read until complete
        fh.write(b'{"event": "task_start", "task_id"')
    assert list(tail.read()) == NIGHT[:2]
    assert list(tail.read()) == []
    with path.open("ab") as fh:
        fh.write(b': "validate_extracts", "try": 1, "t": 1.0}\n')
    assert list(tail.read()) == [
        {"event": "task_start", "task_id": "validate_extracts", "try": 1, "t": 1.0}
    ]
    start_file(path)  # the next night of the same date
    append_event(path, NIGHT[0])
    assert list(tail.read()) == [NIGHT[0]]


def test_summary_keeps_the_last_try_and_the_failed_nodes():
    figures = {f.task_id: f for f in task_figures(NIGHT)}
    assert list(figures) == ["load_extracts", "transform.hari_libur_seed"]
    assert figures["load_extracts"].cpu_s == 28.1
    assert failed_nodes(NIGHT) == [LONG_TEST]
