"""The working calendar's Ramadan periods, generated from the `holidays` package."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from kinerja.calendar import hari_libur, ramadan

YEARS = range(2015, 2031)


def test_each_ramadan_is_a_lunar_month_ending_the_day_before_idul_fitri():
    holidays_by_day = {day: name for day, name, _ in hari_libur(range(2015, 2032))}
    periods = ramadan(YEARS)
    assert {start.year for start, _ in periods} == set(YEARS)
    for start, end in periods:
        assert 29 <= (end - start).days + 1 <= 30, (start, end)
        assert holidays_by_day[end + timedelta(days=1)].startswith("Hari Raya Idul Fitri")
    # periods never overlap and come in order
    assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(periods))


def test_ramadan_2024_covers_mid_march_and_ends_before_lebaran():
    ((start, end),) = ramadan([2024])
    assert start <= date(2024, 3, 12) and end == date(2024, 4, 9)
