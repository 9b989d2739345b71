"""Disciplinary sanctions (hukuman_disiplin), delivered on the decree date.

Mostly PP 94/2021 sanctions for days absent without valid reason, counted per calendar year:
HR reviews attendance monthly and, not always promptly (light cases often never), issues the sanction for the highest level
reached so far. A few sanctions have other reasons, more likely for less diligent people.
Dismissal (28 days or more) is left out: it would end the employment the roll already simulated.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from kinerja_dev.synth import reference as ref
from kinerja_dev.synth.attendance import AttendancePlan
from kinerja_dev.synth.careers import Workforce
from kinerja_dev.synth.timeline import Timeline
from kinerja_dev.synth.traits import sigmoid

# How often HR acts when a review finds a new level: light cases are mostly let go.
REVIEW_PROBABILITY = {"RINGAN": 0.2, "SEDANG": 0.6, "BERAT": 0.8}
THRESHOLDS = np.array([t[0] for t in ref.ABSENCE_SANCTIONS])
ACT_PROBABILITY = np.array([REVIEW_PROBABILITY[t[1]] for t in ref.ABSENCE_SANCTIONS])


def plan_discipline(
    rng: np.random.Generator, timeline: Timeline, workforce: Workforce, attendance: AttendancePlan
) -> pd.DataFrame:
    nips = workforce.people["nip"].to_numpy(dtype=object)
    diligence = workforce.people["diligence"].to_numpy()
    cols = attendance.columns
    col_days = [timeline.days[c] for c in cols]
    rows = []
    years = sorted({d.year for d in col_days})
    for year in years:
        in_year = np.array([d.year == year for d in col_days])
        running = np.cumsum(attendance.absent[:, in_year], axis=1)
        year_days = [d for d, y in zip(col_days, in_year) if y]
        considered = np.full(workforce.n_people, -1)
        # A review at the last working day of each month.
        month_ends = [
            i
            for i in range(len(year_days))
            if i + 1 == len(year_days) or year_days[i + 1].month != year_days[i].month
        ]
        for i in month_ends:
            level = np.searchsorted(THRESHOLDS, running[:, i], side="right") - 1
            # Each newly reached level is weighed once; a level let go is not revisited.
            acts = rng.random(workforce.n_people) < ACT_PROBABILITY[np.maximum(level, 0)]
            due = np.flatnonzero((level > considered) & acts)
            considered = np.maximum(considered, level)
            for p in due:
                _, tingkat, jenis, months = ref.ABSENCE_SANCTIONS[level[p]]
                decree = year_days[i] + timedelta(days=int(rng.integers(7, 31)))
                rows.append(
                    (nips[p], tingkat, jenis, decree, decree + timedelta(days=int(rng.integers(0, 15))), months,
                     f"Tidak masuk kerja tanpa alasan yang sah selama {int(running[p, i])} hari kerja pada tahun {year}")
                )  # fmt: skip
        # Other violations: rare, and rarer for the diligent.
        span = len(year_days)
        for p in np.flatnonzero(
            rng.random(workforce.n_people) < sigmoid(-5.0 - 1.0 * diligence) * span / 245
        ):
            if not workforce.active_by_day[p, cols[in_year]].any():
                continue
            day = year_days[int(rng.integers(span))] + timedelta(days=int(rng.integers(14, 60)))
            heavy = rng.random() < 0.15
            tingkat, jenis, months = (
                ("SEDANG", ref.ABSENCE_SANCTIONS[3][2], 6)
                if heavy
                else ("RINGAN", "Teguran tertulis", None)
            )
            reason = ref.OTHER_VIOLATIONS[int(rng.integers(len(ref.OTHER_VIOLATIONS)))]
            rows.append(
                (
                    nips[p],
                    tingkat,
                    jenis,
                    day,
                    day + timedelta(days=int(rng.integers(0, 15))),
                    months,
                    reason,
                )
            )
    frame = pd.DataFrame(
        rows, columns=["nip", "tingkat", "jenis_hukuman", "sk", "tmt", "masa", "alasan"]
    )
    frame = frame.loc[np.array([timeline.contains(d) for d in frame["sk"]], dtype=bool)]
    frame = frame.sort_values(["sk", "nip"], kind="stable").reset_index(drop=True)
    frame["id_hukdis"] = [f"HD{d:%Y}{i + 1:05d}" for i, d in enumerate(frame["sk"])]
    frame["tanggal_sk"] = [d.isoformat() for d in frame["sk"]]
    frame["tmt_mulai"] = [d.isoformat() for d in frame["tmt"]]
    frame["masa_bulan"] = ["" if m is None or pd.isna(m) else str(int(m)) for m in frame["masa"]]
    frame["_folder"] = frame["sk"]
    return frame.drop(columns=["sk", "tmt", "masa"])
