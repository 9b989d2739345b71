"""Reference rules that live in dbt seeds, read from there by Python code that needs them too.

One rule, one place: the seed is the rule; nothing restates it.
"""

from __future__ import annotations

import csv
from functools import lru_cache

import yaml

from kinerja.project import DBT_PROJECT_DIR, SEEDS_DIR


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


@lru_cache(maxsize=1)
def distribution_rules() -> dict[str, tuple[tuple[frozenset[int], str, float], ...]]:
    """capaian_organisasi -> its bounds on the staff's predikat (SE MenPANRB 3/2023), each as
    (predikat codes of the group, jenis_batas PALING_BANYAK / PALING_SEDIKIT / ADA, proporsi),
    in the seed's order (aturan_distribusi_predikat)."""
    rules: dict[str, list[tuple[frozenset[int], str, float]]] = {}
    with (SEEDS_DIR / "aturan_distribusi_predikat.csv").open(encoding="utf-8") as fh:
        for row in sorted(csv.DictReader(fh), key=lambda r: int(r["urutan"])):
            group = frozenset(int(code) for code in row["predikat_kelompok"].split("|"))
            rules.setdefault(row["capaian_organisasi"], []).append(
                (group, row["jenis_batas"], float(row["proporsi"]))
            )
    return {capaian: tuple(bounds) for capaian, bounds in rules.items()}


@lru_cache(maxsize=1)
def head_hasil_kerja() -> dict[str, int]:
    """capaian_organisasi -> the rating_hasil_kerja a unit head gets for that unit result
    (PermenPANRB 6/2022: the head's result follows the unit's; seed capaian_organisasi)."""
    with (SEEDS_DIR / "capaian_organisasi.csv").open(encoding="utf-8") as fh:
        return {
            row["capaian_organisasi"]: int(row["rating_hasil_kerja_kepala"])
            for row in csv.DictReader(fh)
        }


@lru_cache(maxsize=1)
def distribution_depth() -> int:
    """The depth of the unit tree (1 = the root) whose units are judged for the distribution:
    dbt var distribusi_kedalaman_unit (mart_distribusi_predikat reads the same var)."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return int(project["vars"]["distribusi_kedalaman_unit"])
