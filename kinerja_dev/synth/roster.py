"""The shift roster (extract jadwal_shift) of the units that deliver one.

The generated agency's units all work office hours, so a roster unit's schedule is the office
day it already works (07:30-16:00, Friday to 16:30, local time, on the working days an employee
is on the roll), written with the unit's offset: the punches the generator writes for its
staff agree with it. The roster of a
week is published on the Monday of the week before (the first day of the range at the latest);
a row is delivered once. Rotating and night shifts are not generated (see the README).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from kinerja.contract.extracts import JADWAL_SHIFT
from kinerja_dev.synth.attendance import WORK_END_FRI, WORK_END_MON_THU, WORK_START
from kinerja_dev.synth.careers import Workforce
from kinerja_dev.synth.organisation import Organisation
from kinerja_dev.synth.timeline import Timeline

SHIFT_NAME = "PAGI"


def roster_units(org: Organisation, count: int) -> list[int]:
    """The `count` units that deliver a roster: the first leaf units (no children) by code."""
    units = org.units
    leaves = [u for u in range(org.n_units) if len(org.children(u)) == 0]
    return sorted(leaves, key=lambda u: units.at[u, "kode_unit"])[:count]


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:00"


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
            rows.append(
                {
                    "id_jadwal": f"JS-{nips[p]}-{day:%Y%m%d}",
                    "nip": nips[p],
                    "tanggal": day.isoformat(),
                    "kode_shift": SHIFT_NAME,
                    "waktu_mulai": f"{day.isoformat()}T{_clock(WORK_START)}{zone}",
                    "waktu_selesai": f"{day.isoformat()}T{_clock(end)}{zone}",
                    "diperbarui_pada": f"{published.isoformat()}T10:00:00+07:00",
                    "_folder": published,
                }
            )
    return pd.DataFrame(rows, columns=[*JADWAL_SHIFT.column_names, "_folder"])
