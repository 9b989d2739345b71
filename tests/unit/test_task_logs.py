"""Cutting an `airflow dags test` night's log into each task's log."""

from __future__ import annotations

import json

from kinerja.night.task_logs import _structured, task_sections

NIGHT_LOG = """\
2026-12-04T10:23:59.704676Z [info     ] DAG bundles loaded: dags-folder [airflow] loc=manager.py:304
2026-12-04T10:24:03.357252Z [info     ] [DAG TEST] starting task_id=load_extracts map_index=-1 [dag]
2026-12-04T10:24:34.748176Z [info     ] Done. Returned value was: {'rows_loaded': {'pegawai': 945}} [task]
2026-12-04T10:24:34.904671Z [info     ] [DAG TEST] end task task_id=load_extracts map_index=-1 [dag]
2026-12-04T10:24:35.000000Z [info     ] [DAG TEST] starting task_id=transform.dim_pegawai.run map_index=-1 [dag]
2026-12-04T10:24:35.100000Z [info     ] Task is not able to be run; rescheduled [task]
2026-12-04T10:24:35.200000Z [info     ] [DAG TEST] end task task_id=transform.dim_pegawai.run map_index=-1 [dag]
2026-12-04T10:24:36.000000Z [info     ] [DAG TEST] starting task_id=validate_marts map_index=-1 [dag]
2026-12-04T10:24:36.500000Z [error    ] Task failed with exception [task]
Traceback (most recent call last):
  File "steps.py", line 1, in validate_marts
kinerja.night.steps.NightFailed: marts.fct_presensi_harian row 3: rate 1.2 outside 0..1
2026-12-04T10:24:36.900000Z [info     ] [DAG TEST] end task task_id=validate_marts map_index=-1 [dag]
2026-12-04T10:24:37.000000Z [info     ] [DAG TEST] starting task_id=transform.dim_pegawai.run map_index=-1 [dag]
2026-12-04T10:24:37.100000Z [info     ] Node succeeded [task]
2026-12-04T10:24:37.200000Z [info     ] [DAG TEST] end task task_id=transform.dim_pegawai.run map_index=-1 [dag]
2026-12-04T10:24:38.000000Z [info     ] Marking run <DagRun kinerja_nightly> successful [dag]
"""


def test_each_task_gets_its_own_lines_and_a_resumed_task_all_of_its_sections():
    sections = task_sections(NIGHT_LOG.splitlines())
    assert list(sections) == [
        ("load_extracts", -1),
        ("transform.dim_pegawai.run", -1),
        ("validate_marts", -1),
    ]
    assert len(sections[("load_extracts", -1)]) == 3
    assert "rows_loaded" in sections[("load_extracts", -1)][1]
    sensor = sections[("transform.dim_pegawai.run", -1)]
    assert len(sensor) == 6 and "rescheduled" in sensor[1] and "Node succeeded" in sensor[4]
    # the traceback stays with the task that raised it
    assert any("NightFailed" in line for line in sections[("validate_marts", -1)])
    # the run's own start and end are in no task's log
    every_line = [line for lines in sections.values() for line in lines]
    assert not any("bundles loaded" in line or "Marking run" in line for line in every_line)


def test_a_console_line_becomes_a_record_with_time_and_level_and_a_continuation_an_event():
    line = "2026-12-04T10:24:36.500000Z [error    ] Task failed with exception [task]"
    assert json.loads(_structured(line)) == {
        "timestamp": "2026-12-04T10:24:36.500000Z",
        "level": "error",
        "event": "Task failed with exception [task]",
    }
    assert json.loads(_structured('  File "steps.py", line 1')) == {
        "event": '  File "steps.py", line 1'
    }
