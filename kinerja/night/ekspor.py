"""The `kinerja_ekspor_siasn` DAG's one task: after a night publishes its scores, point the SIASN
export manifest at that night's outbox folder (kinerja.publish.siasn).

Which night comes from the outbox asset's event (kinerja.night.assets): the events that
triggered the run when the scheduler started it, the newest event of the asset when the run was
started by hand (`airflow dags test`, a manual trigger). Several triggering events (nights that
published while the export waited) name the newest night.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk.exceptions import AirflowSkipException

from kinerja.night.assets import OUTBOX, night_of_event
from kinerja.settings import get_settings


def outbox_events(context: Any) -> tuple[list, bool]:
    """The outbox's events this run is for, and whether they are the ones that triggered it."""
    try:
        triggering = list(context["triggering_asset_events"][OUTBOX])
    except KeyError:
        triggering = []
    if triggering:
        return triggering, True
    return list(context["inlet_events"][OUTBOX].ascending(False).limit(1)), False


def export_to_siasn(context: Any) -> dict[str, Any]:
    # Imported here: kinerja.publish brings pandas, which the DAG's parse does not need.
    from kinerja.publish.siasn import refresh_siasn_export

    events, triggered = outbox_events(context)
    if not events:
        raise AirflowSkipException("no night has published scores to the outbox yet")
    event = max(events, key=night_of_event)
    source = {
        "dag_id": event.source_dag_id,
        "run_id": event.source_run_id,
        "task_id": event.source_task_id,
        "asset": OUTBOX.uri,
        "event_timestamp": event.timestamp.isoformat(),
    }
    export = refresh_siasn_export(get_settings().outbox_url, night_of_event(event), source)
    return {**export.to_json(), "triggered_by_asset": triggered}
