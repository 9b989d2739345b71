"""Writes deliveries into the landing layout: <landing>/<extract>/<YYYY-MM-DD>/<file>.csv.

CSV: UTF-8 without BOM, comma separated, header row, "\\n" line ends, empty fields for missing
values, exactly the contract's columns. Each date folder also gets a `_manifest.json` with the
file's row count and sha256, as the contract allows. With a DefectInjector, each delivery passes
through it first (kinerja_dev.synth.defects): it may alter rows, add files or drop the manifest. Files are rendered in memory and written as
bytes, so moving to fsspec later only changes `_write_bytes`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pandas as pd

from kinerja.contract.extracts import get_extract
from kinerja_dev.synth.defects import DefectInjector, DeliveredFile, Folder, render_csv

MANIFEST = "_manifest.json"


class LandingWriter:
    def __init__(
        self, root: str | Path, manifests: bool = True, defects: DefectInjector | None = None
    ):
        self.root = Path(root)
        self.manifests = manifests
        self.defects = defects
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
        if self.defects is None:
            delivery = Folder(
                [DeliveredFile(name, render_csv(frame[columns]).encode(), len(frame))]
            )
        else:
            delivery = self.defects.deliver(extract, day, frame[columns], name)
        folder = self.root / extract / day.isoformat()
        for file in delivery.files:
            self._write_bytes(folder / file.name, file.data)
        if self.manifests and delivery.manifest:
            listed = {
                f.name: {"rows": f.rows, "sha256": hashlib.sha256(f.data).hexdigest()}
                for f in delivery.files
                if f.listed
            }
            manifest = (
                delivery.manifest_bytes
                or (json.dumps({"files": listed}, indent=2, sort_keys=True) + "\n").encode()
            )
            self._write_bytes(folder / MANIFEST, manifest)
        self.rows[extract] += len(frame)
        self.dates.add(day)
        self.files += len(delivery.files)
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
