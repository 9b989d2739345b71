"""Indonesian working calendar: national holidays and cuti bersama from the `holidays` package.

Nobody types a holiday by hand; the dbt seed `hari_libur` is written from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.calendars.islamic import _IslamicLunar

# 'public' = national holidays, 'government' = cuti bersama (collective leave for civil servants).
KATEGORI = {"public": "LIBUR_NASIONAL", "government": "CUTI_BERSAMA"}


@lru_cache(maxsize=64)
def _holidays_for_year(year: int) -> dict[date, tuple[str, str]]:
    days: dict[date, tuple[str, str]] = {}
    for category, kategori in KATEGORI.items():
        for day, name in holidays.Indonesia(years=year, categories=(category,)).items():
            # A national holiday wins over cuti bersama on the same day.
            if day not in days or kategori == "LIBUR_NASIONAL":
                days[day] = (name, kategori)
    return days


def hari_libur(years: Iterable[int]) -> list[tuple[date, str, str]]:
    """(tanggal, nama_libur, kategori) for every holiday in the given years, sorted by date."""
    rows = []
    for year in sorted(set(years)):
        rows.extend(
            (day, name, kategori) for day, (name, kategori) in _holidays_for_year(year).items()
        )
    return sorted(rows)


def is_holiday(day: date) -> bool:
    return day in _holidays_for_year(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a national holiday or cuti bersama (Perpres 21/2023)."""
    return day.weekday() < 5 and not is_holiday(day)


def ramadan(years: Iterable[int]) -> list[tuple[date, date]]:
    """(first day, last day) of every Ramadan that begins in the given years, sorted.

    The start comes from the `holidays` package's Islamic lunar calendar (the table its Idul
    Fitri holidays are built from; the package has no public Ramadan API); the month ends the day
    before the next Idul Fitri of that calendar. Working hours are shorter in Ramadan
    (Perpres 21/2023), so the calendar marks these days.
    """
    lunar = _IslamicLunar()
    wanted = set(years)
    eid_dates = sorted(
        day for year in wanted | {y + 1 for y in wanted} for day, _ in lunar.eid_al_fitr_dates(year)
    )
    periods = set()
    for year in wanted:
        for start, _ in lunar.ramadan_beginning_dates(year):
            if start.year == year:
                end = next(eid for eid in eid_dates if eid > start) - timedelta(days=1)
                periods.add((start, end))
    return sorted(periods)
