"""Reference rules that live in dbt seeds, read from there by Python code that needs them too.

One rule, one place: the seed is the rule; nothing restates it.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from kinerja.project import SEEDS_DIR


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


@lru_cache(maxsize=1)
def pola_peringatan() -> tuple[str, ...]:
    """The attendance-fraud and ghost-employee pattern codes, in the seed's order."""
    with (SEEDS_DIR / "pola_peringatan.csv").open(encoding="utf-8") as fh:
        return tuple(row["pola"] for row in csv.DictReader(fh))


def pola(code: str) -> str:
    """`code`, once the seed confirms it is a pattern: code that handles one pattern names it
    through this, so a pattern renamed or dropped in the seed fails at import, not silently."""
    if code not in pola_peringatan():
        raise KeyError(f"{code!r} is not a pattern of the pola_peringatan seed")
    return code
