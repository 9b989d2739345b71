"""The attendance-fraud scorer: a real XGBoost model where a family has both classes, a stated
constant where it has one; and loose rule thresholds that only ever widen the project's."""

from __future__ import annotations

import pandas as pd
import yaml

from kinerja.project import DBT_PROJECT_DIR
from kinerja_dev.fraud.model_run import train_scorer
from kinerja_dev.fraud.pipeline import loose_vars

COLUMNS = ["pola", "nip", "nip_terkait", "tanggal", "jumlah_kejadian", "selisih_detik"]
COLUMNS += ["rasio_kejadian", "jarak_m", "kecepatan_kmh", "tanggal_mulai", "tanggal_selesai"]


def _nip(i: int) -> str:
    return f"{i:018d}"


def _candidates() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Buddy pairs: the planted ones meet on 7-10 days, queue partners on 1-2; ghost records
    only real ones."""
    rows, truth = [], []
    for i in range(40):
        planted = i % 5 == 0
        days = 7 + i % 4 if planted else 1 + i % 2
        pair = (_nip(2 * i), _nip(2 * i + 1))
        rows.append(("BUDDY_PUNCHING", *pair, None, days, 25.0 + i % 7, days / 60))
        if planted:
            truth.append(("BUDDY_PUNCHING", *pair, None))
    for i in range(5):
        rows.append(("PEGAWAI_TANPA_AKTIVITAS", _nip(900 + i), None, None, 70, None, None))
        truth.append(("PEGAWAI_TANPA_AKTIVITAS", _nip(900 + i), None, None))
    frame = pd.DataFrame(rows, columns=COLUMNS[:7])
    for column in COLUMNS[7:]:
        frame[column] = None
    return frame, pd.DataFrame(truth, columns=COLUMNS[:4])


def test_family_with_both_classes_gets_a_model_that_separates_them():
    candidates, truth = _candidates()
    scorer = train_scorer(candidates, truth)
    pairs = scorer.families["pasangan"]
    assert pairs.model is not None and (pairs.rows, pairs.positives) == (40, 8)
    probe = candidates.iloc[:2].copy()
    probe["jumlah_kejadian"] = [9, 2]
    probe["rasio_kejadian"] = [0.15, 0.03]
    scores = scorer.score(probe)
    assert scores[0] > 0.5 > scores[1]


def test_family_with_one_class_is_a_constant_and_says_so():
    candidates, truth = _candidates()
    scorer = train_scorer(candidates, truth)
    ghosts = scorer.families["identitas"]
    assert ghosts.model is None and ghosts.constant == 1.0
    assert ghosts.describe().startswith("constant 1 (one class: 5 of 5")
    assert scorer.families["lokasi"].describe().startswith("constant 1 (one class: 0 of 0")


def test_loose_vars_only_widen_the_project_thresholds():
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    loose = loose_vars()
    assert set(loose) <= set(project)
    # a wider window and a greater tolerance find more; lower minimums find more
    for upper in ("peringatan_buddy_detik_maks",):
        assert loose[upper] >= project[upper]
    for lower in set(loose) - {"peringatan_buddy_detik_maks"}:
        assert loose[lower] <= project[lower], lower
    assert any(loose[key] != project[key] for key in loose)
