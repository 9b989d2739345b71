"""Reference rules that live in dbt seeds, read from there by Python code that needs them too.

One rule, one place: the seed is the rule; nothing restates it.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from kinerja.runtime import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"


@lru_cache(maxsize=1)
def predikat_matrix() -> dict[tuple[int, int], int]:
    """(rating_hasil_kerja, rating_perilaku_kerja) -> predikat code (PermenPANRB 6/2022)."""
    with (SEEDS_DIR / "matriks_predikat.csv").open(encoding="utf-8") as fh:
        return {
            (int(row["rating_hasil_kerja"]), int(row["rating_perilaku_kerja"])): int(
                row["predikat"]
            )
            for row in csv.DictReader(fh)
        }
