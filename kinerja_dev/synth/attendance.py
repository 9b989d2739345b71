"""Who is at work on each working day, and when they arrive and leave (local time).

Working time per Perpres 21/2023 as the agency applies it: 07:30-16:00 Monday to Thursday,
07:30-16:30 Friday. Lateness, early leaving and unexcused absence follow the person's form that
quarter (diligence plus a swing); lateness also follows commute, which says nothing about
performance. Matrices are (people, days planned): the office working days, and the days staff
of roster units are on duty (weekends and holidays too: kinerja_dev.synth.roster). Staff of a
roster unit are expected on their days on duty only, the others on working days only; a roster
shift's times are the planned office-day times moved by the shift (PunchFactory).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kinerja_dev.synth.careers import Workforce
from kinerja_dev.synth.leave import LeavePlan
from kinerja_dev.synth.timeline import Timeline
from kinerja_dev.synth.traits import LatentPerformance, sigmoid

if TYPE_CHECKING:  # roster.py reads this module's working hours
    from kinerja_dev.synth.roster import Duty

WORK_START = 7 * 3600 + 30 * 60
WORK_END_MON_THU = 16 * 3600
WORK_END_FRI = 16 * 3600 + 30 * 60
EARLIEST_ARRIVAL = 6 * 3600
LATEST_DEPARTURE = 21 * 3600 + 30 * 60

BOTH_PUNCHES, ARRIVAL_ONLY, DEPARTURE_ONLY = 0, 1, 2


@dataclass
class AttendancePlan:
    columns: np.ndarray  # day index of each planned day (column)
    expected: np.ndarray  # on the roll, AKTIF and not on approved leave
    absent: np.ndarray  # expected but away without valid reason: no punches
    arrival: np.ndarray  # local seconds since midnight
    departure: np.ndarray
    pattern: np.ndarray  # BOTH_PUNCHES, ARRIVAL_ONLY (forgot to punch out), DEPARTURE_ONLY

    @property
    def present(self) -> np.ndarray:
        return self.expected & ~self.absent

    def per_quarter(self, timeline: Timeline) -> dict[str, np.ndarray]:
        """(people, quarters) totals: expected, absent, late and early days."""
        onehot = np.zeros((len(self.columns), timeline.n_quarters))
        onehot[np.arange(len(self.columns)), timeline.day_quarter[self.columns]] = 1.0
        present = self.present
        has_arrival = present & (self.pattern != DEPARTURE_ONLY)
        late = has_arrival & (self.arrival > WORK_START)
        end = np.where(timeline.weekday[self.columns] == 4, WORK_END_FRI, WORK_END_MON_THU)
        early = present & (self.pattern != ARRIVAL_ONLY) & (self.departure < end[None, :])
        return {
            "expected": self.expected.astype(float) @ onehot,
            "absent": self.absent.astype(float) @ onehot,
            "late": late.astype(float) @ onehot,
            "early": early.astype(float) @ onehot,
        }


def absence_probability(form: np.ndarray) -> np.ndarray:
    """Daily chance of staying away without valid reason: ~0.2 % at average form, ~2 % two sd
    below (enough to reach PP 94 sanctions), almost nil for the diligent."""
    return sigmoid(-6.3 - 1.3 * form)


def plan_attendance(
    rng: np.random.Generator,
    timeline: Timeline,
    workforce: Workforce,
    leave: LeavePlan,
    latent: LatentPerformance,
    duty: Duty,
) -> AttendancePlan:
    cols = np.flatnonzero(timeline.working | duty.on_duty.any(axis=0))
    shape = (workforce.n_people, len(cols))
    form = latent.form[:, timeline.day_quarter[cols]]
    commute = workforce.people["commute"].to_numpy()[:, None]

    scheduled = duty.scheduled(timeline)[:, cols]
    expected = scheduled & workforce.active_by_day[:, cols] & ~leave.approved[:, cols]
    absent = expected & ((rng.random(shape) < absence_probability(form)) | leave.skipped[:, cols])

    late = rng.random(shape) < sigmoid(-1.8 - 0.8 * form + 0.5 * commute)
    late_by = np.minimum(60 * rng.lognormal(np.log(9.0), 0.9, shape), 4 * 3600)
    # Wrapped rather than clipped: a clip would pile punches up on one exact second.
    early_by = rng.exponential(15 * 60, shape) % (WORK_START - EARLIEST_ARRIVAL)
    arrival = np.where(late, WORK_START + 1 + late_by, WORK_START - early_by).astype(np.int32)

    end = np.where(timeline.weekday[cols] == 4, WORK_END_FRI, WORK_END_MON_THU)[None, :]
    leaves_early = rng.random(shape) < sigmoid(-3.0 - 0.7 * form)
    early_leave_by = 60 * rng.lognormal(np.log(25.0), 0.7, shape)
    overtime = rng.exponential(25 * 60, shape)
    departure = np.where(leaves_early, end - early_leave_by, end + overtime)
    departure = np.clip(departure, arrival + 3600, LATEST_DEPARTURE).astype(np.int32)

    r = rng.random(shape)
    pattern = np.where(r < 0.025, ARRIVAL_ONLY, np.where(r < 0.035, DEPARTURE_ONLY, BOTH_PUNCHES))
    return AttendancePlan(cols, expected, absent, arrival, departure, pattern.astype(np.int8))
