"""Competency development (pelatihan), delivered 1-20 days after each training ends.

PNS must reach 20 JP a year; diligent people train more, so most reach it and some do not. PPPK
get at most 24 JP a year. New CPNS attend the basic training (Pelatihan Dasar CPNS).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from kinerja_dev.synth import reference as ref
from kinerja_dev.synth.careers import Workforce
from kinerja_dev.synth.timeline import Timeline

JP_CHOICES = np.array([2, 3, 4, 8, 12, 16, 20, 24, 32, 40])
JP_P = np.array([0.10, 0.08, 0.14, 0.20, 0.12, 0.12, 0.08, 0.07, 0.05, 0.04])
PPPK_JP_CAP = 24


def plan_training(
    rng: np.random.Generator, timeline: Timeline, workforce: Workforce
) -> pd.DataFrame:
    people = workforce.people
    nips = people["nip"].to_numpy(dtype=object)
    diligence = people["diligence"].to_numpy()
    status = people["init_status"].to_numpy(dtype=object)
    active = workforce.active_by_day
    rows = []
    for p in range(workforce.n_people):
        for year in range(timeline.start.year, timeline.end.year + 1):
            lo = max(0, timeline.index(date(year, 1, 1)))
            hi = min(timeline.n_days, timeline.index(date(year + 1, 1, 1)))
            days = np.flatnonzero(active[p, lo:hi] & timeline.working[lo:hi]) + lo
            if len(days) < 10:
                continue
            share = (hi - lo) / 365.0
            pppk = status[p] == "PPPK"
            rate = (1.6 if pppk else 2.6) * np.exp(0.45 * diligence[p]) * share
            jp_total = 0
            planned = []
            if status[p] == "CPNS" and (people.at[p, "hired_on"] or timeline.start).year == year:
                planned.append((ref.PELATIHAN_DASAR_CPNS, "KLASIKAL", 40))
            for _ in range(int(rng.poisson(rate))):
                klasikal = rng.random() < 0.45
                names = ref.PELATIHAN_KLASIKAL if klasikal else ref.PELATIHAN_NONKLASIKAL
                planned.append((names[int(rng.integers(len(names)))], "KLASIKAL" if klasikal else "NONKLASIKAL",
                                int(rng.choice(JP_CHOICES, p=JP_P))))  # fmt: skip
            for name, jenis, jp in planned:
                if pppk and jp_total + jp > PPPK_JP_CAP:
                    continue
                jp_total += jp
                first = timeline.days[int(days[int(rng.integers(len(days)))])]
                if jenis == "KLASIKAL":
                    span = max(1, int(np.ceil(jp / 8)))  # about 8 JP a day in class
                else:
                    span = int(rng.integers(1, 31))
                last = first + timedelta(days=span - 1)
                delivered = last + timedelta(days=int(rng.integers(1, 21)))
                if timeline.contains(delivered):
                    rows.append((nips[p], name, jenis, first, last, jp, delivered))
    frame = pd.DataFrame(
        rows, columns=["nip", "nama_pelatihan", "jenis", "first", "last", "jp", "_folder"]
    )
    frame = frame.sort_values(["_folder", "first", "nip"], kind="stable").reset_index(drop=True)
    frame["id_pelatihan"] = [f"PLT{d:%Y}{i + 1:06d}" for i, d in enumerate(frame["first"])]
    frame["tanggal_mulai"] = [d.isoformat() for d in frame["first"]]
    frame["tanggal_selesai"] = [d.isoformat() for d in frame["last"]]
    frame["jp"] = frame["jp"].astype(str)
    return frame.drop(columns=["first", "last"])
