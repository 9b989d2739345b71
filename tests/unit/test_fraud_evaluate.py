"""Matching findings to planted cases: units of truth, unordered pairs, duplicates, edge cases."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kinerja_dev.fraud.evaluate import candidate_counts, evaluate_findings, label_findings

A, B, C, D = "198001012005011001", "198202022006022001", "197003032000031003", "199004042015041004"
DAY = date(2025, 3, 4)


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["pola", "nip", "nip_terkait", "tanggal"])


def _row(result: pd.DataFrame, pola: str) -> dict:
    return result.set_index("pola").loc[pola].to_dict()


def test_pairs_match_in_either_order_and_count_once():
    truth = _frame([("BUDDY_PUNCHING", A, B, None), ("NIK_GANDA", C, D, None)])
    findings = _frame(
        [
            ("BUDDY_PUNCHING", B, A, None),  # reversed order: the same pair
            ("BUDDY_PUNCHING", A, B, None),  # a second row on the same pair
            ("BUDDY_PUNCHING", A, C, None),  # a pair that was not planted
            ("NIK_GANDA", D, C, None),
        ]
    )
    result = evaluate_findings(findings, truth)
    buddy = _row(result, "BUDDY_PUNCHING")
    assert (buddy["true_positives"], buddy["false_positives"], buddy["false_negatives"]) == (
        1,
        1,
        0,
    )
    assert buddy["precision"] == 0.5 and buddy["recall"] == 1.0 and not buddy["meets_target"]
    nik = _row(result, "NIK_GANDA")
    assert nik["precision"] == 1.0 and nik["recall"] == 1.0 and nik["meets_target"]


def test_day_patterns_need_the_same_date_in_any_notation():
    truth = _frame([("LUAR_GEOFENCE", A, None, DAY), ("LUAR_GEOFENCE", B, None, DAY)])
    findings = _frame(
        [
            ("LUAR_GEOFENCE", A, None, pd.Timestamp(DAY)),  # a timestamp is the same day
            ("LUAR_GEOFENCE", B, None, "2025-03-05"),  # B on another day: false positive
            ("PERJALANAN_MUSTAHIL", A, None, DAY),  # same nip and day, other pattern
        ]
    )
    result = evaluate_findings(findings, truth)
    geo = _row(result, "LUAR_GEOFENCE")
    assert (geo["true_positives"], geo["false_positives"], geo["false_negatives"]) == (1, 1, 1)
    travel = _row(result, "PERJALANAN_MUSTAHIL")
    assert travel["false_positives"] == 1 and travel["precision"] == 0.0


def test_entity_patterns_ignore_dates_and_target_needs_both_figures():
    truth = _frame([("PEGAWAI_TANPA_AKTIVITAS", n, None, None) for n in (A, B, C, D)])
    truth = pd.concat(
        [truth, _frame([("NIP_TIDAK_COCOK", f"{i:018d}", None, None) for i in range(10)])]
    )
    findings = _frame(
        [("PEGAWAI_TANPA_AKTIVITAS", n, None, DAY) for n in (A, B, C, D)]
        + [("NIP_TIDAK_COCOK", f"{i:018d}", None, None) for i in range(9)]
        + [("NIP_TIDAK_COCOK", "9" * 18, None, None), ("NIP_TIDAK_COCOK", "8" * 18, None, None)]
    )
    result = evaluate_findings(findings, truth)
    ghost = _row(result, "PEGAWAI_TANPA_AKTIVITAS")
    assert ghost["recall"] == 1.0 and ghost["precision"] == 1.0 and ghost["meets_target"]
    nip = _row(result, "NIP_TIDAK_COCOK")
    assert nip["recall"] == pytest.approx(0.9) and nip["precision"] == pytest.approx(9 / 11)
    assert nip["meets_target"]  # recall exactly 0.9 and precision 0.818 meet the target


def test_every_pattern_reported_even_without_findings_or_cases():
    truth = _frame([("PRESENSI_SAAT_CUTI", A, None, DAY)])
    result = evaluate_findings(_frame([]), truth)
    assert len(result) == 7
    leave = _row(result, "PRESENSI_SAAT_CUTI")
    assert leave["recall"] == 0.0 and leave["precision"] == 0.0 and not leave["meets_target"]
    quiet = _row(result, "NIK_GANDA")  # nothing planted, nothing found
    assert quiet["precision"] == 1.0 and quiet["recall"] == 1.0 and quiet["kasus"] == 0


def test_labels_mark_the_findings_that_match_a_planted_case():
    truth = _frame([("BUDDY_PUNCHING", A, B, None), ("PRESENSI_SAAT_CUTI", C, None, DAY)])
    findings = _frame(
        [
            ("BUDDY_PUNCHING", B, A, None),
            ("PRESENSI_SAAT_CUTI", C, None, "2025-03-04"),
            ("PRESENSI_SAAT_CUTI", C, None, "2025-03-05"),
            ("NIK_GANDA", A, B, None),
        ]
    )
    assert label_findings(findings, truth).tolist() == [True, True, False, False]


def test_candidate_counts_split_units_into_planted_and_not():
    truth = _frame([("BUDDY_PUNCHING", A, B, None), ("LUAR_GEOFENCE", C, None, DAY)])
    candidates = _frame(
        [
            ("BUDDY_PUNCHING", B, A, None),
            ("BUDDY_PUNCHING", A, B, None),  # the same unit twice counts once
            ("BUDDY_PUNCHING", C, D, None),
            ("LUAR_GEOFENCE", C, None, "2025-03-05"),
        ]
    )
    counts = candidate_counts(candidates, truth).set_index("pola")
    assert counts.loc["BUDDY_PUNCHING"].tolist() == [1, 1]
    assert counts.loc["LUAR_GEOFENCE"].tolist() == [0, 1]
    assert counts.loc["NIK_GANDA"].tolist() == [0, 0]
