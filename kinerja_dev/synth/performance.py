"""SKP results as e-Kinerja delivers them: quarterly (TW1..TW4) and annual (TAHUNAN).

Ratings come from the person's form that quarter, the rater's leniency, the unit's quarter, and
what the rater saw (unexcused absences, lateness), with plenty of noise. Thresholds are set by
quantile so the shares stay realistic whatever the mix: ~9 % of results below expectation, ~4.5 % of
behaviour below expectation. The unit's result (capaian organisasi) is its evaluation unit's, and
in most evaluation units and periods the raters then fit the ratings to the distribution curve
that result sets (kinerja_dev.synth.distribution); the rest breach it. Most unit heads get the
hasil kerja rating their unit's result gives; a few do not. Delivered 5-30 days after
the period; the source computes predikat with the matrix but gets it wrong on ~2 % of rows (a
source bug the pipeline must flag); ~8 % of ratings arrive as words; ~2 % of assessments are
corrected later (same id, later diperbarui_pada, one rating changed), which may take a unit off
the curve again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kinerja.contract.extracts import SKP
from kinerja.rules import predikat_matrix
from kinerja_dev.synth.attendance import AttendancePlan, absence_probability
from kinerja_dev.synth.careers import Workforce, supervisors
from kinerja_dev.synth.distribution import evaluation_units, follow_curve, follow_unit_result
from kinerja_dev.synth.organisation import Organisation
from kinerja_dev.synth.positions import STRUCTURAL
from kinerja_dev.synth.timeline import Timeline
from kinerja_dev.synth.traits import LatentPerformance

# Predikat by (hasil, perilaku) rating code, 1 above / 2 as / 3 below expectation (DOMAIN.md).
# This is the source system's own computation, which the pipeline recomputes from its seed.
# The source system computes predikat with the official matrix: the project's seed.
PREDIKAT_MATRIX = np.array(
    [[predikat_matrix()[(hasil, perilaku)] for perilaku in (1, 2, 3)] for hasil in (1, 2, 3)]
)
HASIL_SHARES = (0.20, 0.10)  # (di atas, di bawah) share of results
PERILAKU_SHARES = (0.25, 0.045)
CAPAIAN = ("ISTIMEWA", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")
CAPAIAN_CUTS = (0.10, 0.88, 0.96, 0.99)  # cumulative shares from the best
CAPAIAN_MISSING = 0.05
WORDS = {
    "1": ("Di Atas Ekspektasi", "DIATAS EKSPEKTASI"),
    "2": ("Sesuai Ekspektasi", "SESUAI EKSPEKTASI"),
    "3": ("Di Bawah Ekspektasi", "Dibawah Ekspektasi"),
}
WORD_SHARE = 0.08
WRONG_PREDIKAT_SHARE = 0.02
CORRECTION_SHARE = 0.02
SERVER_OFFSET = "+07:00"  # e-Kinerja runs on WIB
WORKING_DAYS_PER_QUARTER = 62.0
TYPICAL_LATE_SHARE = 0.15


def predikat(hasil: np.ndarray, perilaku: np.ndarray) -> np.ndarray:
    return PREDIKAT_MATRIX[np.asarray(hasil) - 1, np.asarray(perilaku) - 1]


def _rate(latent: np.ndarray, shares: tuple[float, float]) -> np.ndarray:
    above, below = shares
    hi, lo = np.quantile(latent, [1 - above, below])
    return np.where(latent >= hi, 1, np.where(latent < lo, 3, 2))


@dataclass
class SkpPlan:
    records: pd.DataFrame  # skp columns + _folder
    truth: pd.DataFrame  # per person and period: latent form and the final ratings


@dataclass
class _Period:
    tahun: int
    periode: str
    end: date
    quarters: list[int]  # timeline quarter indexes the period covers


def _periods(timeline: Timeline) -> list[_Period]:
    """Periods whose results can be delivered inside the range (up to 30 days after they end)."""
    out = []
    for qi, q in enumerate(timeline.quarters):
        if q.end < timeline.end and q.end + timedelta(days=30) >= timeline.start:
            out.append(_Period(q.year, q.periode, q.end, [qi]))
            if q.number == 4:
                out.append(_Period(q.year, "TAHUNAN", q.end, [qi - 3, qi - 2, qi - 1, qi]))
    return out


def plan_skp(
    rng: np.random.Generator,
    timeline: Timeline,
    org: Organisation,
    workforce: Workforce,
    latent: LatentPerformance,
    attendance: AttendancePlan,
    heads_rng: np.random.Generator,
) -> SkpPlan:
    """`heads_rng` decides which unit heads get the rating their unit's result gives: a stream of
    its own, so the other ratings and deliveries stay as drawn."""
    totals = attendance.per_quarter(timeline)
    people = workforce.people
    nips = people["nip"].to_numpy(dtype=object)
    hired_on = people["hired_on"].to_numpy(dtype=object)
    n_units, n_quarters = org.n_units, timeline.n_quarters
    capaian = _capaian(rng, latent, n_units, n_quarters)
    evaluation = evaluation_units(org)

    # Quarterly latents for every person and quarter, from what raters saw. Before the range the
    # attendance is unknown to us: use its expectation.
    first_col_quarter = (
        timeline.day_quarter[attendance.columns[0]] if len(attendance.columns) else n_quarters
    )
    before = slice(0, first_col_quarter)
    absent = totals["absent"].copy()
    absent[:, before] = absence_probability(latent.form[:, before]) * WORKING_DAYS_PER_QUARTER
    late_share = totals["late"] / np.maximum(totals["expected"], 1.0)
    late_share[:, before] = TYPICAL_LATE_SHARE
    noise_h = rng.normal(0, 0.75, latent.form.shape)
    noise_b = rng.normal(0, 0.85, latent.form.shape)

    rows = []
    for period in _periods(timeline):
        state = workforce.state_on(min(max(period.end, timeline.start), timeline.end))
        joined_in_time = np.array(
            [h is None or h <= period.end - timedelta(days=30) for h in hired_on]
        )
        who = np.flatnonzero(state.active & joined_in_time)
        if not len(who):
            continue
        unit = state.unit[who]
        qs = period.quarters
        form = latent.form[who][:, qs]
        h = (0.85 * form + latent.leniency[unit][:, None] + 0.3 * latent.unit_shock[unit][:, qs]
             + noise_h[who][:, qs])  # fmt: skip
        b = (0.45 * form + 0.5 * latent.leniency[unit][:, None] + noise_b[who][:, qs]
             - 0.25 * absent[who][:, qs] - 1.5 * late_share[who][:, qs])  # fmt: skip
        h, b = h.mean(axis=1), b.mean(axis=1)
        sup = supervisors(state, org)[who]
        judged_in = evaluation[unit]
        rows.append(
            pd.DataFrame(
                {
                    "person": who,
                    "tahun": period.tahun,
                    "periode": period.periode,
                    "end": period.end,
                    "unit": unit,
                    "evaluation_unit": judged_in,
                    # the head's own result follows the unit's: the curve does not count it
                    "head": np.isin(state.jenis_jabatan[who], STRUCTURAL) & (unit == judged_in),
                    "h": h,
                    "b": b,
                    "form": form.mean(axis=1),
                    "nip_penilai": np.where(sup >= 0, nips[np.maximum(sup, 0)], ""),
                    "capaian": capaian[judged_in, qs[-1]]
                    if period.periode != "TAHUNAN"
                    else _annual(capaian[judged_in][:, qs]),
                }
            )
        )
    if not rows:  # a range too short to see any period delivered
        return SkpPlan(pd.DataFrame(columns=[*SKP.column_names, "_folder"]), pd.DataFrame())
    table = pd.concat(rows, ignore_index=True)
    quarterly = table["periode"] != "TAHUNAN"
    hasil = np.zeros(len(table), dtype=int)
    perilaku = np.zeros(len(table), dtype=int)
    for mask in (quarterly.to_numpy(), ~quarterly.to_numpy()):
        if not mask.any():
            continue
        hasil[mask] = _rate(table.loc[mask, "h"].to_numpy(), HASIL_SHARES)
        perilaku[mask] = _rate(table.loc[mask, "b"].to_numpy(), PERILAKU_SHARES)
    groups = table.groupby(["evaluation_unit", "tahun", "periode"], sort=True).ngroup()
    table["hasil"], table["perilaku"] = follow_curve(
        rng, PREDIKAT_MATRIX, groups.to_numpy(), ~table["head"].to_numpy(),
        table["capaian"].to_numpy(), (table["h"] + table["b"]).to_numpy(), hasil, perilaku,
    )  # fmt: skip
    table["hasil"] = follow_unit_result(
        heads_rng, table["head"].to_numpy(), table["capaian"].to_numpy(), table["hasil"].to_numpy()
    )
    return _deliver(rng, timeline, table, nips)


def _capaian(rng, latent: LatentPerformance, n_units: int, n_quarters: int) -> np.ndarray:
    """The unit's own result per quarter, mostly BAIK; units in a bad quarter rate lower."""
    score = (
        latent.unit_shock
        + 0.5 * latent.leniency[:, None]
        + rng.normal(0, 0.3, (n_units, n_quarters))
    )
    rank = (-score).argsort(axis=None).argsort().reshape(score.shape) / score.size
    category = np.searchsorted(np.array(CAPAIAN_CUTS), rank, side="right")
    out = np.array(CAPAIAN, dtype=object)[category]
    out[rng.random(out.shape) < CAPAIAN_MISSING] = ""
    return out


def _annual(quarters: np.ndarray) -> np.ndarray:
    """The year's unit result: its most frequent quarterly result (latest on ties)."""
    out = []
    for row in quarters:
        known = [c for c in row if c]
        out.append(max(reversed(known), key=known.count) if known else "")
    return np.array(out, dtype=object)


def _as_delivered(rng, codes: np.ndarray) -> np.ndarray:
    out = codes.astype(str).astype(object)
    words = rng.random(len(codes)) < WORD_SHARE
    variant = rng.random(len(codes)) < 0.2
    for i in np.flatnonzero(words):
        out[i] = WORDS[out[i]][int(variant[i])]
    return out


def _deliver(rng, timeline: Timeline, table: pd.DataFrame, nips: np.ndarray) -> SkpPlan:
    n = len(table)
    ends = table["end"].tolist()
    # Raters assess a unit's staff in a batch: a batch day per unit and period, then stragglers.
    batch = {}
    for key in zip(table["unit"], table["tahun"], table["periode"]):
        if key not in batch:
            batch[key] = int(rng.integers(5, 26))
    offset = np.array([batch[k] for k in zip(table["unit"], table["tahun"], table["periode"])])
    offset = np.minimum(offset + rng.integers(0, 6, n), 30)
    assessed = [e + timedelta(days=int(o)) for e, o in zip(ends, offset)]
    updated = [
        a + timedelta(days=int(x)) for a, x in zip(assessed, rng.choice([0, 0, 0, 0, 1, 2], n))
    ]
    ids = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]

    hasil = table["hasil"].to_numpy()
    perilaku = table["perilaku"].to_numpy()
    true_predikat = predikat(hasil, perilaku)
    delivered = true_predikat.copy()
    wrong = rng.random(n) < WRONG_PREDIKAT_SHARE
    shift = rng.choice([-1, 1], n)
    delivered[wrong] = np.clip(true_predikat[wrong] + shift[wrong], 1, 5)
    delivered[wrong & (delivered == true_predikat)] = np.where(
        true_predikat[wrong & (delivered == true_predikat)] == 1, 2, 4
    )

    def version(index, h, b, p, when, seconds):
        return pd.DataFrame(
            {
                "id_penilaian": np.asarray(ids, dtype=object)[index],
                "nip": nips[table["person"].to_numpy()[index]],
                "nip_penilai": table["nip_penilai"].to_numpy()[index],
                "tahun": table["tahun"].to_numpy()[index].astype(str),
                "periode": table["periode"].to_numpy()[index],
                "rating_hasil_kerja": _as_delivered(rng, h),
                "rating_perilaku_kerja": _as_delivered(rng, b),
                "predikat": p.astype(str),
                "capaian_organisasi": table["capaian"].to_numpy()[index],
                "tanggal_penilaian": [assessed[i].isoformat() for i in index],
                "diperbarui_pada": [
                    f"{w.isoformat()}T{_hms(s)}{SERVER_OFFSET}" for w, s in zip(when, seconds)
                ],
                "_folder": when,
            }
        )

    everyone = np.arange(n)
    first = version(everyone, hasil, perilaku, delivered,
                    updated, rng.integers(8 * 3600, 18 * 3600, n))  # fmt: skip

    # Corrections after an objection (keberatan): mostly upward, one rating changes.
    fixed = np.flatnonzero(rng.random(n) < CORRECTION_SHARE)
    h2, b2 = hasil[fixed].copy(), perilaku[fixed].copy()
    step = np.where(rng.random(len(fixed)) < 0.7, -1, 1)  # lower code = better rating
    on_hasil = rng.random(len(fixed)) < 0.5
    h2 = np.where(on_hasil, np.clip(h2 + step, 1, 3), h2)
    b2 = np.where(on_hasil, b2, np.clip(b2 + step, 1, 3))
    later = [
        updated[i] + timedelta(days=int(x)) for i, x in zip(fixed, rng.integers(7, 61, len(fixed)))
    ]
    second = version(
        fixed, h2, b2, predikat(h2, b2), later, rng.integers(8 * 3600, 18 * 3600, len(fixed))
    )

    final_h, final_b = hasil.copy(), perilaku.copy()
    corrected_in_range = np.array([timeline.contains(d) for d in later], dtype=bool)
    final_h[fixed[corrected_in_range]] = h2[corrected_in_range]
    final_b[fixed[corrected_in_range]] = b2[corrected_in_range]

    records = pd.concat([first, second], ignore_index=True)
    in_range = np.array([timeline.contains(d) for d in records["_folder"]], dtype=bool)
    records = records.loc[in_range].reset_index(drop=True)
    truth = pd.DataFrame(
        {
            "nip": nips[table["person"].to_numpy()],
            "tahun": table["tahun"].to_numpy(),
            "periode": table["periode"].to_numpy(),
            "bentuk_laten": table["form"].round(4).to_numpy(),
            "rating_hasil_kerja": final_h,
            "rating_perilaku_kerja": final_b,
            "predikat": predikat(final_h, final_b),
            "predikat_dikirim_salah": wrong,
            "dikirim": [timeline.contains(d) for d in updated],
        }
    )
    return SkpPlan(records, truth)


def _hms(seconds: int) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
