"""The agency's working days in Python, read from the dbt seeds the warehouse's calendar reads.

Expected values are written by hand from the rules (Perpres 21/2023's five-day week, Keppres
68/1995's six-day week, a regional holiday declared by a province or a regency), never computed
from the seeds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kinerja.calendar import (
    AgencyCalendar,
    Kalender,
    default_pattern,
    is_working_day,
    seed_calendars,
)

FRIDAY = date(2025, 1, 10)
SATURDAY = date(2025, 1, 11)
SUNDAY = date(2025, 1, 12)
MONDAY = date(2025, 1, 13)  # a Bali (51) holiday in the seeds below
TUESDAY = date(2025, 1, 14)  # a Denpasar (5171) holiday in the seeds below
NEW_YEAR = date(2025, 1, 1)  # Wednesday, Tahun Baru Masehi
NYEPI = date(2025, 3, 29)  # Hari Suci Nyepi 1947 Saka, a national holiday on a Saturday

HEADER = "instansi,pola_kerja,jadwal,hari_iso,nama_hari,jam_masuk,jam_pulang,menit_istirahat\n"


def _hours(pattern: str, weekdays: range, jadwal: str = "NORMAL") -> str:
    return "".join(f"*,{pattern},{jadwal},{d},HARI,07:00,14:00,0\n" for d in weekdays)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A hand-written seed folder: five- and six-day patterns, a province's and a regency's
    holiday; an agency's own row for Saturday (hours, not days) and a RAMADAN-only Sunday must
    not make a working day."""
    (tmp_path / "jam_kerja.csv").write_text(
        HEADER
        + _hours("LIMA_HARI", range(1, 6))
        + _hours("ENAM_HARI", range(1, 7))
        + "KEMENAG,LIMA_HARI,NORMAL,6,SABTU,08:00,12:00,0\n"
        + _hours("LIMA_HARI", range(7, 8), jadwal="RAMADAN"),
        encoding="utf-8",
    )
    (tmp_path / "hari_libur_daerah.csv").write_text(
        "tanggal,kode_wilayah,nama_libur\n"
        "2025-01-13,51,Libur Provinsi Uji\n"
        "2025-01-14,5171,Libur Kota Uji\n",
        encoding="utf-8",
    )
    (tmp_path / "pola_kerja_unit.csv").write_text("kode_unit,pola_kerja\n", encoding="utf-8")
    (tmp_path / "wilayah_unit.csv").write_text("kode_unit,kode_wilayah\n", encoding="utf-8")
    return tmp_path


def _project(tmp_path: Path, pattern: str) -> Path:
    folder = tmp_path / "dbt_project"
    folder.mkdir()
    (folder / "dbt_project.yml").write_text(
        f"name: uji\nvars:\n  pola_kerja_bawaan: {pattern}\n", encoding="utf-8"
    )
    return folder


def test_five_day_week_works_monday_to_friday_only(seeds):
    five = Kalender("LIMA_HARI")
    assert is_working_day(FRIDAY, five, seeds)
    assert not is_working_day(SATURDAY, five, seeds)  # the agency's own Saturday hours: no day
    assert not is_working_day(SUNDAY, five, seeds)  # a RAMADAN row is not a NORMAL working day
    assert is_working_day(MONDAY, five, seeds)
    assert not is_working_day(NEW_YEAR, five, seeds)


def test_six_day_week_works_saturday_but_not_a_national_holiday(seeds):
    six = Kalender("ENAM_HARI")
    assert is_working_day(SATURDAY, six, seeds)
    assert not is_working_day(NYEPI, six, seeds)
    assert not is_working_day(SUNDAY, six, seeds)
    assert not is_working_day(NEW_YEAR, six, seeds)


def test_a_pattern_the_seed_does_not_know_works_no_day(seeds):
    assert not is_working_day(MONDAY, Kalender("SHIFT"), seeds)


def test_regional_holidays_apply_to_their_province_and_regencies_only(seeds):
    denpasar, badung, bali = (
        Kalender("LIMA_HARI", "5171"),
        Kalender("LIMA_HARI", "5103"),
        (Kalender("LIMA_HARI", "51")),
    )
    west_java, nowhere = Kalender("LIMA_HARI", "32"), Kalender("LIMA_HARI")
    # the province's Monday: off in Bali and every regency of it
    assert [is_working_day(MONDAY, k, seeds) for k in (bali, denpasar, badung)] == [False] * 3
    # the regency's Tuesday: off in Denpasar only, not in its province or a sibling regency
    assert [is_working_day(TUESDAY, k, seeds) for k in (bali, denpasar, badung)] == [
        True,
        False,
        True,
    ]
    assert is_working_day(MONDAY, west_java, seeds) and is_working_day(MONDAY, nowhere, seeds)


def test_the_agency_works_a_day_when_any_of_its_calendars_does(seeds):
    five_and_six = AgencyCalendar(frozenset({Kalender("LIMA_HARI"), Kalender("ENAM_HARI")}), seeds)
    assert five_and_six.is_working_day(SATURDAY)
    assert not five_and_six.is_working_day(SUNDAY)
    only_five = AgencyCalendar(frozenset({Kalender("LIMA_HARI")}), seeds)
    assert not only_five.is_working_day(SATURDAY)
    # a regional holiday is the agency's day off only when every calendar is in that region
    all_bali = AgencyCalendar(
        frozenset({Kalender("LIMA_HARI", "51"), Kalender("ENAM_HARI", "5171")}), seeds
    )
    assert not all_bali.is_working_day(MONDAY)
    assert all_bali.is_working_day(TUESDAY)  # the province's units outside Denpasar work
    bali_and_java = AgencyCalendar(
        frozenset({Kalender("LIMA_HARI", "51"), Kalender("LIMA_HARI", "32")}), seeds
    )
    assert bali_and_java.is_working_day(MONDAY)


def test_without_units_the_seed_calendars_are_the_default_and_every_named_one(seeds, tmp_path):
    project = _project(tmp_path, "LIMA_HARI")
    assert default_pattern(project) == "LIMA_HARI"
    assert seed_calendars(seeds, project) == {Kalender("LIMA_HARI")}
    (seeds / "pola_kerja_unit.csv").write_text(
        "kode_unit,pola_kerja\nSEKOLAH,ENAM_HARI\n", encoding="utf-8"
    )
    (seeds / "wilayah_unit.csv").write_text("kode_unit,kode_wilayah\nINDUK,51\n", encoding="utf-8")
    calendars = seed_calendars(seeds, project)
    assert calendars == {
        Kalender("LIMA_HARI"),
        Kalender("LIMA_HARI", "51"),
        Kalender("ENAM_HARI"),
        Kalender("ENAM_HARI", "51"),
    }
    agency = AgencyCalendar(calendars, seeds)
    assert agency.is_working_day(SATURDAY)  # the six-day school's Saturday
    assert agency.is_working_day(MONDAY)  # units without a region may exist: not a day off


def test_the_shipped_seeds_make_saturday_a_six_day_working_day_only():
    """The real jam_kerja: Saturday 8 March 2025 is worked by ENAM_HARI, not by LIMA_HARI."""
    saturday = date(2025, 3, 8)
    assert is_working_day(saturday, Kalender("ENAM_HARI"))
    assert not is_working_day(saturday, Kalender("LIMA_HARI"))
    assert not is_working_day(saturday)  # the default calendar: the five-day week
    assert is_working_day(date(2025, 3, 7))
    assert not is_working_day(date(2025, 3, 31))  # Idul Fitri 1446 H, a Monday


def test_a_shift_calendar_works_no_day_of_its_own(seeds):
    """SHIFT units work their delivered roster, which jam_kerja does not hold: for the agency's
    calendar they add no working day (the five-day unit beside them still works Monday)."""
    hospital_and_office = AgencyCalendar(
        frozenset({Kalender("SHIFT"), Kalender("LIMA_HARI")}), seeds
    )
    assert not hospital_and_office.is_working_day(SUNDAY)
    assert not hospital_and_office.is_working_day(SATURDAY)
    assert hospital_and_office.is_working_day(MONDAY)
