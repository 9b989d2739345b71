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


IDUL_FITRI = "Hari Raya Idul Fitri"  # first day's name in the package's Indonesian names


def _idul_fitri_days(years: Iterable[int]) -> list[date]:
    days = holidays.Indonesia(years=list(years), categories=("public",), language="id")
    return sorted(day for day, name in days.items() if name.startswith(IDUL_FITRI))


def ramadan(years: Iterable[int]) -> list[tuple[date, date]]:
    """(first day, last day) of every Ramadan that begins in the given years, sorted.

    The month ends the day before Indonesia's official Idul Fitri (the national holiday); it
    starts on the Islamic lunar calendar's Ramadan beginning from the `holidays` package (the
    table its Islamic holidays are built from; the package has no public Ramadan API), moved
    later when needed so that the month has at most 30 days (the official Idul Fitri can be a
    day after the lunar table's). Working hours are shorter in Ramadan (Perpres 21/2023).
    """
    lunar = _IslamicLunar()
    wanted = set(years)
    idul_fitri = _idul_fitri_days(wanted | {y + 1 for y in wanted})
    periods = set()
    for year in wanted:
        for start, _ in lunar.ramadan_beginning_dates(year):
            if start.year == year:
                end = next(day for day in idul_fitri if day > start) - timedelta(days=1)
                periods.add((max(start, end - timedelta(days=29)), end))
    return sorted(periods)
