"""A per-night report under KINERJA_HOME/runs/: what each step did, for people and for `kinerja run`.

Airflow keeps the same summaries as XComs; this file is the copy that outlives the metadata DB
and that the CLI can read without importing Airflow.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from kinerja.settings import Settings


def report_path(settings: Settings, as_of: date) -> Path:
    return settings.home_dir / "runs" / f"{as_of.isoformat()}.json"


def record_step(settings: Settings, as_of: date, step: str, summary: dict) -> None:
    path = report_path(settings, as_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    report = read_report(settings, as_of)
    report[step] = summary
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, sort_keys=True))
    tmp.replace(path)


def read_report(settings: Settings, as_of: date) -> dict:
    path = report_path(settings, as_of)
    return json.loads(path.read_text()) if path.exists() else {}


def clear_report(settings: Settings, as_of: date) -> None:
    report_path(settings, as_of).unlink(missing_ok=True)
