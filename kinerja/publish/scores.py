"""Publishing one night's scores: the warehouse table first, then the outbox extract."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import pandas as pd

from kinerja.publish.drift import write_drift
from kinerja.publish.outbox import write_outbox
from kinerja.publish.warehouse import SKOR_TABLE, write_scores
from kinerja.settings import Settings
from kinerja.warehouse import connect

log = logging.getLogger(__name__)


class ScoresToPublish(Protocol):
    """What publishing receives: one night's scores and the model that made them. The scoring
    layer (ml.score.ScoringResult) has this shape; publishing never imports it."""

    skipped: bool
    reason: str
    frame: pd.DataFrame  # one row per employee: nip, skor, band and the reasons (SCORE_COLUMNS)
    tanggal_data: date | None
    model_name: str | None
    model_version: str | None
    drift: pd.DataFrame | None  # PSI per feature (ml.drift), or None


@dataclass(frozen=True)
class PublishResult:
    rows_warehouse: int
    rows_outbox: int
    outbox_path: str | None
    skipped: bool = False
    reason: str = ""


def publish_scores(
    settings: Settings, scoring_result: ScoresToPublish, as_of: date
) -> PublishResult:
    """Replace what was published for `as_of` with `scoring_result`, in both places.

    The warehouse goes first and in one transaction; the outbox follows, so a source system
    never imports scores the warehouse does not hold. A rerun for the same date replaces both.
    """
    if scoring_result.skipped:
        # Yesterday's scores stay where they are; nothing new to say.
        return PublishResult(0, 0, None, skipped=True, reason=scoring_result.reason)
    if scoring_result.tanggal_data not in (None, as_of):
        raise ValueError(
            f"scores were made for {scoring_result.tanggal_data}, not for {as_of}: "
            "refusing to mix dates"
        )
    scores = scoring_result.frame
    with connect(settings) as wh:
        rows_warehouse = write_scores(wh, scores, as_of)
        if scoring_result.drift is not None:
            write_drift(
                wh,
                scoring_result.drift,
                as_of,
                scoring_result.model_name,
                scoring_result.model_version,
            )
    outbox = write_outbox(settings.outbox_url, scores, as_of)
    log.info(
        "published %d scores for %s to %s and %s", rows_warehouse, as_of, SKOR_TABLE, outbox.folder
    )
    return PublishResult(
        rows_warehouse=rows_warehouse, rows_outbox=outbox.rows, outbox_path=outbox.folder
    )
