"""Precision and recall of fraud findings per pattern against planted ground truth.

A finding matches a planted case on the pattern's unit of truth: an unordered pair of NIPs
(BUDDY_PUNCHING, NIK_GANDA), a NIP and a local date (LUAR_GEOFENCE, PERJALANAN_MUSTAHIL,
PRESENSI_SAAT_CUTI), or a NIP alone (PEGAWAI_TANPA_AKTIVITAS, NIP_TIDAK_COCOK). Several findings
on one unit count once: HR reviews a case, not a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kinerja_dev.synth.fraud import (
    LUAR_GEOFENCE,
    PAIR_POLA,
    PERJALANAN_MUSTAHIL,
    POLA,
    PRESENSI_SAAT_CUTI,
)

DAY_POLA = (LUAR_GEOFENCE, PERJALANAN_MUSTAHIL, PRESENSI_SAAT_CUTI)
TARGET_RECALL = 0.9
TARGET_PRECISION = 0.8
COLUMNS = (
    "pola",
    "kasus",
    "temuan",
    "true_positives",
    "false_positives",
    "false_negatives",
    "precision",
    "recall",
    "meets_target",
)


@dataclass(frozen=True)
class Landing:
    findings: pd.DataFrame  # the mart with the project's (strict) thresholds
    candidates: pd.DataFrame  # the mart with loose_vars(): near misses of both classes
    truth: pd.DataFrame


def _as_date(value) -> date | None:
    if value is None or (not isinstance(value, str | date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def case_key(pola: str, nip, nip_terkait, tanggal):
    """The unit of truth of one finding or planted case."""
    if pola in PAIR_POLA:
        return frozenset((_text(nip), _text(nip_terkait)))
    if pola in DAY_POLA:
        return (_text(nip), _as_date(tanggal))
    return _text(nip)


def case_keys(frame: pd.DataFrame, pola: str) -> set:
    """The units of truth a frame (findings or truth) holds for one pattern."""
    rows = frame[frame["pola"] == pola]
    return {
        case_key(pola, *values) for values in zip(rows["nip"], rows["nip_terkait"], rows["tanggal"])
    }


def evaluate_findings(findings: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """One row per pattern: cases planted, findings, TP/FP/FN, precision, recall, and whether
    the target (recall >= 0.9 at precision >= 0.8) is met. With nothing found precision is 1.0
    only when nothing was planted; with nothing planted recall is 1.0 (nothing was missed)."""
    rows = []
    for pola in POLA:
        found, planted = case_keys(findings, pola), case_keys(truth, pola)
        tp = len(found & planted)
        fp, fn = len(found - planted), len(planted - found)
        precision = tp / len(found) if found else (1.0 if not planted else 0.0)
        recall = tp / len(planted) if planted else 1.0
        rows.append(
            {
                "pola": pola,
                "kasus": len(planted),
                "temuan": len(found),
                "true_positives": tp,
                "false_positives": fp,
                "false_negatives": fn,
                "precision": precision,
                "recall": recall,
                "meets_target": recall >= TARGET_RECALL and precision >= TARGET_PRECISION,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def label_findings(findings: pd.DataFrame, truth: pd.DataFrame) -> pd.Series:
    """For each finding row, whether it matches a planted case (the label a model learns)."""
    planted = {pola: case_keys(truth, pola) for pola in POLA}
    labels = [
        case_key(pola, nip, terkait, tanggal) in planted.get(pola, set())
        for pola, nip, terkait, tanggal in zip(
            findings["pola"], findings["nip"], findings["nip_terkait"], findings["tanggal"]
        )
    ]
    return pd.Series(labels, index=findings.index, dtype=bool)


def candidate_counts(candidates: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Per pattern, how many candidate cases (units of truth) are planted and how many are not:
    the two classes a model has to separate."""
    rows = []
    for pola in POLA:
        found, planted = case_keys(candidates, pola), case_keys(truth, pola)
        rows.append(
            {"pola": pola, "positif": len(found & planted), "negatif": len(found - planted)}
        )
    return pd.DataFrame(rows, columns=["pola", "positif", "negatif"])
