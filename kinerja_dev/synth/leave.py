"""Leave, duty travel and permits (izin), and the days they excuse.

Each request is delivered when it is made (DIAJUKAN) and again when it is decided (DISETUJUI,
DITOLAK, or DIBATALKAN by the employee) with a later diperbarui_pada; a decision on the day of
the request is delivered once. Approved days have no punches; on a rejected request's days the
person either works or stays away without valid reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kinerja_dev.synth import positions as pos
from kinerja_dev.synth.careers import Workforce
from kinerja_dev.synth.organisation import Organisation
from kinerja_dev.synth.timeline import Timeline
from kinerja_dev.synth.traits import sigmoid

# Final outcome probabilities: (DISETUJUI, DITOLAK, DIBATALKAN, left DIAJUKAN).
OUTCOME_P = {
    "CUTI_SAKIT": (0.96, 0.01, 0.01, 0.02),
    "CUTI_MELAHIRKAN": (0.98, 0.0, 0.01, 0.01),
    "CUTI_BESAR": (0.85, 0.10, 0.04, 0.01),
}
DEFAULT_OUTCOME_P = (0.86, 0.07, 0.05, 0.02)
OUTCOMES = ("DISETUJUI", "DITOLAK", "DIBATALKAN", "DIAJUKAN")


@dataclass
class LeavePlan:
    records: pd.DataFrame  # izin columns + _folder (delivery date)
    approved: np.ndarray  # (people, days): days they work, excused by approved leave
    skipped: np.ndarray  # (people, days): away without valid reason after a rejected request


def _timestamp(day: date, seconds: int, offset_hours: int) -> str:
    h, rem = divmod(int(seconds), 3600)
    return f"{day.isoformat()}T{h:02d}:{rem // 60:02d}:{rem % 60:02d}+{offset_hours:02d}:00"


class _Planner:
    def __init__(
        self,
        rng,
        timeline: Timeline,
        workforce: Workforce,
        org: Organisation,
        scheduled: np.ndarray,
    ):
        self.rng = rng
        self.timeline = timeline
        self.workforce = workforce
        self.scheduled = scheduled
        self.offsets = org.units["offset_hours"].to_numpy()
        n, d = workforce.n_people, timeline.n_days
        self.approved = np.zeros((n, d), dtype=bool)
        self.skipped = np.zeros((n, d), dtype=bool)
        self.requests: list[tuple] = []

    def _offset(self, p: int, day: date) -> int:
        i = min(max(self.timeline.index(day), 0), self.timeline.n_days - 1)
        unit = self.workforce.unit_by_day[p, i]
        return int(self.offsets[unit]) if unit >= 0 else 7

    def _request(self, p: int, jenis: str, first: int, last: int, covered: np.ndarray,
                 lead: int, diligence: float) -> None:  # fmt: skip
        """Record one request covering day indexes first..last (calendar span) if it was made
        inside the range; settle its outcome on the day matrices."""
        rng, days = self.rng, self.timeline.days
        requested = days[first] - timedelta(days=lead)
        joined = self.workforce.people.at[p, "hired_on"] or self.timeline.start
        if requested < joined:
            return  # made before the source's history (or the person) begins: not simulated
        p_out = OUTCOME_P.get(jenis, DEFAULT_OUTCOME_P)
        outcome = OUTCOMES[int(rng.choice(4, p=p_out))]
        request_s = int(rng.integers(7 * 3600, 21 * 3600))
        wait = int(rng.choice([0, 1, 1, 2, 2, 3, 4, 6]))
        decided = requested + timedelta(days=wait)
        decide_s = int(rng.integers(request_s + 60 if wait == 0 else 7 * 3600, 22 * 3600))
        if outcome == "DISETUJUI":
            self.approved[p, covered] = True
        elif outcome == "DITOLAK" and rng.random() < sigmoid(-0.6 - 0.8 * diligence):
            self.skipped[p, covered] = True
        self.requests.append(
            (p, jenis, days[first], days[last], requested, request_s, decided, decide_s, outcome)
        )

    def plan_person(self, p: int, row) -> None:
        rng, tl = self.rng, self.timeline
        active = self.workforce.active_by_day[p]
        scheduled = self.scheduled[p]
        occupied = np.zeros(tl.n_days, dtype=bool)
        d = float(row.diligence)
        jenis_jabatan = self.workforce.versions[0][1].jenis_jabatan[p]
        travel_rate = (
            5.0
            if jenis_jabatan in pos.STRUCTURAL
            else 2.5
            if jenis_jabatan == "FUNGSIONAL"
            else 1.0
        )
        birth_year = row.tanggal_lahir.year
        for year in range(tl.start.year, tl.end.year + 1):
            lo = max(0, tl.index(date(year, 1, 1)))
            hi = min(tl.n_days, tl.index(date(year + 1, 1, 1)))
            open_days = np.flatnonzero(scheduled[lo:hi] & active[lo:hi]) + lo
            if len(open_days) < 5:
                continue
            share = (hi - lo) / 365.0
            wanted: list[tuple[str, int, bool]] = []  # (jenis, length, calendar span?)
            budget = 12
            for _ in range(int(rng.poisson(2.2 * share))):
                length = min(int(rng.geometric(0.45)), 5, budget)
                if length > 0:
                    wanted.append(("CUTI_TAHUNAN", length, False))
                    budget -= length
            for _ in range(int(rng.poisson(0.7 * share * np.exp(-0.2 * d)))):
                length = (
                    int(rng.integers(5, 15)) if rng.random() < 0.08 else int(rng.integers(1, 4))
                )
                wanted.append(("CUTI_SAKIT", length, False))
            for _ in range(int(rng.poisson(0.12 * share))):
                wanted.append(("CUTI_ALASAN_PENTING", int(rng.integers(1, 4)), False))
            for _ in range(int(rng.poisson(travel_rate * share))):
                wanted.append(("DINAS_LUAR", int(rng.integers(1, 5)), True))
            for _ in range(int(rng.poisson(0.8 * share * np.exp(-0.2 * d)))):
                wanted.append(("IZIN", 1, False))
            if (
                row.jenis_kelamin == "P"
                and 22 <= year - birth_year <= 42
                and rng.random() < 0.035 * share
            ):
                wanted.append(("CUTI_MELAHIRKAN", 91, True))
            if rng.random() < 0.003 * share:
                wanted.append(("CUTI_BESAR", int(rng.integers(20, 45)), False))
            # Long leave first: placed after short ones it would rarely find a free stretch.
            wanted.sort(key=lambda w: -w[1])
            for jenis, length, calendar in wanted:
                k = int(rng.integers(len(open_days)))
                first = int(open_days[k])
                if calendar:
                    last = min(first + length - 1, tl.n_days - 1)
                    covered = np.arange(first, last + 1)
                    covered = covered[scheduled[covered]]
                else:
                    span = open_days[k : k + length]
                    # Working-day leave must run over consecutive days the person works.
                    if len(span) < length or span[-1] - span[0] > length * 2 + 6:
                        continue
                    last = int(span[-1])
                    covered = span
                if occupied[first : last + 1].any():
                    continue
                occupied[first : last + 1] = True
                self._request(p, jenis, first, last, covered, self._lead(jenis), d)

    def _lead(self, jenis: str) -> int:
        """Days between request and the first day (negative: requested afterwards)."""
        rng = self.rng
        if jenis == "CUTI_SAKIT":
            return -int(rng.integers(0, 4))
        if jenis == "IZIN":
            return int(rng.integers(0, 3))
        if jenis in ("CUTI_MELAHIRKAN", "CUTI_BESAR"):
            return int(rng.integers(14, 46))
        return int(rng.integers(1, 15))

    def plan_cltn(self) -> None:
        for p, first, last in self.workforce.cltn:
            requested = first - timedelta(days=int(self.rng.integers(30, 61)))
            decided = requested + timedelta(days=int(self.rng.integers(7, 21)))
            self.requests.append(
                (p, "CLTN", first, last, requested, int(self.rng.integers(8 * 3600, 16 * 3600)),
                 decided, int(self.rng.integers(8 * 3600, 16 * 3600)), "DISETUJUI")
            )  # fmt: skip

    def records(self) -> pd.DataFrame:
        nips = self.workforce.people["nip"].to_numpy()
        rows = []
        # Source ids grow with request time, as a database sequence would.
        order = sorted(
            range(len(self.requests)), key=lambda i: (self.requests[i][4], self.requests[i][5], i)
        )
        for seq, i in enumerate(order, start=1):
            p, jenis, first, last, requested, request_s, decided, decide_s, outcome = self.requests[
                i
            ]
            id_izin = f"IZ{requested:%Y}{seq:07d}"
            base = {
                "id_izin": id_izin, "nip": nips[p], "jenis": jenis,
                "tanggal_mulai": first.isoformat(), "tanggal_selesai": last.isoformat(),
            }  # fmt: skip
            same_day = outcome != "DIAJUKAN" and decided == requested
            if not same_day and self.timeline.contains(requested):
                rows.append({**base, "status": "DIAJUKAN", "_folder": requested,
                             "diperbarui_pada": _timestamp(requested, request_s, self._offset(p, requested))})  # fmt: skip
            if outcome != "DIAJUKAN" and self.timeline.contains(decided):
                rows.append({**base, "status": outcome, "_folder": decided,
                             "diperbarui_pada": _timestamp(decided, decide_s, self._offset(p, decided))})  # fmt: skip
        return pd.DataFrame(rows)


def plan_leave(
    rng, timeline: Timeline, workforce: Workforce, org: Organisation, scheduled: np.ndarray
) -> LeavePlan:
    """Leave over the days each person works (`scheduled`, people x days: the office's working
    days, or a roster unit's staff their days on duty, weekends and holidays included)."""
    planner = _Planner(rng, timeline, workforce, org, scheduled)
    for p, row in enumerate(workforce.people.itertuples(index=False)):
        planner.plan_person(p, row)
    planner.plan_cltn()
    return LeavePlan(planner.records(), planner.approved, planner.skipped)
