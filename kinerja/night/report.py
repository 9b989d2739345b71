"""A per-night report under KINERJA_HOME/runs/: what each step did, for people and for `kinerja run`.

Airflow keeps the same summaries as XComs; this file is the copy that outlives the metadata DB
and that the CLI can read without importing Airflow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kinerja.night.results import (
    BiSnapshotResult,
    LoadResult,
    MartsResult,
    PublishResult,
    RetentionResult,
    StepResult,
    TrainResult,
    ValidateResult,
)
from kinerja.retention import REPORTS, Purged
from kinerja.settings import Settings

# The report's key for each step's result.
STEPS: dict[str, type[StepResult]] = {
    "load": LoadResult,
    "validate": ValidateResult,
    "validate_marts": MartsResult,
    "train": TrainResult,
    "publish": PublishResult,
    "bi_snapshot": BiSnapshotResult,
    "retention": RetentionResult,
}


@dataclass(frozen=True)
class NightReport:
    """The steps that ran (None: not run, e.g. after an earlier step stopped the night)."""

    load: LoadResult | None = None
    validate: ValidateResult | None = None
    validate_marts: MartsResult | None = None
    train: TrainResult | None = None
    publish: PublishResult | None = None
    bi_snapshot: BiSnapshotResult | None = None
    retention: RetentionResult | None = None


def report_path(settings: Settings, as_of: date) -> Path:
    return settings.home_dir / "runs" / f"{as_of.isoformat()}.json"


def record_step(settings: Settings, as_of: date, step: str, result: StepResult) -> None:
    if not isinstance(result, STEPS[step]):
        raise TypeError(f"step {step!r} records a {STEPS[step].__name__}, not {result!r}")
    path = report_path(settings, as_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    report = _read_json(path)
    report[step] = result.to_json()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, sort_keys=True))
    tmp.replace(path)


def read_report(settings: Settings, as_of: date) -> NightReport:
    raw = _read_json(report_path(settings, as_of))
    return NightReport(**{step: STEPS[step].from_json(raw[step]) for step in STEPS if step in raw})


def clear_report(settings: Settings, as_of: date) -> None:
    report_path(settings, as_of).unlink(missing_ok=True)


def purge_reports(settings: Settings, before: date | None) -> Purged:
    """Remove the files of nights before `before` (report, Airflow log, task events), which all
    start with the night's date."""
    runs = settings.home_dir / "runs"
    if before is None or not runs.is_dir():
        return Purged(REPORTS, str(runs), before)
    old = [
        p for p in runs.iterdir() if (night := _night(p.name)) and night < before and p.is_file()
    ]
    for path in old:
        path.unlink()
    return Purged(REPORTS, str(runs), before, files=len(old))


def _night(name: str) -> date | None:
    try:
        return date.fromisoformat(name[:10])
    except ValueError:
        return None


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}
