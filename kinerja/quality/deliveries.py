"""Great Expectations at dataset level: is tonight's delivery of each extract plausible as a whole?

Row-level contract checks happen in the loader (a broken row is quarantined). What they cannot
see is a delivery that is well-formed but wrong as a whole: half the punches missing, a feed that
stopped arriving, a batch where a large share of rows had to be quarantined. Three checks, one
row per loaded batch, validated by one GX suite so the results land in the Data Docs with the
others:

- row count, for an extract whose deliveries are steady in size (the contract's
  `steady_volume`), against the trailing median of the last 7 deliveries of that
  extract on the same kind of day (working day or not: a Saturday with no punches is normal, a
  Tuesday is not), once that median is large enough to mean something. A working day is the
  agency's: a day on which at least one of its units' calendars works
  (kinerja.calendar.AgencyCalendar, the rule of the dbt seeds), so a six-day unit's Saturday is a
  working day; the units' calendars are last night's dim_unit_kerja, or before the first build
  every calendar the seeds name;
- freshness: days since that extract last delivered anything;
- quarantined share of the rows delivered.

Each check is a warning or a stop by configuration (`KINERJA_DQ_STOP_ON`). The result of every
batch is written to `raw.load_audit` (quality_status, quality_details), so operators and BI tools
see it beside the load figures.
"""

from __future__ import annotations

import json
import statistics
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import great_expectations as gx
import pandas as pd

from kinerja.calendar import AgencyCalendar, Kalender, seed_calendars
from kinerja.contract import EXTRACTS
from kinerja.quality.context import quality_context
from kinerja.settings import Settings
from kinerja.warehouse import Warehouse, connect

SUITE_NAME = "deliveries"
TRAILING_DELIVERIES = 7
MIN_HISTORY = 3  # fewer comparable deliveries than this and the row count is not judged

PASSED, WARNING, FAILED = "PASSED", "WARNING", "FAILED"

# check name -> the metric column its expectation reads
CHECKS = {
    "row_count": "row_count_ratio",
    "freshness": "days_since_delivery",
    "quarantine_share": "quarantine_share",
}


@dataclass(frozen=True)
class Breach:
    check: str
    extract: str
    batch_id: str
    value: float
    limit: str
    stops: bool

    def describe(self) -> str:
        level = "stop" if self.stops else "warning"
        return (
            f"[{level}] {self.extract} batch {self.batch_id}: {self.check} = {self.value:.3g} "
            f"outside {self.limit}"
        )


@dataclass
class DeliveryChecks:
    metrics: pd.DataFrame  # one row per batch checked
    breaches: list[Breach] = field(default_factory=list)
    data_docs_page: str | None = None

    @property
    def stops(self) -> list[Breach]:
        return [b for b in self.breaches if b.stops]

    @property
    def warnings(self) -> list[Breach]:
        return [b for b in self.breaches if not b.stops]


def build_delivery_suite(settings: Settings) -> gx.ExpectationSuite:
    limits = {
        "row_count": {
            "min_value": settings.dq_row_count_min_ratio,
            "max_value": settings.dq_row_count_max_ratio,
        },
        "freshness": {"min_value": 0, "max_value": settings.dq_freshness_max_days},
        "quarantine_share": {"min_value": 0.0, "max_value": settings.dq_quarantine_share_max},
    }
    expectations = []
    for check, column in CHECKS.items():
        stops = check in settings.dq_stop_on
        expectations.append(
            gx.expectations.ExpectColumnValuesToBeBetween(
                column=column,
                **limits[check],
                severity="critical" if stops else "warning",
                meta={"check": check},
            )
        )
    return gx.ExpectationSuite(name=SUITE_NAME, expectations=expectations)


def _audit_history(wh: Warehouse, extracts: Iterable[str]) -> pd.DataFrame:
    """Every loaded delivery of these extracts, the newest load per extraction date."""
    frame = wh.query_df(
        "select extract, extraction_date, batch_id, rows_delivered, rows_quarantined, loaded_at "
        "from raw.load_audit where status = 'LOADED'"
    )
    frame = frame[frame["extract"].isin(list(extracts))].copy()
    frame["extraction_date"] = pd.to_datetime(frame["extraction_date"]).dt.date
    frame = frame.sort_values("loaded_at").drop_duplicates(
        ["extract", "extraction_date"], keep="last"
    )
    return frame.sort_values(["extract", "extraction_date"]).reset_index(drop=True)


def agency_calendar(wh: Warehouse) -> AgencyCalendar:
    """The calendars the agency's units work: each unit's pattern and region as dbt resolved
    them (marts.dim_unit_kerja, inherited down the tree), or, before dbt built it, every
    calendar the seeds name."""
    if {"pola_kerja", "kode_wilayah"} <= set(wh.table_columns("marts", "dim_unit_kerja")):
        units = wh.query_df(
            "select distinct pola_kerja, kode_wilayah from marts.dim_unit_kerja "
            "where pola_kerja is not null and kode_wilayah is not null"
        )
        if not units.empty:
            return AgencyCalendar(
                frozenset(Kalender(r.pola_kerja, r.kode_wilayah) for r in units.itertuples())
            )
    return AgencyCalendar(seed_calendars())


def _trailing_medians(
    own: pd.DataFrame, minimum: int, calendar: AgencyCalendar
) -> dict[date, float | None]:
    """Per extraction date of one extract's history (sorted by date), the median of the last
    deliveries before it on the same kind of day (working or not): one pass, so a catch-up of
    years costs its days, not their square."""
    recent: dict[bool, deque[int]] = {
        working: deque(maxlen=TRAILING_DELIVERIES) for working in (True, False)
    }
    medians: dict[date, float | None] = {}
    for day, delivered in zip(own["extraction_date"], own["rows_delivered"], strict=True):
        window = recent[calendar.is_working_day(day)]
        median = float(statistics.median(window)) if len(window) >= MIN_HISTORY else None
        medians[day] = median if median is not None and median >= minimum else None
        window.append(int(delivered))
    return medians


def delivery_metrics(
    wh: Warehouse, as_of: date, batches: Mapping[str, Iterable[str]], min_median: int = 0
) -> pd.DataFrame:
    """One row per batch loaded tonight with the three metrics the suite judges."""
    wanted = {extract: set(ids) for extract, ids in batches.items()}
    history = _audit_history(wh, wanted)
    calendar = agency_calendar(wh)
    rows = []
    for extract, ids in wanted.items():
        own = history[history["extract"] == extract]
        last_delivery = own["extraction_date"].max() if not own.empty else None
        steady = EXTRACTS[extract].steady_volume
        medians = _trailing_medians(own, min_median, calendar) if steady else {}
        for record in own[own["batch_id"].isin(ids)].itertuples(index=False):
            median = medians.get(record.extraction_date)
            delivered = int(record.rows_delivered)
            rows.append(
                {
                    "extract": extract,
                    "batch_id": record.batch_id,
                    "extraction_date": record.extraction_date,
                    "rows_delivered": delivered,
                    "trailing_median": median,
                    "row_count_ratio": delivered / median if median else None,
                    "days_since_delivery": (as_of - last_delivery).days
                    if record.extraction_date == last_delivery
                    else None,
                    "quarantine_share": int(record.rows_quarantined) / delivered
                    if delivered
                    else 0.0,
                }
            )
    columns = [
        "extract",
        "batch_id",
        "extraction_date",
        "rows_delivered",
        "trailing_median",
        *CHECKS.values(),
    ]
    return pd.DataFrame(rows, columns=columns)


def _freshness_rows(wh: Warehouse, as_of: date, extracts: Iterable[str]) -> pd.DataFrame:
    """Extracts that delivered nothing tonight are still judged on freshness."""
    history = _audit_history(wh, extracts)
    rows = [
        {
            "extract": extract,
            "batch_id": f"{extract}-no-delivery-{as_of:%Y%m%d}",
            "extraction_date": None,
            "rows_delivered": 0,
            "trailing_median": None,
            "row_count_ratio": None,
            "days_since_delivery": (as_of - own["extraction_date"].max()).days
            if not own.empty
            else None,
            "quarantine_share": None,
        }
        for extract in extracts
        for own in [history[history["extract"] == extract]]
    ]
    return pd.DataFrame(rows)


def check_deliveries(
    settings: Settings,
    as_of: date,
    batches: Mapping[str, Iterable[str]],
    all_extracts: Iterable[str] = (),
) -> DeliveryChecks:
    """Judge tonight's batches, record each batch's result in raw.load_audit, return breaches."""
    with connect(settings) as wh:
        metrics = delivery_metrics(wh, as_of, batches, settings.dq_row_count_min_median)
        silent = [e for e in all_extracts if not list(batches.get(e, []))]
        if silent:
            metrics = pd.concat([metrics, _freshness_rows(wh, as_of, silent)], ignore_index=True)
    checks = DeliveryChecks(metrics=metrics)
    if metrics.empty:
        return checks
    quality = quality_context(settings)
    result = quality.dataset_checkpoint(
        SUITE_NAME, build_delivery_suite(settings), index_columns=["batch_id"]
    ).run(batch_parameters={"dataframe": metrics})
    for suite_result in result.run_results.values():
        for r in suite_result.results:
            if r.success:
                continue
            check = r.expectation_config.meta["check"]
            kwargs = r.expectation_config.kwargs
            limit = f"[{kwargs.get('min_value')}, {kwargs.get('max_value')}]"
            for index in (r.result or {}).get("unexpected_index_list") or []:
                batch_id = index["batch_id"]
                match = metrics[metrics["batch_id"] == batch_id].iloc[0]
                checks.breaches.append(
                    Breach(
                        check=check,
                        extract=str(match["extract"]),
                        batch_id=str(batch_id),
                        value=float(match[CHECKS[check]]),
                        limit=limit,
                        stops=check in settings.dq_stop_on,
                    )
                )
        pages = quality.context.get_docs_sites_urls(resource_identifier=None)
        checks.data_docs_page = pages[0]["site_url"] if pages else None
    _record(settings, checks)
    return checks


def _record(settings: Settings, checks: DeliveryChecks) -> None:
    by_batch: dict[str, list[Breach]] = {}
    for breach in checks.breaches:
        by_batch.setdefault(breach.batch_id, []).append(breach)
    with connect(settings) as wh, wh.transaction():
        for row in checks.metrics.itertuples(index=False):
            breaches = by_batch.get(row.batch_id, [])
            status = FAILED if any(b.stops for b in breaches) else WARNING if breaches else PASSED
            details = {
                "rows_delivered": int(row.rows_delivered),
                "trailing_median": _plain(row.trailing_median),
                **{name: _plain(getattr(row, column)) for name, column in CHECKS.items()},
                "breaches": [b.describe() for b in breaches],
            }
            wh.execute(
                "update raw.load_audit set quality_status = :status, quality_details = :details "
                "where batch_id = :batch_id and status = 'LOADED'",
                {"status": status, "details": json.dumps(details), "batch_id": row.batch_id},
            )


def _plain(value):
    return None if value is None or pd.isna(value) else float(value)
