"""The nightly job's steps, one function per DAG task. The DAG only wires these together.

Each step is keyed by the night's data interval (`as_of`, the extraction date in Asia/Jakarta)
and replaces what it wrote for that date, so reruns and backfills need no special path. Each
returns a small JSON-able summary (Airflow keeps it as the task's XCom; `kinerja run` prints it).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from kinerja.run_report import record_step
from kinerja.settings import Settings, get_settings


class NightFailed(RuntimeError):
    """A step found something that must stop the night; the message says what and where."""


def load_extracts(as_of: date, settings: Settings | None = None) -> dict:
    from kinerja.load import load_night

    settings = settings or get_settings()
    night = load_night(settings, as_of)
    summary = {
        "as_of": as_of.isoformat(),
        "rows_loaded": night.rows_loaded(),
        "batches": night.loaded_batches(),
        "unchanged": sum(o.status == "UNCHANGED" for o in night.outcomes),
        "rejected": [o.message for o in night.rejected],
        "waiting": [o.message for o in night.waiting],
        "not_read": [f"{f.path}: {f.rule}: {f.reason}" for f in night.findings],
    }
    record_step(settings, as_of, "load", summary)
    if night.rejected or night.findings:
        # Other extracts are loaded already; the night stops so nobody reads a half-delivered day.
        problems = summary["rejected"] + summary["not_read"]
        raise NightFailed(
            f"{len(problems)} delivery problem(s), not loaded:\n" + "\n".join(problems)
        )
    return summary


def validate_extracts(load_summary: dict, settings: Settings | None = None) -> dict:
    """The contract suites on tonight's loaded rows, then the dataset-level delivery checks."""
    from kinerja.contract import EXTRACTS
    from kinerja.quality import ValidationFailed, raise_for_critical, validate_night
    from kinerja.quality.deliveries import check_deliveries

    settings = settings or get_settings()
    as_of = date.fromisoformat(load_summary["as_of"])
    outcomes = validate_night(settings, load_summary["batches"])
    deliveries = check_deliveries(settings, as_of, load_summary["batches"], list(EXTRACTS))
    summary = {
        "validations": len(outcomes),
        "passed": sum(o.success for o in outcomes),
        "failed": [o.message for o in outcomes if not o.success],
        "delivery_checks": len(deliveries.metrics),
        "delivery_warnings": [b.describe() for b in deliveries.warnings],
        "delivery_stops": [b.describe() for b in deliveries.stops],
    }
    record_step(settings, as_of, "validate", summary)
    try:
        raise_for_critical(outcomes)
    except ValidationFailed as exc:
        # Bad data stays bad on a retry: fail the night at once, naming what failed.
        raise NightFailed(str(exc)) from exc
    if deliveries.stops:
        raise NightFailed(
            "tonight's deliveries failed dataset-level checks (see raw.load_audit.quality_details):\n"
            + "\n".join(summary["delivery_stops"])
        )
    return summary


def validate_marts(as_of: date, settings: Settings | None = None) -> dict:
    """The cross-mart invariants after dbt; a breach stops the night before training."""
    from kinerja.quality.marts import check_marts

    settings = settings or get_settings()
    checks = check_marts(settings)
    summary = {
        "checked": checks.checked,
        "breaches": [b.describe() for b in checks.breaches],
    }
    record_step(settings, as_of, "validate_marts", summary)
    if not checks.success:
        shown = summary["breaches"][:20]
        more = len(summary["breaches"]) - len(shown)
        raise NightFailed(
            f"the marts break {len(summary['breaches'])} invariant(s):\n"
            + "\n".join(shown)
            + (f"\n... and {more} more" if more > 0 else "")
        )
    return summary


def train_model(as_of: date, settings: Settings | None = None) -> dict:
    from ml.train import train_and_register

    settings = settings or get_settings()
    summary = _jsonable(asdict(train_and_register(settings, as_of)))
    record_step(settings, as_of, "train", summary)
    return summary


def score_and_publish(as_of: date, settings: Settings | None = None) -> dict:
    from kinerja.publish import publish_scores
    from ml.score import score_active_employees

    settings = settings or get_settings()
    scoring = score_active_employees(settings, as_of)
    if scoring.skipped:
        summary = {"skipped": True, "reason": scoring.reason, "rows_published": 0}
        record_step(settings, as_of, "publish", summary)
        return summary
    published = publish_scores(settings, scoring, as_of)
    summary = _jsonable(
        {
            "skipped": False,
            "model_name": scoring.model_name,
            "model_version": scoring.model_version,
            "rows_published": published.rows_warehouse,
            "rows_outbox": published.rows_outbox,
            "outbox": str(published.outbox_path),
            "drifted_features": scoring.drifted_features,
        }
    )
    record_step(settings, as_of, "publish", summary)
    return summary


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)
