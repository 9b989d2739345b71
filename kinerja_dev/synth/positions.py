"""Grade and position rules: starting grade and ceiling by education, functional levels by grade,
PPPK grades, retirement ages. Grades are kept as indexes into the contract's code tuples."""

from __future__ import annotations

from kinerja.contract.extracts import GOLONGAN_PNS, GOLONGAN_PPPK
from kinerja_dev.synth import reference as ref

STRUCTURAL = ("JPT", "ADMINISTRATOR", "PENGAWAS")

# Index into GOLONGAN_PNS: entry grade by education (SMA II/a, D3 II/c, S1 III/a, S2 III/b, ...)
# and the ceiling of regular promotion: executors stop lower than functional staff.
PNS_ENTRY = {
    "SD": 0,
    "SMP": 2,
    "SMA": 4,
    "D1": 4,
    "D2": 5,
    "D3": 6,
    "D4": 8,
    "S1": 8,
    "S2": 9,
    "S3": 10,
}
PELAKSANA_CEILING = {
    "SD": 7,
    "SMP": 7,
    "SMA": 9,
    "D1": 9,
    "D2": 9,
    "D3": 10,
    "D4": 11,
    "S1": 11,
    "S2": 12,
    "S3": 12,
}
FUNGSIONAL_CEILING = {"D3": 11, "D4": 14, "S1": 14, "S2": 15, "S3": 15}
HEAD_GRADE_RANGE = {"JPT": (14, 16), "ADMINISTRATOR": (11, 14), "PENGAWAS": (10, 13)}
# Minimum grade to be appointed head of a unit of that type.
HEAD_MIN_GRADE = {"JPT": 13, "ADMINISTRATOR": 11, "PENGAWAS": 9}
PROMOTION_YEARS = 4

# Index into GOLONGAN_PPPK (I..XVII): PPPK are appointed at a grade set by education.
PPPK_GRADE = {
    "SD": 0,
    "SMP": 3,
    "SMA": 4,
    "D1": 4,
    "D2": 5,
    "D3": 6,
    "D4": 8,
    "S1": 8,
    "S2": 9,
    "S3": 10,
}

EDUCATION_BAND = {
    "SD": "basic", "SMP": "basic", "SMA": "secondary", "D1": "secondary", "D2": "secondary",
    "D3": "diploma", "D4": "graduate", "S1": "graduate", "S2": "graduate", "S3": "graduate",
}  # fmt: skip


def golongan_text(status: str, grade: int) -> str:
    return GOLONGAN_PPPK[grade] if status == "PPPK" else GOLONGAN_PNS[grade]


def may_be_fungsional(pendidikan: str) -> bool:
    return EDUCATION_BAND[pendidikan] in ("diploma", "graduate")


def fungsional_families(pendidikan: str) -> tuple[str, ...]:
    return ref.FUNGSIONAL_TERAMPIL if pendidikan == "D3" else ref.FUNGSIONAL_AHLI


def fungsional_title(family: str, pendidikan: str, status: str, grade: int) -> str:
    """Level follows grade: ahli III/a-b Pertama, III/c-d Muda, IV/a-c Madya, IV/d-e Utama;
    terampil II/c-d Terampil, III/a-b Mahir, III/c-d Penyelia."""
    if pendidikan == "D3":
        if status == "PPPK":
            level = "Terampil" if grade <= 6 else "Mahir"
        else:
            level = "Terampil" if grade <= 7 else "Mahir" if grade <= 9 else "Penyelia"
    elif status == "PPPK":
        level = "Ahli Pertama" if grade <= 9 else "Ahli Muda"
    else:
        level = (
            "Ahli Pertama" if grade <= 9 else
            "Ahli Muda" if grade <= 11 else
            "Ahli Madya" if grade <= 14 else
            "Ahli Utama"
        )  # fmt: skip
    return f"{family} {level}"


def grade_ceiling(status: str, pendidikan: str, jenis_jabatan: str) -> int:
    if status == "PPPK":
        return PPPK_GRADE[pendidikan]
    if jenis_jabatan in HEAD_GRADE_RANGE:
        return HEAD_GRADE_RANGE[jenis_jabatan][1]
    if jenis_jabatan == "FUNGSIONAL":
        return FUNGSIONAL_CEILING[pendidikan]
    return PELAKSANA_CEILING[pendidikan]


def retirement_age(jenis_jabatan: str, status: str, grade: int) -> int:
    """Batas usia pensiun: 58 in general, 60 for JPT and senior functional (ahli madya), 65 for
    ahli utama."""
    if status != "PPPK" and jenis_jabatan == "FUNGSIONAL":
        if grade >= 15:
            return 65
        if grade >= 12:
            return 60
    if jenis_jabatan == "JPT":
        return 60
    return 58
