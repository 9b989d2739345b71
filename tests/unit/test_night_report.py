"""The night's report keeps each step's typed result and gives the same type back."""

from __future__ import annotations

from datetime import date

import pytest

from kinerja.night.report import clear_report, read_report, record_step
from kinerja.night.results import LoadResult, MartsResult, TrainResult
from kinerja.settings import Settings

NIGHT = date(2025, 3, 7)


def test_a_recorded_step_reads_back_as_its_result_and_missing_steps_are_none(tmp_path):
    settings = Settings(home=tmp_path)
    loaded = LoadResult(
        rows_loaded={"presensi": 12},
        batches={"presensi": ["b1"]},
        unchanged=0,
        rejected=[],
        waiting=["w"],
        not_read=[],
    )
    record_step(settings, NIGHT, "load", loaded)
    record_step(settings, NIGHT, "train", TrainResult(skipped=True, reason="not due"))
    report = read_report(settings, NIGHT)
    assert report.load == loaded
    assert report.train.skipped and report.train.reason == "not due"
    assert report.validate is None and report.publish is None
    clear_report(settings, NIGHT)
    assert read_report(settings, NIGHT).load is None


def test_a_step_records_only_its_own_result_type(tmp_path):
    with pytest.raises(TypeError, match="load"):
        record_step(Settings(home=tmp_path), NIGHT, "load", MartsResult(checked=1, breaches=[]))


def test_the_xcom_json_round_trips(tmp_path):
    loaded = LoadResult({"pegawai": 3}, {"pegawai": ["b"]}, 1, ["r"], [], ["n"])
    assert LoadResult.from_json(loaded.to_json()) == loaded
