"""The shift roster (extract jadwal_shift) of the units that deliver one.

A roster unit works three rotating shifts (SHIFTS): morning, afternoon and a night shift that
crosses midnight (22:00 to 06:30 the next morning). Each shift is the office day (07:30-16:00,
Friday to 16:30) moved by a fixed amount, so the attendance plan's arrivals and departures,
moved by the same amount (PunchFactory), keep their lateness and early leave against the
roster. An employee changes shift every week, staff of one unit staggered by person, on the
office working days they are on the roll (the plan has no weekend columns, so weekend shifts
are not generated). Times are written with the unit's offset; a night shift's end carries the
next date. The roster of a week is published on the Monday of the week before (the first day of
the range at the latest); a row is delivered once.
"""

from __future__ import annotations

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


def shift_index(day: date, person: np.ndarray | int) -> np.ndarray | int:
    """The shift of `person` (index into SHIFTS) in the week of `day`: weekly rotation, morning,
    afternoon, night, staggered by person so that every shift is staffed."""
    week = (day.toordinal() - 1) // 7  # ordinal 1 is a Monday: weeks start on Monday
    return (week + person) % len(SHIFTS)


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
    timeline: Timeline, org: Organisation, workforce: Workforce, units: list[int]
) -> pd.DataFrame:
    """Roster rows (contract columns and `_folder`, the delivery day) for the staff of `units`."""
    if not units:
        return pd.DataFrame(columns=[*JADWAL_SHIFT.column_names, "_folder"])
    nips = workforce.people["nip"].to_numpy(dtype=object)
    offsets = org.units["offset_hours"].to_numpy()
    in_units = np.isin(workforce.unit_by_day, units) & workforce.active_by_day
    rows = []
    for d in np.flatnonzero(timeline.working):
        day = timeline.days[int(d)]
        end = WORK_END_FRI if day.weekday() == 4 else WORK_END_MON_THU
        published = max(timeline.start, day - timedelta(days=day.weekday() + 7))
        for p in np.flatnonzero(in_units[:, d]):
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
