"""The nightly job's steps, one function per DAG task. The DAG only wires these together.

Each step is keyed by the night's data interval (`as_of`, the extraction date in Asia/Jakarta)
and replaces what it wrote for that date, so reruns and backfills need no special path. Each
returns a typed result (kinerja.night.results): Airflow keeps its JSON as the task's XCom, the
night's report keeps it for `kinerja run`. `as_of` arrives the same way for every step, as an
argument the DAG derives from the run's data interval.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date

from kinerja.night.report import record_step
from kinerja.night.results import (
    BiSnapshotResult,
    LoadResult,
    MartsResult,
    PublishResult,
    RetentionResult,
    TrainResult,
    ValidateResult,
    jsonable,
)
from kinerja.settings import Settings, get_settings

log = logging.getLogger(__name__)


class NightFailed(RuntimeError):
    """A step found something that must stop the night; the message says what and where."""


def load_extracts(as_of: date, settings: Settings | None = None) -> LoadResult:
    """Tonight's deliveries (and earlier dates never loaded) into the raw layer, one atomic batch
    per extract and date; rows breaking a row rule go to raw.quarantine, every batch to
    raw.load_audit."""
    from kinerja.load import load_night

    settings = (settings or get_settings()).as_service("loader")
    night = load_night(settings, as_of)
    summary = LoadResult(
        rows_loaded=night.rows_loaded(),
        batches=night.loaded_batches(),
        unchanged=sum(o.status == "UNCHANGED" for o in night.outcomes),
        rejected=[o.message for o in night.rejected],
        waiting=[o.message for o in night.waiting],
        not_read=[f"{f.path}: {f.rule}: {f.reason}" for f in night.findings],
    )
    record_step(settings, as_of, "load", summary)
    if night.rejected or night.findings:
        # Other extracts are loaded already; the night stops so nobody reads a half-delivered day.
        problems = summary.rejected + summary.not_read
        raise NightFailed(
            f"{len(problems)} delivery problem(s), not loaded:\n" + "\n".join(problems)
        )
    return summary


def validate_extracts(
    as_of: date, loaded: LoadResult, settings: Settings | None = None
) -> ValidateResult:
    """The contract suites on tonight's loaded rows, then the dataset-level delivery checks."""
    from kinerja.contract import EXTRACTS
    from kinerja.quality import ValidationFailed, raise_for_critical, validate_night
    from kinerja.quality.deliveries import check_deliveries

    settings = (settings or get_settings()).as_service("loader")
    outcomes = validate_night(settings, loaded.batches)
    deliveries = check_deliveries(settings, as_of, loaded.batches, list(EXTRACTS))
    summary = ValidateResult(
        validations=len(outcomes),
        passed=sum(o.success for o in outcomes),
        failed=[o.message for o in outcomes if not o.success],
        delivery_checks=len(deliveries.metrics),
        delivery_warnings=[b.describe() for b in deliveries.warnings],
        delivery_stops=[b.describe() for b in deliveries.stops],
    )
    record_step(settings, as_of, "validate", summary)
    try:
        raise_for_critical(outcomes)
    except ValidationFailed as exc:
        # Bad data stays bad on a retry: fail the night at once, naming what failed.
        raise NightFailed(str(exc)) from exc
    if deliveries.stops:
        raise NightFailed(
            "tonight's deliveries failed dataset-level checks (see raw.load_audit.quality_details):\n"
            + "\n".join(summary.delivery_stops)
        )
    return summary


def validate_marts(as_of: date, settings: Settings | None = None) -> MartsResult:
    """The cross-mart invariants after dbt; a breach stops the night before training."""
    from kinerja.quality.marts import check_marts

    settings = (settings or get_settings()).as_service("transformer")
    checks = check_marts(settings)
    summary = MartsResult(checked=checks.checked, breaches=[b.describe() for b in checks.breaches])
    record_step(settings, as_of, "validate_marts", summary)
    if not checks.success:
        shown = summary.breaches[:20]
        more = len(summary.breaches) - len(shown)
        raise NightFailed(
            f"the marts break {len(summary.breaches)} invariant(s):\n"
            + "\n".join(shown)
            + (f"\n... and {more} more" if more > 0 else "")
        )
    return summary


def train_model(as_of: date, settings: Settings | None = None) -> TrainResult:
    """On its cadence, train the risk model on the point-in-time features, audit its fairness and
    register it in MLflow; it becomes champion only when fair and better."""
    from ml.train import train_and_register

    settings = (settings or get_settings()).as_service("ml")
    summary = TrainResult.from_json(jsonable(asdict(train_and_register(settings, as_of))))
    record_step(settings, as_of, "train", summary)
    return summary


def score_and_publish(as_of: date, settings: Settings | None = None) -> PublishResult:
    """Score every active employee with the champion (probability, band, three reasons) and
    publish the scores to marts.skor_kinerja and the outbox, with each feature's drift."""
    from kinerja.publish import publish_scores
    from ml.score import score_active_employees

    settings = (settings or get_settings()).as_service("ml")
    scoring = score_active_employees(settings, as_of)
    if scoring.skipped:
        summary = PublishResult(skipped=True, reason=scoring.reason, rows_published=0)
        record_step(settings, as_of, "publish", summary)
        return summary
    published = publish_scores(settings, scoring, as_of)
    summary = PublishResult(
        skipped=False,
        model_name=scoring.model_name,
        model_version=str(scoring.model_version),
        rows_published=published.rows_warehouse,
        rows_outbox=published.rows_outbox,
        outbox=str(published.outbox_path),
        drifted_features=list(scoring.drifted_features),
    )
    record_step(settings, as_of, "publish", summary)
    return summary


def publish_bi_snapshot(as_of: date, settings: Settings | None = None) -> BiSnapshotResult:
    """On DuckDB, the BI marts into the snapshot file BI tools read (KINERJA_BI_SNAPSHOT), swapped
    in whole; on PostgreSQL nothing to do, and the result says why."""
    from kinerja.publish.bi_snapshot import SnapshotRefused, write_bi_snapshot

    settings = settings or get_settings()
    try:
        snapshot = write_bi_snapshot(settings, as_of)
    except SnapshotRefused as exc:
        # A restricted column on its way to BI stays a breach on a retry.
        raise NightFailed(str(exc)) from exc
    summary = BiSnapshotResult.from_json(jsonable(asdict(snapshot)))
    log.info(
        "BI snapshot: %s",
        summary.reason
        if summary.skipped
        else f"{len(summary.rows)} marts, {sum(summary.rows.values()):,} rows, "
        f"{summary.bytes:,} bytes in {summary.seconds:.1f} s: {summary.path}",
    )
    record_step(settings, as_of, "bi_snapshot", summary)
    return summary


def apply_retention(as_of: date, settings: Settings | None = None) -> RetentionResult:
    """Purge what is older than its retention period (KINERJA_RETENTION_*), last in the night so
    that nothing the night still reads goes; every purge is recorded in raw.retention_log."""
    from kinerja.load.retention import purge_warehouse, record_purges
    from kinerja.night.report import purge_reports
    from kinerja.publish.outbox import purge_outbox
    from kinerja.quality.retention import purge_validation_pages
    from kinerja.retention import cutoffs

    settings = (settings or get_settings()).as_service("loader")
    limits = cutoffs(settings, as_of)
    files = [
        purge_reports(settings, limits.reports),
        purge_validation_pages(settings, limits.data_docs),
        purge_outbox(settings.outbox_url, limits.outbox),
    ]
    record_purges(settings, as_of, files)
    summary = RetentionResult(purged=[*purge_warehouse(settings, as_of), *files])
    for purge in summary.purged:
        log.info("retention: %s", purge.describe())
    record_step(settings, as_of, "retention", summary)
    return summary
