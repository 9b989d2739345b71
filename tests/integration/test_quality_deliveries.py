"""Dataset-level checks of a night's deliveries: row count, freshness and quarantined share."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from kinerja.calendar import is_working_day
from kinerja.load.raw_tables import ensure_audit_table
from kinerja.quality.deliveries import FAILED, PASSED, check_deliveries
from kinerja.warehouse import connect

AS_OF = date(2025, 3, 12)  # a Wednesday


def _audit_row(extract: str, day: date, delivered: int, quarantined: int = 0) -> dict:
    return {
        "batch_id": f"{extract}-{day:%Y%m%d}",
        "extract": extract,
        "extraction_date": day,
        "files": "[]",
        "status": "LOADED",
        "rows_delivered": delivered,
        "rows_loaded": delivered - quarantined,
        "rows_quarantined": quarantined,
        "extra_columns": None,
        "message": None,
        "loaded_at": datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC),
        "quality_status": None,
        "quality_details": None,
    }


def _history(settings, rows: list[dict]) -> None:
    with connect(settings) as wh:
        ensure_audit_table(wh)
        wh.bulk_insert("raw.load_audit", pd.DataFrame(rows))


def _audit(settings) -> dict[str, tuple[str | None, dict | None]]:
    with connect(settings) as wh:
        frame = wh.query_df("select batch_id, quality_status, quality_details from raw.load_audit")
    return {
        r.batch_id: (
            r.quality_status if isinstance(r.quality_status, str) else None,
            json.loads(r.quality_details) if isinstance(r.quality_details, str) else None,
        )
        for r in frame.itertuples()
    }


def _presensi_history(tonight: int, quarantined: int = 0) -> list[dict]:
    """Three weeks of punches: ~1,000 on working days, none at weekends, then tonight."""
    rows = []
    day = AS_OF - timedelta(days=21)
    while day < AS_OF:
        rows.append(_audit_row("presensi", day, 1000 + day.day if is_working_day(day) else 0))
        day += timedelta(days=1)
    rows.append(_audit_row("presensi", AS_OF, tonight, quarantined))
    return rows


def test_a_normal_night_passes_and_is_recorded_per_batch(target_settings):
    _history(target_settings, _presensi_history(tonight=1010))
    checks = check_deliveries(
        target_settings, AS_OF, {"presensi": [f"presensi-{AS_OF:%Y%m%d}"]}, ["presensi"]
    )
    assert checks.breaches == []
    status, details = _audit(target_settings)[f"presensi-{AS_OF:%Y%m%d}"]
    assert status == PASSED
    assert details["row_count"] == pytest.approx(1010 / details["trailing_median"])
    assert details["freshness"] == 0
    assert details["quarantine_share"] == 0.0


def test_a_weekend_without_punches_is_not_a_drop(target_settings):
    saturday = date(2025, 3, 8)
    rows = [r for r in _presensi_history(tonight=0) if r["extraction_date"] <= saturday]
    _history(target_settings, rows)
    checks = check_deliveries(
        target_settings, saturday, {"presensi": [f"presensi-{saturday:%Y%m%d}"]}, ["presensi"]
    )
    # Weekend deliveries are compared with weekend deliveries (all zero): no ratio to judge.
    assert [b for b in checks.breaches if b.check == "row_count"] == []


def test_half_the_punches_missing_is_a_warning_and_a_bad_share_stops(target_settings):
    _history(target_settings, _presensi_history(tonight=400, quarantined=60))
    checks = check_deliveries(
        target_settings, AS_OF, {"presensi": [f"presensi-{AS_OF:%Y%m%d}"]}, ["presensi"]
    )
    by_check = {b.check: b for b in checks.breaches}
    assert set(by_check) == {"row_count", "quarantine_share"}
    assert not by_check["row_count"].stops  # a warning by default
    assert by_check["quarantine_share"].stops  # 60/400 = 15 % > 5 %: stops by default
    assert by_check["quarantine_share"].value == pytest.approx(0.15)
    status, details = _audit(target_settings)[f"presensi-{AS_OF:%Y%m%d}"]
    assert status == FAILED
    assert len(details["breaches"]) == 2


def test_which_checks_stop_is_configuration(target_settings):
    settings = target_settings.model_copy(
        update={"dq_stop_on": ["row_count"], "dq_quarantine_share_max": 0.5}
    )
    _history(settings, _presensi_history(tonight=400, quarantined=60))
    checks = check_deliveries(settings, AS_OF, {"presensi": [f"presensi-{AS_OF:%Y%m%d}"]})
    assert [(b.check, b.stops) for b in checks.breaches] == [("row_count", True)]
    assert _audit(settings)[f"presensi-{AS_OF:%Y%m%d}"][0] == FAILED


def test_an_extract_that_stopped_delivering_is_stale(target_settings):
    last = AS_OF - timedelta(days=6)
    _history(target_settings, [_audit_row("izin", last, 12), *_presensi_history(tonight=1010)])
    checks = check_deliveries(
        target_settings, AS_OF, {"presensi": [f"presensi-{AS_OF:%Y%m%d}"]}, ["presensi", "izin"]
    )
    [stale] = checks.breaches
    assert (stale.check, stale.extract, stale.value, stale.stops) == ("freshness", "izin", 6, False)
    # The silent extract has no batch tonight to carry the warning; its old batch is not re-judged.
    assert _audit(target_settings)[f"izin-{last:%Y%m%d}"][0] is None
    assert _audit(target_settings)[f"presensi-{AS_OF:%Y%m%d}"][0] == PASSED


def test_a_small_extract_swinging_by_nature_is_not_judged_on_row_count(target_settings):
    """A dozen leave records a day, then two: normal for a small feed below the minimum median."""
    rows = [_audit_row("izin", AS_OF - timedelta(days=d), 12) for d in range(1, 10)]
    _history(target_settings, [*rows, _audit_row("izin", AS_OF, 2)])
    batches = {"izin": [f"izin-{AS_OF:%Y%m%d}"]}
    assert check_deliveries(target_settings, AS_OF, batches).breaches == []
    strict = target_settings.model_copy(update={"dq_row_count_min_median": 0})
    [breach] = check_deliveries(strict, AS_OF, batches).breaches
    assert (breach.check, breach.extract) == ("row_count", "izin")


def test_records_made_in_bursts_are_not_judged_on_row_count(target_settings):
    """The quarter's assessments arrive in a week of thousands, then a trickle: for skp that is
    how the work is done, so only freshness and the quarantined share judge it. The same
    shape in the punches is half the agency missing."""
    burst = [_audit_row("skp", AS_OF - timedelta(days=d), 2000) for d in range(1, 10)]
    punches = [
        {**row, "extract": "presensi", "batch_id": row["batch_id"].replace("skp", "presensi")}
        for row in burst
    ]
    tonight = [_audit_row("skp", AS_OF, 40, quarantined=30), _audit_row("presensi", AS_OF, 40)]
    _history(target_settings, [*burst, *punches, *tonight])
    batches = {"skp": [f"skp-{AS_OF:%Y%m%d}"], "presensi": [f"presensi-{AS_OF:%Y%m%d}"]}
    breaches = check_deliveries(target_settings, AS_OF, batches).breaches
    assert sorted((b.check, b.extract) for b in breaches) == [
        ("quarantine_share", "skp"),
        ("row_count", "presensi"),
    ]
    details = _audit(target_settings)[f"skp-{AS_OF:%Y%m%d}"][1]
    assert details["row_count"] is None and details["trailing_median"] is None
    # Strict JSON for the BI tools reading load_audit: a missing figure is null, never NaN.
    with connect(target_settings) as wh:
        stored = [d for (d,) in wh.rows("select quality_details from raw.load_audit") if d]
    assert stored and not any("NaN" in d for d in stored)


def _six_day_history(saturday: date) -> list[dict]:
    """Three weeks of a six-day agency (schools): about 1,000 punches Monday to Saturday, none on
    Sunday, then tonight, a Saturday."""
    rows = []
    day = saturday - timedelta(days=21)
    while day < saturday:
        rows.append(_audit_row("presensi", day, 0 if day.isoweekday() == 7 else 1000 + day.day))
        day += timedelta(days=1)
    rows.append(_audit_row("presensi", saturday, 1008))
    return rows


def test_a_six_day_agencys_saturday_is_compared_with_working_days(target_settings):
    saturday = date(2025, 3, 8)
    batches = {"presensi": [f"presensi-{saturday:%Y%m%d}"]}
    _history(target_settings, _six_day_history(saturday))
    # Before dbt built the units' calendars, the shipped seeds name the five-day week only:
    # Saturday is compared with the weekends before it (Saturdays 1015, 1022, 1001; Sundays 0).
    five_day = check_deliveries(target_settings, saturday, batches).metrics
    assert five_day["trailing_median"].iat[0] == pytest.approx((0 + 1001) / 2)
    # Once every unit works ENAM_HARI (dim_unit_kerja, as dbt resolved the seeds), Saturday is a
    # working day and is compared with the last seven working days (Saturdays included).
    with connect(target_settings) as wh:
        wh.ensure_schema("marts")
        wh.execute(
            "create table marts.dim_unit_kerja (kode_unit varchar, pola_kerja varchar, "
            "kode_wilayah varchar)"
        )
        wh.execute(
            "insert into marts.dim_unit_kerja values ('SD1', 'ENAM_HARI', '*'), "
            "('SD2', 'ENAM_HARI', '*')"
        )
    six_day = check_deliveries(target_settings, saturday, batches)
    # 28 Feb .. 7 Mar without Sunday 2 Mar: 1028, 1001, 1003, 1004, 1005, 1006, 1007
    assert six_day.metrics["trailing_median"].iat[0] == pytest.approx(1005)
    assert [b for b in six_day.breaches if b.check == "row_count"] == []
