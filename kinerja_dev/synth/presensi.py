"""A day's raw punches as attendance systems deliver them.

Terminals (FINGERPRINT, FACE) belong to a unit; most send the unit's local time, some send the
server's WIB time or UTC (`Z`): the same instant with another offset. The mobile app sends UTC
with the phone's position, mostly inside the office geofence. MANUAL punches are entered by an
administrator in local time, to the minute. Some people forget a punch, some punch in between,
and some punches arrive twice. Staff of roster units punch their shifts, on any day of the week
they are rostered (kinerja_dev.synth.roster).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from kinerja.contract.extracts import PRESENSI
from kinerja_dev.synth.attendance import ARRIVAL_ONLY, BOTH_PUNCHES, DEPARTURE_ONLY, AttendancePlan
from kinerja_dev.synth.careers import Workforce
from kinerja_dev.synth.organisation import Organisation
from kinerja_dev.synth.roster import SHIFT_DELAY, shift_index
from kinerja_dev.synth.timeline import Timeline

_HMS = np.array(
    [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in range(86400)], dtype=object
)
_SUFFIX = np.array(["Z", "", "", "", "", "", "", "+07:00", "+08:00", "+09:00"], dtype=object)
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Devices:
    ids: np.ndarray  # device id text
    offset: np.ndarray  # offset the device writes: 7, 8, 9, or 0 for UTC
    fp_first: np.ndarray  # per unit: first fingerprint device
    fp_count: np.ndarray
    face: np.ndarray  # per unit: face terminal or -1


def build_devices(rng: np.random.Generator, org: Organisation) -> Devices:
    ids, offsets = [], []
    fp_first = np.zeros(org.n_units, dtype=np.int64)
    fp_count = np.zeros(org.n_units, dtype=np.int64)
    face = np.full(org.n_units, -1, dtype=np.int64)

    def clock(local: int) -> int:
        r = rng.random()
        if local == 7:
            return 0 if r < 0.08 else 7
        return 0 if r < 0.08 else 7 if r < 0.22 else local

    for u, (code, local) in enumerate(zip(org.units["kode_unit"], org.units["offset_hours"])):
        fp_first[u] = len(ids)
        fp_count[u] = 1 + int(rng.random() < 0.3)
        for k in range(fp_count[u]):
            ids.append(f"FP-{code}-{k + 1:02d}")
            offsets.append(clock(int(local)))
        if rng.random() < 0.6:
            face[u] = len(ids)
            ids.append(f"FR-{code}-01")
            offsets.append(clock(int(local)))
    return Devices(np.array(ids, dtype=object), np.array(offsets), fp_first, fp_count, face)


class PunchFactory:
    """Punches per delivery day. Staff of `roster_units` (kinerja_dev.synth.roster) punch on the
    days they are on duty, weekends and holidays included, and not on their rest days (the plan
    expects them on those days only), at the planned office-day times moved by the shift's
    delay; a night shift's departure after midnight is delivered with the next day's file, as a
    terminal uploading nightly would."""

    def __init__(
        self,
        rng,
        timeline: Timeline,
        org: Organisation,
        workforce: Workforce,
        plan: AttendancePlan,
        roster_units: list[int] | None = None,
    ):
        self.rng = rng
        self.roster_units = np.array(roster_units or [], dtype=np.int64)
        self.carried: pd.DataFrame | None = None
        self.timeline = timeline
        self.plan = plan
        self.workforce = workforce
        self.devices = build_devices(rng, org)
        people = workforce.people
        self.nips = people["nip"].to_numpy(dtype=object)
        self.mobile_user = people["mobile_user"].to_numpy()
        self.prefers_face = people["prefers_face"].to_numpy()
        self.phone = people["mobile_device"].to_numpy(dtype=object)
        self.unit_offset = org.units["offset_hours"].to_numpy()
        self.unit_lat = org.units["lat_f"].to_numpy()
        self.unit_lon = org.units["lon_f"].to_numpy()
        self.unit_radius = org.units["radius_m"].to_numpy()
        self.column_of_day = {int(d): j for j, d in enumerate(plan.columns)}

    def for_day(self, day_index: int) -> pd.DataFrame | None:
        """Punches delivered on one day: the day's own (on a day off, only those of roster staff
        on duty) after those of the night before that fell past midnight; None when there are
        none."""
        carried, self.carried = self.carried, None
        own = self._own_day(day_index)
        if carried is None:
            return own
        return carried if own is None else pd.concat([carried, own], ignore_index=True)

    def _own_day(self, day_index: int) -> pd.DataFrame | None:
        j = self.column_of_day.get(day_index)
        if j is None:
            return None
        rng, plan = self.rng, self.plan
        who = np.flatnonzero(plan.present[:, j])
        pattern = plan.pattern[who, j]
        arrival = plan.arrival[who, j]
        departure = plan.departure[who, j]

        persons, times = [], []
        has_arrival = pattern != DEPARTURE_ONLY
        persons.append(who[has_arrival])
        times.append(arrival[has_arrival])
        has_departure = pattern != ARRIVAL_ONLY
        persons.append(who[has_departure])
        times.append(departure[has_departure])
        # Punches in between: back from a break, or out for an errand.
        room = (pattern == BOTH_PUNCHES) & (departure - arrival > 3 * 3600)
        extras = np.where(room, rng.choice(3, size=len(who), p=[0.85, 0.12, 0.03]), 0)
        for k in (1, 2):
            sel = extras >= k
            persons.append(who[sel])
            times.append(rng.integers(arrival[sel] + 3600, departure[sel] - 3600))
        person = np.concatenate(persons)
        local = np.concatenate(times).astype(np.int64)
        n = len(person)
        if n == 0:
            return pd.DataFrame(columns=PRESENSI.column_names)

        unit = self.workforce.unit_by_day[person, day_index].astype(np.int64)
        day = self.timeline.days[day_index]
        if len(self.roster_units):
            delay = SHIFT_DELAY[shift_index(day, person)]
            local = local + np.where(np.isin(unit, self.roster_units), delay, 0)
        r = rng.random(n)
        mobile = np.where(self.mobile_user[person], r < 0.7, r < 0.01)
        manual = ~mobile & (rng.random(n) < 0.02)
        terminal = ~mobile & ~manual
        use_face = self.prefers_face[person] & (self.devices.face[unit] >= 0)
        fp = self.devices.fp_first[unit] + (rng.random(n) * self.devices.fp_count[unit]).astype(
            np.int64
        )
        device = np.where(use_face, self.devices.face[unit], fp)

        local_offset = self.unit_offset[unit]
        written_offset = np.where(
            terminal, self.devices.offset[device], np.where(mobile, 0, local_offset)
        )
        local = np.where(manual, local - local % 60, local)
        clock = local - (local_offset - written_offset) * 3600
        # the day the written clock falls on: before or (a night shift) after this one
        day_shift = np.floor_divide(clock, 86400)
        clock = clock - day_shift * 86400
        dates = np.array(
            [(day + timedelta(days=int(k))).isoformat() for k in range(-1, 2)], dtype=object
        )[day_shift + 1]
        waktu = dates + "T" + _HMS[clock] + _SUFFIX[written_offset]

        sumber = np.where(
            mobile, "MOBILE", np.where(manual, "MANUAL", np.where(use_face, "FACE", "FINGERPRINT"))
        )
        id_perangkat = np.where(
            mobile, self.phone[person], np.where(manual, "", self.devices.ids[device])
        )
        lat, lon = self._positions(unit[mobile])
        lat_col = np.full(n, "", dtype=object)
        lon_col = np.full(n, "", dtype=object)
        lat_col[mobile] = lat
        lon_col[mobile] = lon

        # Devices resend some punches: the same (nip, waktu) twice.
        rows = np.arange(n)
        rows = np.concatenate([rows, rows[rng.random(n) < 0.01]])
        instant = (local - local_offset * 3600)[rows]
        rows = rows[np.argsort(instant, kind="stable")]
        frame = pd.DataFrame(
            {
                "nip": self.nips[person[rows]],
                "waktu": waktu[rows],
                "sumber": sumber[rows],
                "id_perangkat": id_perangkat[rows],
                "lat": lat_col[rows],
                "lon": lon_col[rows],
            }
        )
        after_midnight = local[rows] >= 86400
        if after_midnight.any():
            self.carried = frame[after_midnight].reset_index(drop=True)
            return frame[~after_midnight].reset_index(drop=True)
        return frame

    def _positions(self, unit: np.ndarray) -> tuple[list[str], list[str]]:
        """Phone positions: mostly inside the office geofence, some just beyond it (GPS drift
        indoors, the car park across the road). Punches from far away are fraud, planted only by
        kinerja_dev.synth.fraud with their ground truth."""
        rng = self.rng
        m = len(unit)
        inside = rng.random(m) < 0.9
        radius = self.unit_radius[unit]
        distance = np.where(
            inside, 0.9 * radius * np.sqrt(rng.random(m)), radius + rng.uniform(0, 600, m)
        )
        bearing = rng.uniform(0, 2 * np.pi, m)
        lat = self.unit_lat[unit] + distance * np.cos(bearing) / METRES_PER_DEGREE
        lon = self.unit_lon[unit] + distance * np.sin(bearing) / (
            METRES_PER_DEGREE * np.cos(np.radians(self.unit_lat[unit]))
        )
        return [f"{v:.6f}" for v in lat], [f"{v:.6f}" for v in lon]
