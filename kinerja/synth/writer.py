"""Writes deliveries into the landing layout: <landing>/<extract>/<YYYY-MM-DD>/<file>.csv.

CSV: UTF-8 without BOM, comma separated, header row, "\\n" line ends, empty fields for missing
values, exactly the contract's columns. Each date folder also gets a `_manifest.json` with the
file's row count and sha256, as the contract allows. Files are rendered in memory and written as
bytes, so moving to fsspec later only changes `_write_bytes`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pandas as pd

from kinerja.contract.extracts import get_extract

MANIFEST = "_manifest.json"


class LandingWriter:
    def __init__(self, root: str | Path, manifests: bool = True):
        self.root = Path(root)
        self.manifests = manifests
        self.rows: dict[str, int] = {}
        self.dates: set[date] = set()
        self.files = 0

    def write(self, extract: str, day: date, frame: pd.DataFrame) -> int:
        """Write one extract's delivery for a date; an empty frame writes nothing."""
        columns = get_extract(extract).column_names
        delivered = [c for c in frame.columns if not str(c).startswith("_")]
        if sorted(delivered) != sorted(columns):
            raise ValueError(f"{extract}: columns {delivered} are not the contract's {columns}")
        self.rows.setdefault(extract, 0)
        if frame.empty:
            return 0
        name = f"{extract}_{day:%Y%m%d}.csv"
        text = frame[columns].to_csv(index=False, lineterminator="\n", na_rep="")
        data = text.encode("utf-8")
        folder = self.root / extract / day.isoformat()
        self._write_bytes(folder / name, data)
        if self.manifests:
            manifest = {
                "files": {name: {"rows": len(frame), "sha256": hashlib.sha256(data).hexdigest()}}
            }
            self._write_bytes(
                folder / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
            )
        self.rows[extract] += len(frame)
        self.dates.add(day)
        self.files += 1
        return len(frame)

    def write_ground_truth(self, name: str, frame: pd.DataFrame) -> None:
        """Latent traits and true ratings, beside (never inside) the extract folders."""
        self._write_bytes(
            self.root / "_ground_truth" / f"{name}.csv",
            frame.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        )

    def _write_bytes(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
