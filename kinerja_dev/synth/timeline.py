"""The generated date range as arrays: days, working days (kinerja.calendar) and quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from kinerja.calendar import is_working_day


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4
    start: date
    end: date

    @property
    def periode(self) -> str:
        return f"TW{self.number}"


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter(year: int, number: int) -> Quarter:
    first = date(year, 3 * number - 2, 1)
    nxt = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Quarter(year, number, first, nxt - timedelta(days=1))


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after day's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class Timeline:
    """Days start..end inclusive; quarters reach back to the first quarter of the year before
    start's delivery window, because SKP delivered early in the range rates earlier periods."""

    def __init__(self, start: date, end: date):
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        self.start = start
        self.end = end
        self.n_days = (end - start).days + 1
        self.days = [start + timedelta(days=i) for i in range(self.n_days)]
        self.weekday = np.array([d.weekday() for d in self.days], dtype=np.int8)
        self.working = np.array([is_working_day(d) for d in self.days], dtype=bool)
        self.working_index = np.flatnonzero(self.working)

        first_year = (start - timedelta(days=45)).year
        self.quarters: list[Quarter] = []
        year, number = first_year, 1
        last = quarter_of(end)
        while (year, number) <= last:
            self.quarters.append(_quarter(year, number))
            year, number = (year + 1, 1) if number == 4 else (year, number + 1)
        self._quarter_pos = {(q.year, q.number): i for i, q in enumerate(self.quarters)}
        self.day_quarter = np.array(
            [self._quarter_pos[quarter_of(d)] for d in self.days], dtype=np.int16
        )

    @property
    def n_quarters(self) -> int:
        return len(self.quarters)

    def index(self, day: date) -> int:
        """Day offset from start (may fall outside 0..n_days-1)."""
        return (day - self.start).days

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def month_firsts(self) -> list[date]:
        """Every first-of-month strictly after start and up to end."""
        out, day = [], add_months(self.start, 1)
        while day <= self.end:
            out.append(day)
            day = add_months(day, 1)
        return out
