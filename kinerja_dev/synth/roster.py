"""The shift roster (extract jadwal_shift) of the units that deliver one.

A roster unit is staffed every day of the week, holidays included, in three rotating shifts
(SHIFTS): morning, afternoon and a night shift that crosses midnight (22:00 to 06:30 the next
morning). Each shift is the office day (07:30-16:00, Friday to 16:30) moved by a fixed amount,
so the attendance plan's arrivals and departures, moved by the same amount (PunchFactory), keep
their lateness and early leave against the roster. Each employee works a seven-day cycle of
DUTY_DAYS shifts and then rest days, moving to the next shift after the rest (morning,
afternoon, night: never a morning straight after a night); cycles are staggered by person, so
every day has staff on every shift and rest days fall on any weekday. Rows cover the days an
employee on the roll of a roster unit is on duty (Duty, read by the attendance plan too: a
rostered Sunday is a working day, a rest day is none). Times are written with the unit's
offset; a night shift's end carries the next date. The roster of a week is published on the
Monday of the week before (the first day of the range at the latest); a row is delivered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kinerja.contract.extracts import JADWAL_SHIFT
from kinerja_dev.synth.attendance import WORK_END_FRI, WORK_END_MON_THU, WORK_START
from kinerja_dev.synth.careers import Workforce
from kinerja_dev.synth.organisation import Organisation
from kinerja_dev.synth.timeline import Timeline

# (kode_shift, seconds the office day is moved by): 07:30, 13:30 and 22:00 starts.
SHIFTS = (("PAGI", 0), ("SIANG", 6 * 3600), ("MALAM", 14 * 3600 + 30 * 60))
SHIFT_DELAY = np.array([delay for _, delay in SHIFTS], dtype=np.int64)
CYCLE_DAYS = 7
DUTY_DAYS = 5  # shifts per cycle; the other days of the cycle are rest days


@dataclass(frozen=True)
class Duty:
    staff: np.ndarray  # (people, days): in a roster unit that day, judged by the roster alone
    on_duty: np.ndarray  # (people, days): staff, active and rostered that day

    def scheduled(self, timeline: Timeline) -> np.ndarray:
        """(people, days): the days each person works: on duty for a roster unit's staff, the
        office's working days for everyone else."""
        return np.where(self.staff, self.on_duty, timeline.working[None, :])


def _cycle(ordinal: np.ndarray | int, person: np.ndarray | int) -> tuple:
    """The person's cycle number and day within it (0..CYCLE_DAYS-1) on the day of `ordinal`:
    cycles start on a Monday moved by a person's phase."""
    shifted = np.asarray(ordinal) - 1 - np.asarray(person) % CYCLE_DAYS  # ordinal 1 is a Monday
    return shifted // CYCLE_DAYS, shifted % CYCLE_DAYS


def shift_index(day: date, person: np.ndarray | int) -> np.ndarray | int:
    """The shift of `person` (index into SHIFTS) on `day`: one shift per cycle, morning,
    afternoon, night, staggered by person so that every shift is staffed."""
    cycle, _ = _cycle(day.toordinal(), person)
    return (cycle + person) % len(SHIFTS)


def plan_duty(timeline: Timeline, workforce: Workforce, units: list[int]) -> Duty:
    ordinals = np.array([d.toordinal() for d in timeline.days], dtype=np.int64)
    people = np.arange(workforce.n_people, dtype=np.int64)
    _, position = _cycle(ordinals[None, :], people[:, None])
    staff = np.isin(workforce.unit_by_day, units)
    return Duty(staff, staff & workforce.active_by_day & (position < DUTY_DAYS))


def roster_units(org: Organisation, count: int) -> list[int]:
    """The `count` units that deliver a roster: the first leaf units (no children) by code."""
    units = org.units
    leaves = [u for u in range(org.n_units) if len(org.children(u)) == 0]
    return sorted(leaves, key=lambda u: units.at[u, "kode_unit"])[:count]


def _moment(day: date, seconds: int, zone: str) -> str:
    """A local time `seconds` after the start of `day` (past midnight: a later date)."""
    day = day + timedelta(days=seconds // 86400)
    seconds %= 86400
    return f"{day.isoformat()}T{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:00{zone}"


def plan_roster(
    timeline: Timeline, org: Organisation, workforce: Workforce, duty: Duty
) -> pd.DataFrame:
    """Roster rows (contract columns and `_folder`, the delivery day) for the days on duty."""
    nips = workforce.people["nip"].to_numpy(dtype=object)
    offsets = org.units["offset_hours"].to_numpy()
    rows = []
    for d in np.flatnonzero(duty.on_duty.any(axis=0)):
        day = timeline.days[int(d)]
        end = WORK_END_FRI if day.weekday() == 4 else WORK_END_MON_THU
        published = max(timeline.start, day - timedelta(days=day.weekday() + 7))
        for p in np.flatnonzero(duty.on_duty[:, d]):
            zone = f"+{int(offsets[workforce.unit_by_day[p, d]]):02d}:00"
            name, delay = SHIFTS[shift_index(day, int(p))]
            rows.append(
                {
                    "id_jadwal": f"JS-{nips[p]}-{day:%Y%m%d}",
                    "nip": nips[p],
                    "tanggal": day.isoformat(),
                    "kode_shift": name,
                    "waktu_mulai": _moment(day, WORK_START + delay, zone),
                    "waktu_selesai": _moment(day, end + delay, zone),
                    "diperbarui_pada": f"{published.isoformat()}T10:00:00+07:00",
                    "_folder": published,
                }
            )
    return pd.DataFrame(rows, columns=[*JADWAL_SHIFT.column_names, "_folder"])
