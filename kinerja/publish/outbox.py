"""The outbox extract a source system imports: `<outbox>/skor_kinerja/<YYYY-MM-DD>/`.

Same manifest form as the landing area (`{"files": {name: {"rows": N, "sha256": ...}}}`). A
reader takes a folder only once its manifest is there, so the manifest is written last and
removed first on a rerun; each file appears under its final name in one rename. Folders older
than the retention period go whole (`purge_outbox`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date

import fsspec
import pandas as pd
from fsspec import AbstractFileSystem

from kinerja.retention import OUTBOX, Purged

OUTBOX_EXTRACT = "skor_kinerja"
OUTBOX_FILE = "skor_kinerja.csv"
MANIFEST_FILE = "_manifest.json"
OUTBOX_COLUMNS = [
    "nip",
    "periode",
    "skor",
    "band",
    "alasan",
    "model_name",
    "model_version",
    "run_id",
]


@dataclass(frozen=True)
class OutboxWrite:
    folder: str
    rows: int
    sha256: str


def outbox_folder(outbox_url: str, tanggal_data: date) -> tuple[AbstractFileSystem, str]:
    fs, root = fsspec.core.url_to_fs(outbox_url)
    return fs, f"{root.rstrip('/')}/{OUTBOX_EXTRACT}/{tanggal_data.isoformat()}"


def render_csv(scores: pd.DataFrame) -> bytes:
    """UTF-8, comma-separated, header row, '\\n' line ends: the plainest CSV the contract reads."""
    return scores[OUTBOX_COLUMNS].to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_outbox(outbox_url: str, scores: pd.DataFrame, tanggal_data: date) -> OutboxWrite:
    """Write (or rewrite) the scores of `tanggal_data` and their manifest."""
    fs, folder = outbox_folder(outbox_url, tanggal_data)
    fs.makedirs(folder, exist_ok=True)
    manifest_path = f"{folder}/{MANIFEST_FILE}"
    if fs.exists(manifest_path):
        fs.rm(manifest_path)  # the folder is incomplete from here until the new manifest lands

    payload = render_csv(scores)
    digest = hashlib.sha256(payload).hexdigest()
    manifest = {"files": {OUTBOX_FILE: {"rows": len(scores), "sha256": digest}}}
    write_atomically(fs, f"{folder}/{OUTBOX_FILE}", payload)
    write_atomically(fs, manifest_path, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return OutboxWrite(folder=folder, rows=len(scores), sha256=digest)


def write_atomically(fs: AbstractFileSystem, path: str, payload: bytes) -> None:
    # A dot-name is skipped by readers that list the folder; the rename is atomic on a local
    # disk. Object stores have no rename, but there the manifest-last order still protects readers.
    temporary = f"{path.rsplit('/', 1)[0]}/.{path.rsplit('/', 1)[1]}.{uuid.uuid4().hex}.tmp"
    with fs.open(temporary, "wb") as handle:
        handle.write(payload)
    try:
        fs.mv(temporary, path)
    except BaseException:
        if fs.exists(temporary):
            fs.rm(temporary)
        raise


def purge_outbox(outbox_url: str, before: date | None) -> Purged:
    """Remove the date folders before `before`: a source system imports each the next morning,
    and the warehouse keeps every score (marts.skor_kinerja)."""
    fs, root = fsspec.core.url_to_fs(outbox_url)
    parent = f"{root.rstrip('/')}/{OUTBOX_EXTRACT}"
    if before is None or not fs.isdir(parent):
        return Purged(OUTBOX, parent, before)
    removed, files = [], 0
    for folder in sorted(fs.ls(parent, detail=False)):
        name = folder.rstrip("/").rsplit("/", 1)[-1]
        day = _folder_date(name)
        if day is None or day >= before:
            continue
        files += len(fs.find(folder))
        fs.rm(folder, recursive=True)
        removed.append(name)
    return Purged(OUTBOX, parent, before, files=files, removed=tuple(removed))


def _folder_date(name: str) -> date | None:
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None
