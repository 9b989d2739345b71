"""generate(): a synthetic instansi's nightly source deliveries over a date range.

Order of work: the unit tree, the people and their careers, latent performance, leave, who is
at work when, then SKP, training and sanctions; finally one pass over the days writes each
night's deliveries. Same seed and arguments give byte-identical files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from kinerja_dev.synth.attendance import plan_attendance
from kinerja_dev.synth.careers import simulate_careers
from kinerja_dev.synth.defects import DefectInjector
from kinerja_dev.synth.discipline import plan_discipline
from kinerja_dev.synth.fraud import FRAUD_GROUND_TRUTH, plan_fraud
from kinerja_dev.synth.leave import plan_leave
from kinerja_dev.synth.organisation import build_organisation
from kinerja_dev.synth.people import build_people
from kinerja_dev.synth.performance import plan_skp
from kinerja_dev.synth.presensi import PunchFactory
from kinerja_dev.synth.randomness import Streams
from kinerja_dev.synth.roster import plan_duty, plan_roster, roster_units
from kinerja_dev.synth.snapshots import pegawai_snapshot, unit_kerja_snapshot
from kinerja_dev.synth.timeline import Timeline
from kinerja_dev.synth.training import plan_training
from kinerja_dev.synth.traits import latent_performance
from kinerja_dev.synth.writer import LandingWriter

JAKARTA = ZoneInfo("Asia/Jakarta")
DEFECTS_GROUND_TRUTH = "_ground_truth/defects.jsonl"
INCREMENTAL = ("izin", "skp", "pelatihan", "hukuman_disiplin", "jadwal_shift")


@dataclass
class GenerationSummary:
    landing: Path
    employees: int
    start: date
    end: date
    seed: int
    dates_written: int
    rows_per_extract: dict[str, int]
    files_written: int
    seconds: float
    snapshot_dates: list[date] = field(default_factory=list, repr=False)
    defects: dict[str, int] = field(default_factory=dict)  # injected defects per class
    defects_not_placed: list[str] = field(default_factory=list)  # file classes the range lacked
    fraud: dict[str, int] = field(default_factory=dict)  # planted fraud cases per pola


def default_range(today: date | None = None) -> tuple[date, date]:
    """Yesterday in Jakarta, back to 1 January of the previous calendar year."""
    today = today or datetime.now(JAKARTA).date()
    end = today - timedelta(days=1)
    return date(end.year - 1, 1, 1), end


def _snapshot_dates(
    timeline: Timeline, change_dates: list[date], join_dates: list[date], workforce=None
) -> set[date]:
    """First and last date, every Monday, and whenever the tree changes, people join or someone
    moves to another unit (so every delivered nip and kode_unit is in a snapshot delivered on or
    before its first use, and a punch is never judged against the geofence of a unit its
    employee has already left)."""
    days = {timeline.start, timeline.end}
    if workforce is not None:
        units = workforce.unit_by_day
        moved = ((units[:, 1:] != units[:, :-1]) & (units[:, :-1] >= 0)).any(axis=0)
        days.update(timeline.days[i + 1] for i in np.flatnonzero(moved))
    days.update(d for d in timeline.days if d.weekday() == 0)
    days.update(d for d in (*change_dates, *join_dates) if timeline.contains(d))
    return days


def generate(
    landing: str | Path,
    employees: int = 2000,
    start: date | None = None,
    end: date | None = None,
    seed: int = 42,
    progress: Callable[[int, int], None] | None = None,
    *,
    manifests: bool = True,
    ground_truth: bool = True,
    defects: float = 0.0,
    fraud: float = 0.0,
    shift_units: int = 0,
) -> GenerationSummary:
    """`defects` > 0 injects every defect class at that share of rows (kinerja_dev.synth.defects) and
    writes their ground truth to `<landing>/_ground_truth/defects.jsonl`. `fraud` > 0 plants
    about `fraud * employees` cases of each attendance-fraud and ghost-employee pattern
    (kinerja_dev.synth.fraud) with their ground truth in `<landing>/_ground_truth/fraud.jsonl`; 0 (the
    default here, so existing landings stay byte-identical) plants nothing. `shift_units` units
    deliver a shift roster (extract jadwal_shift, kinerja_dev.synth.roster; their codes are in
    `<landing>/_ground_truth/unit_kerja.csv` as `roster`); 0 (the default, so that existing
    landings stay byte-identical) delivers no roster."""
    began = time.perf_counter()
    end = end or default_range()[1]
    start = start or date(end.year - 1, 1, 1)
    timeline = Timeline(start, end)
    streams = Streams(seed)

    org = build_organisation(streams.rng("organisation"), employees, timeline)
    people = build_people(streams.rng("people"), streams.faker("people"), org, timeline, employees)
    workforce = simulate_careers(streams.rng("careers"), people, org, timeline)
    latent = latent_performance(
        streams.rng("latent"), people["diligence"].to_numpy(), org.n_units, timeline.n_quarters
    )
    shift_roster_units = roster_units(org, shift_units)
    duty = plan_duty(timeline, workforce, shift_roster_units)
    leave = plan_leave(streams.rng("leave"), timeline, workforce, org, duty.scheduled(timeline))
    attendance = plan_attendance(
        streams.rng("attendance"), timeline, workforce, leave, latent, duty
    )
    skp = plan_skp(
        streams.rng("skp"), timeline, org, workforce, latent, attendance, streams.rng("skp_heads")
    )
    incremental = {
        "izin": leave.records,
        "skp": skp.records,
        "pelatihan": plan_training(streams.rng("training"), timeline, workforce),
        "hukuman_disiplin": plan_discipline(
            streams.rng("discipline"), timeline, workforce, attendance
        ),
        "jadwal_shift": plan_roster(timeline, org, workforce, duty),
    }
    by_day = {name: _by_folder(frame) for name, frame in incremental.items()}
    punches = PunchFactory(
        streams.rng("presensi"), timeline, org, workforce, attendance, shift_roster_units
    )
    planted = (
        plan_fraud(
            streams.rng("fraud"), streams.faker("fraud"), fraud, timeline, workforce, leave,
            attendance, punches,
        )
        if fraud > 0
        else None
    )  # fmt: skip
    joins = sorted({d for d in people["hired_on"] if d is not None})
    snapshot_days = _snapshot_dates(timeline, org.change_dates, joins, workforce)

    injector = (
        DefectInjector(streams.rng("defects"), defects, list(timeline.days), manifests)
        if defects > 0
        else None
    )
    writer = LandingWriter(landing, manifests=manifests, defects=injector)
    for extract in ("unit_kerja", "pegawai", "presensi", *INCREMENTAL):
        writer.rows.setdefault(extract, 0)
    for i, day in enumerate(timeline.days):
        if day in snapshot_days:
            writer.write("unit_kerja", day, unit_kerja_snapshot(org, day))
            snapshot = pegawai_snapshot(workforce, org, day)
            writer.write("pegawai", day, planted.pegawai(snapshot) if planted else snapshot)
        frame = punches.for_day(i)
        if planted is not None:
            frame = planted.punches(i, frame)
        if frame is not None:
            writer.write("presensi", day, frame)
        for name in INCREMENTAL:
            if day in by_day[name]:
                writer.write(name, day, by_day[name][day])
        if progress is not None:
            progress(i + 1, timeline.n_days)

    if ground_truth:
        _write_ground_truth(writer, org, workforce, latent, skp.truth, shift_roster_units)
    if injector is not None:
        injector.write_ground_truth(Path(landing) / DEFECTS_GROUND_TRUTH)
    if planted is not None:
        planted.write_ground_truth(Path(landing) / FRAUD_GROUND_TRUTH)
    return GenerationSummary(
        landing=Path(landing),
        employees=employees,
        start=start,
        end=end,
        seed=seed,
        dates_written=len(writer.dates),
        rows_per_extract=dict(writer.rows),
        files_written=writer.files,
        seconds=round(time.perf_counter() - began, 3),
        snapshot_dates=sorted(snapshot_days),
        defects=injector.counts() if injector else {},
        defects_not_placed=injector.missing_file_rules if injector else [],
        fraud=planted.counts() if planted else {},
    )


def _by_folder(frame: pd.DataFrame) -> dict[date, pd.DataFrame]:
    if frame.empty:
        return {}
    return {
        day: group.drop(columns="_folder") for day, group in frame.groupby("_folder", sort=True)
    }


def _write_ground_truth(
    writer: LandingWriter, org, workforce, latent, skp_truth: pd.DataFrame, rostered: list[int]
) -> None:
    people = workforce.people
    writer.write_ground_truth(
        "pegawai",
        pd.DataFrame(
            {
                "nip": people["nip"],
                "diligence": people["diligence"].round(4),
                "commute": people["commute"].round(4),
                "mobile_user": people["mobile_user"],
                "hired_on": [d.isoformat() if d else "" for d in people["hired_on"]],
            }
        ),
    )
    writer.write_ground_truth(
        "unit_kerja",
        pd.DataFrame(
            {
                "kode_unit": org.units["kode_unit"],
                "leniency": latent.leniency.round(4),
                **({"roster": np.isin(np.arange(org.n_units), rostered)} if rostered else {}),
            }
        ),
    )
    writer.write_ground_truth("skp", skp_truth)
