"""Indonesian working calendar: national holidays and cuti bersama from the `holidays` package,
and the working days of the agency's calendars as the dbt seeds define them.

Nobody types a holiday by hand; the dbt seed `hari_libur` is written from here. Which weekdays a
working pattern works, which units work which pattern and which regional holidays apply are
agency data in seeds (jam_kerja, pola_kerja_unit, wilayah_unit, hari_libur_daerah) that dbt
reads (int_kalender__hari); Python reads the same files, so the rule is never restated here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays
import yaml
from hijridate import Gregorian, Hijri

from kinerja.project import DBT_PROJECT_DIR, SEEDS_DIR

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


NO_REGION = "*"  # a calendar without region: national holidays only (as in int_kalender__hari)


@dataclass(frozen=True)
class Kalender:
    """One working calendar, dbt's `kalender` key '<pola_kerja>/<kode_wilayah>'."""

    pola_kerja: str
    kode_wilayah: str = NO_REGION

    @property
    def key(self) -> str:
        return f"{self.pola_kerja}/{self.kode_wilayah}"


def _seed_rows(seeds_dir: Path, name: str) -> list[dict[str, str]]:
    with (seeds_dir / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=8)
def working_weekdays(seeds_dir: Path = SEEDS_DIR) -> dict[str, frozenset[int]]:
    """Working pattern -> ISO weekdays it works: the NORMAL rows of every agency ('*') in seed
    jam_kerja, as int_kalender__hari reads them (an agency's own rows change hours, not days)."""
    days: dict[str, set[int]] = {}
    for row in _seed_rows(seeds_dir, "jam_kerja"):
        if row["instansi"] == "*" and row["jadwal"] == "NORMAL":
            days.setdefault(row["pola_kerja"], set()).add(int(row["hari_iso"]))
    return {pattern: frozenset(weekdays) for pattern, weekdays in days.items()}


@lru_cache(maxsize=8)
def regional_holidays(seeds_dir: Path = SEEDS_DIR) -> dict[date, frozenset[str]]:
    """Date -> the region codes (seed hari_libur_daerah) that declared it a holiday."""
    days: dict[date, set[str]] = {}
    for row in _seed_rows(seeds_dir, "hari_libur_daerah"):
        days.setdefault(date.fromisoformat(row["tanggal"]), set()).add(row["kode_wilayah"])
    return {day: frozenset(codes) for day, codes in days.items()}


@lru_cache(maxsize=8)
def default_pattern(dbt_project_dir: Path = DBT_PROJECT_DIR) -> str:
    """The pattern of a unit without one of its own or of an ancestor: dbt var
    pola_kerja_bawaan in dbt_project.yml (macro pola_kerja_bawaan reads the same var)."""
    project = yaml.safe_load((dbt_project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    return str(project["vars"]["pola_kerja_bawaan"])


def default_calendar() -> Kalender:
    return Kalender(default_pattern())


def is_working_day(
    day: date, kalender: Kalender | None = None, seeds_dir: Path = SEEDS_DIR
) -> bool:
    """A working day of one calendar (the default one unless given), as int_kalender__hari says:
    a weekday of the pattern (seed jam_kerja), not a national holiday or cuti bersama, and not a
    regional holiday of the calendar's region or of its province (a code that starts the
    calendar's: '51' covers '5171'). A pattern the seed does not know works no day."""
    kalender = kalender or default_calendar()
    if day.isoweekday() not in working_weekdays(seeds_dir).get(kalender.pola_kerja, ()):
        return False
    if is_holiday(day):
        return False
    if kalender.kode_wilayah == NO_REGION:
        return True
    declared = regional_holidays(seeds_dir).get(day, frozenset())
    return not any(kalender.kode_wilayah.startswith(code) for code in declared)


@dataclass(frozen=True)
class AgencyCalendar:
    """The working days of an agency whose units may work different calendars.

    A day is the agency's working day when at least one of its calendars works it: a Saturday
    is a working day of an agency with one six-day unit, a regional holiday is not a working day
    only when every calendar of the agency is in that region. This is the reading the delivery
    checks need: a day on which some unit works is expected to bring punches, so it is compared
    with other such days, not with weekends. A SHIFT calendar has no weekday in jam_kerja (its
    days are each employee's delivered roster, which these checks do not read): it works no day
    here, so a hospital's weekend deliveries are compared with other weekends.
    """

    calendars: frozenset[Kalender]
    seeds_dir: Path = SEEDS_DIR

    def is_working_day(self, day: date) -> bool:
        return any(is_working_day(day, k, self.seeds_dir) for k in self.calendars)


def seed_calendars(
    seeds_dir: Path = SEEDS_DIR, dbt_project_dir: Path = DBT_PROJECT_DIR
) -> frozenset[Kalender]:
    """Every calendar the seeds can give a unit, when the units themselves are not known (no
    organisation tree at hand): the default pattern and each pattern of seed pola_kerja_unit,
    each with no region and with each region of seed wilayah_unit. Without the tree the units
    without a region cannot be ruled out, so on these calendars a regional holiday is never
    the agency's day off; `AgencyCalendar` over the units' own calendars (dim_unit_kerja) is
    exact."""
    patterns = {default_pattern(dbt_project_dir)}
    patterns |= {row["pola_kerja"] for row in _seed_rows(seeds_dir, "pola_kerja_unit")}
    regions = {NO_REGION} | {row["kode_wilayah"] for row in _seed_rows(seeds_dir, "wilayah_unit")}
    return frozenset(Kalender(p, r) for p in patterns for r in regions)


IDUL_FITRI = "Hari Raya Idul Fitri"  # first day's name in the package's Indonesian names


def _idul_fitri_days(years: Iterable[int]) -> list[date]:
    days = holidays.Indonesia(years=list(years), categories=("public",), language="id")
    return sorted(day for day, name in days.items() if name.startswith(IDUL_FITRI))


RAMADAN = 9  # the ninth month of the Hijri year


def _ramadan_beginnings(year: int) -> list[date]:
    """First days of Ramadan on the Umm al-Qura calendar that fall in the Gregorian `year` (one,
    or two when the lunar year's drift puts both ends of a year in Ramadan's reach)."""
    first = Gregorian(year, 1, 1).to_hijri().year
    last = Gregorian(year, 12, 31).to_hijri().year
    starts = (
        date(*Hijri(hijri_year, RAMADAN, 1).to_gregorian().datetuple())
        for hijri_year in range(first, last + 1)
    )
    return [day for day in starts if day.year == year]


def ramadan(years: Iterable[int]) -> list[tuple[date, date]]:
    """(first day, last day) of every Ramadan that begins in the given years, sorted.

    The month ends the day before Indonesia's official Idul Fitri (the national holiday); it
    starts on the Umm al-Qura calendar's first of Ramadan (`hijridate`), moved later when needed
    so that the month has at most 30 days (Indonesia's sighting can start the month a day after
    the table). Working hours are shorter in Ramadan (Perpres 21/2023).
    """
    wanted = set(years)
    idul_fitri = _idul_fitri_days(wanted | {y + 1 for y in wanted})
    periods = set()
    for year in wanted:
        for start in _ramadan_beginnings(year):
            end = next(day for day in idul_fitri if day > start) - timedelta(days=1)
            periods.add((max(start, end - timedelta(days=29)), end))
    return sorted(periods)
