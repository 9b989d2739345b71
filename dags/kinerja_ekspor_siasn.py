"""kinerja_ekspor_siasn: after a night publishes its scores, point the SIASN export manifest
(`<outbox>/ekspor_siasn.json`) at that night's outbox folder, checked against its manifest.

Scheduled on the outbox asset `kinerja://outbox/skor_kinerja` that `kinerja_nightly` emits
(kinerja.night.assets); the night comes from the asset event. Thin on purpose: the task is one
call to kinerja.night.ekspor.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, get_current_context, task

from kinerja.night.assets import OUTBOX
from kinerja.night.dag_config import failure_alerts, reader
from kinerja.night.ekspor import export_to_siasn
from kinerja.settings import get_settings

JAKARTA = pendulum.timezone("Asia/Jakarta")


@dag(
    dag_id="kinerja_ekspor_siasn",
    schedule=[OUTBOX],
    start_date=pendulum.datetime(2024, 1, 1, tz=JAKARTA),
    catchup=False,
    max_active_runs=1,  # one writer of the export manifest
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        # Reads the outbox and writes one small file beside it: no warehouse slot needed.
        **reader(),
        "on_failure_callback": failure_alerts(get_settings()),
    },
    tags=["kinerja"],
    doc_md=__doc__,
)
def kinerja_ekspor_siasn():
    @task(inlets=[OUTBOX])
    def ekspor_siasn() -> dict:
        return export_to_siasn(get_current_context())

    ekspor_siasn()


kinerja_ekspor_siasn()
