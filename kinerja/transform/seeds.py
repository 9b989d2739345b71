"""dbt seeds that are derived from Python declarations, never typed by hand.

Each seed here restates something whose single source lives elsewhere: the holiday calendar
(`kinerja.calendar`), the time-zone offsets, the code sets and the rating words (the extract
contract). The generated CSVs are committed so that dbt needs no Python at build time; a test
checks that the committed files equal what these functions produce, so the two cannot drift.

Regenerate with `python -m kinerja.transform.seeds` after changing the contract or the calendar.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kinerja.calendar import hari_libur, ramadan
from kinerja.contract.extracts import EXTRACTS, RATING_WORDS, UTC_OFFSET_HOURS
from kinerja.project import SEEDS_DIR

SEED_DIR = SEEDS_DIR
HOLIDAY_YEARS = range(2015, 2031)


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def holiday_seed_text(years: Iterable[int] = HOLIDAY_YEARS) -> str:
    rows = ((day.isoformat(), name, kategori) for day, name, kategori in hari_libur(years))
    return _csv_text(("tanggal", "nama_libur", "kategori"), rows)


def ramadan_seed_text(years: Iterable[int] = HOLIDAY_YEARS) -> str:
    rows = ((start.isoformat(), end.isoformat()) for start, end in ramadan(years))
    return _csv_text(("tanggal_mulai", "tanggal_selesai"), rows)


def zona_waktu_seed_text() -> str:
    return _csv_text(
        ("zona_waktu", "utc_offset_jam"), sorted(UTC_OFFSET_HOURS.items(), key=lambda kv: kv[1])
    )


def contract_codes_seed_text() -> str:
    """Every code set of the contract as (ekstrak, kolom, kode): the accepted values of staging."""
    rows = [
        (extract.name, column.name, code)
        for extract in EXTRACTS.values()
        for column in extract.columns
        for code in column.codes
    ]
    return _csv_text(("ekstrak", "kolom", "kode"), rows)


def rating_words_seed_text() -> str:
    """Rating words a source may deliver instead of the SIASN code (words in upper case)."""
    return _csv_text(("kata_rating", "kode_rating"), sorted(RATING_WORDS.items()))


# seed file name -> producer of its exact content
GENERATED_SEEDS: dict[str, Callable[[], str]] = {
    "hari_libur.csv": holiday_seed_text,
    "ramadan.csv": ramadan_seed_text,
    "zona_waktu.csv": zona_waktu_seed_text,
    "kode_kontrak.csv": contract_codes_seed_text,
    "kata_rating.csv": rating_words_seed_text,
}


def write_holiday_seed(path: Path | str, years: Iterable[int] = HOLIDAY_YEARS) -> Path:
    """Write the `hari_libur` seed (tanggal, nama_libur, kategori) from kinerja.calendar."""
    path = Path(path)
    path.write_text(holiday_seed_text(years), encoding="utf-8")
    return path


def write_generated_seeds(seed_dir: Path | str = SEED_DIR) -> list[Path]:
    """Write every generated seed into `seed_dir`; returns the paths written."""
    seed_dir = Path(seed_dir)
    seed_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, produce in GENERATED_SEEDS.items():
        path = seed_dir / name
        path.write_text(produce(), encoding="utf-8")
        written.append(path)
    return written


def stale_seeds(seed_dir: Path | str = SEED_DIR) -> list[str]:
    """Names of generated seeds whose committed file differs from what would be generated."""
    seed_dir = Path(seed_dir)
    return [
        name
        for name, produce in GENERATED_SEEDS.items()
        if not (seed_dir / name).is_file()
        or (seed_dir / name).read_text(encoding="utf-8") != produce()
    ]


if __name__ == "__main__":
    for written_path in write_generated_seeds():
        print(written_path)
