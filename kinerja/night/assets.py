"""The Airflow assets the night produces, so other DAGs can be scheduled on them.

| asset (URI) | emitted by | when |
| --- | --- | --- |
| `kinerja://warehouse/marts/bi` | `validate_marts` | every good night: the marts BI reads (not `akses: terbatas`) |
| `kinerja://warehouse/marts/hr` | `validate_marts` | every good night: the restricted marts only HR reads |
| `kinerja://warehouse/marts/skor_kinerja` | `score_and_publish` | the night published scores (table) |
| `kinerja://outbox/skor_kinerja` | `score_and_publish` | the night published scores (outbox folder) |

The marts are announced after `validate_marts`, the last task that checks them: a consumer never
reads marts the night will still reject. The URIs name the data, not where it lives (DuckDB file
or PostgreSQL, local outbox or object store), so a consumer's schedule is the same on every
installation. Each event's `extra` carries the night (`"night": "YYYY-MM-DD"`, the extraction
date) and what a consumer needs to find the data.

The scores go through an alias: a night with no champion model yet scores nothing, and then no
event is emitted, instead of one that would start an export of nothing. The dbt node sensors
emit no assets (kinerja.night.dag_config.dbt_sensor_args): nothing is scheduled on single dbt
tables, and the marts' events come from here.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from airflow.sdk import Asset, AssetAlias

from kinerja.night.results import PublishResult
from kinerja.settings import Settings, get_settings
from kinerja.transform.catalog import MARTS_SCHEMA, relations
from kinerja.transform.manifest import manifest_path

GROUP = "kinerja"

MARTS_BI = Asset(name="kinerja.marts.bi", uri="kinerja://warehouse/marts/bi", group=GROUP)
MARTS_HR = Asset(name="kinerja.marts.hr", uri="kinerja://warehouse/marts/hr", group=GROUP)
SCORES = Asset(
    name="kinerja.marts.skor_kinerja", uri="kinerja://warehouse/marts/skor_kinerja", group=GROUP
)
OUTBOX = Asset(name="kinerja.outbox.skor_kinerja", uri="kinerja://outbox/skor_kinerja", group=GROUP)
SCORES_PUBLISHED = AssetAlias(name="kinerja.skor_terbit", group=GROUP)

MARTS_ASSETS = (MARTS_BI, MARTS_HR)


def mart_groups(settings: Settings) -> dict[str, list[str]]:
    """The marts dbt builds, BI's and HR's (restricted), from the night's parsed manifest. The
    tables the publish step writes into `marts` have an asset of their own (SCORES)."""
    manifest = json.loads(manifest_path(settings).read_text())
    marts = [
        r
        for r in relations(manifest)
        if r.schema == MARTS_SCHEMA and r.materialized != "ephemeral" and not r.written_by_python
    ]
    return {
        "bi": sorted(r.name for r in marts if not r.restricted),
        "hr": sorted(r.name for r in marts if r.restricted),
    }


def announce_marts(outlet_events: Any, as_of: date, settings: Settings | None = None) -> None:
    """The extras of validate_marts' two outlet events (Airflow emits them when it succeeds)."""
    settings = settings or get_settings()
    groups = mart_groups(settings)
    for asset, key in ((MARTS_BI, "bi"), (MARTS_HR, "hr")):
        outlet_events[asset].extra = {
            "night": as_of.isoformat(),
            "target": settings.target,
            "schema": MARTS_SCHEMA,
            "marts": groups[key],
        }


def announce_scores(outlet_events: Any, as_of: date, published: PublishResult) -> None:
    """The scores' events, through the alias, only when the night published scores."""
    if published.skipped:
        return
    night = as_of.isoformat()
    model = {"model_name": published.model_name, "model_version": published.model_version}
    alias = outlet_events[SCORES_PUBLISHED]
    alias.add(SCORES, extra={"night": night, "rows": published.rows_published, **model})
    alias.add(
        OUTBOX,
        extra={"night": night, "folder": published.outbox, "rows": published.rows_outbox, **model},
    )


def night_of_event(event: Any) -> date:
    """The night an event of these assets announces."""
    return date.fromisoformat(event.extra["night"])
