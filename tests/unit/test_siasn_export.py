"""The SIASN export manifest (kinerja.publish.siasn) and the export DAG's choice of night from
the outbox asset's triggering events (kinerja.night.ekspor), on a real outbox folder."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from airflow.sdk.execution_time.comms import AssetEventDagRunReferenceResult
from airflow.sdk.execution_time.context import TriggeringAssetEventsAccessor

from kinerja.night.assets import OUTBOX
from kinerja.night.ekspor import export_to_siasn
from kinerja.publish.outbox import OUTBOX_COLUMNS, write_outbox
from kinerja.publish.siasn import EXPORT_FILE, ExportRefused, refresh_siasn_export

NIGHTS = (date(2025, 10, 30), date(2025, 10, 31))


def _scores(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nip": [f"1990010120150{i:05d}" for i in range(rows)],
            "periode": "2025-TW4",
            "skor": 0.25,
            "band": "RENDAH",
            "alasan": "rasio_terlambat tinggi;\nhari_tanpa_keterangan",  # a line break in a field
            "model_name": "kinerja_risiko_kinerja",
            "model_version": "3",
            "run_id": "abc",
        }
    )[OUTBOX_COLUMNS]


@pytest.fixture
def outbox(tmp_path) -> str:
    for i, night in enumerate(NIGHTS):
        write_outbox(str(tmp_path), _scores(5 + i), night)
    return str(tmp_path)


def test_the_export_names_the_checked_folder_and_never_moves_back(outbox):
    first = refresh_siasn_export(outbox, NIGHTS[1], {"run_id": "r1"})
    pointer = json.loads((Path(outbox) / EXPORT_FILE).read_text())
    assert pointer["tanggal_data"] == "2025-10-31" == first.tanggal_data
    assert pointer["files"]["skor_kinerja.csv"]["rows"] == 6  # rows, not lines
    assert pointer["folder"].endswith("skor_kinerja/2025-10-31")
    assert pointer["sumber"] == {"run_id": "r1"}

    older = refresh_siasn_export(outbox, NIGHTS[0])
    assert (older.moved, older.tanggal_data, older.requested) == (False, "2025-10-31", "2025-10-30")
    assert json.loads((Path(outbox) / EXPORT_FILE).read_text()) == pointer


def test_a_folder_that_does_not_match_its_manifest_is_refused(outbox, tmp_path):
    data = tmp_path / "skor_kinerja" / "2025-10-31" / "skor_kinerja.csv"
    data.write_bytes(data.read_bytes().replace(b"0.25", b"0.95", 1))
    with pytest.raises(ExportRefused, match="sha256"):
        refresh_siasn_export(outbox, NIGHTS[1])
    (data.parent / "_manifest.json").unlink()
    with pytest.raises(ExportRefused, match="no _manifest.json"):
        refresh_siasn_export(outbox, NIGHTS[1])
    assert not (tmp_path / EXPORT_FILE).exists()


def _event(night: date) -> AssetEventDagRunReferenceResult:
    return AssetEventDagRunReferenceResult(
        asset={"name": OUTBOX.name, "uri": OUTBOX.uri, "extra": {}},
        extra={"night": night.isoformat(), "rows": 5},
        source_task_id="score_and_publish",
        source_dag_id="kinerja_nightly",
        source_run_id=f"scheduled__{night.isoformat()}",
        source_map_index=-1,
        source_aliases=[{"name": "kinerja.skor_terbit"}],
        timestamp=datetime(2025, 11, 1, tzinfo=UTC),
    )


def test_a_run_triggered_by_two_nights_exports_the_newer(outbox, monkeypatch):
    """What the scheduler hands a run it started from the asset: both nights published while the
    export waited; the manifest names the newer, and its source run."""
    monkeypatch.setenv("KINERJA_OUTBOX", outbox)
    context = {"triggering_asset_events": TriggeringAssetEventsAccessor.build(map(_event, NIGHTS))}
    result = export_to_siasn(context)
    assert result["triggered_by_asset"] is True
    assert result["tanggal_data"] == "2025-10-31"
    pointer = json.loads((Path(outbox) / EXPORT_FILE).read_text())
    assert pointer["sumber"]["run_id"] == "scheduled__2025-10-31"
    assert pointer["sumber"]["task_id"] == "score_and_publish"
