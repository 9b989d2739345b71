"""The SIASN export manifest: `<outbox>/ekspor_siasn.json` names the newest night whose outbox
folder (`<outbox>/skor_kinerja/<YYYY-MM-DD>/`) was checked whole, for the job that uploads scores
to SIASN to take.

Written by the `kinerja_ekspor_siasn` DAG after each night that publishes scores. The folder is
checked against its `_manifest.json` (every file there, with its rows and sha256) before the
manifest points at it, so the uploader never takes a folder that is half written or was altered.
It never moves back: a rerun or backfill of an older night leaves the newer night in place.
Rewritten atomically, like the outbox's own files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import fsspec

from kinerja.publish.outbox import MANIFEST_FILE, outbox_folder, write_atomically

EXPORT_FILE = "ekspor_siasn.json"


class ExportRefused(RuntimeError):
    """The night's outbox folder does not match its manifest; the message says what differs."""


@dataclass(frozen=True)
class SiasnExport:
    path: str  # the export manifest
    tanggal_data: str  # the night it names
    folder: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    moved: bool = True  # False: a newer night was already named, and stays
    requested: str = ""  # the night this refresh was asked for

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def export_path(outbox_url: str) -> tuple[fsspec.AbstractFileSystem, str]:
    fs, root = fsspec.core.url_to_fs(outbox_url)
    return fs, f"{root.rstrip('/')}/{EXPORT_FILE}"


def checked_files(outbox_url: str, night: date) -> tuple[str, dict[str, dict[str, Any]]]:
    """The night's folder and its files, each read back against the manifest."""
    fs, folder = outbox_folder(outbox_url, night)
    manifest_file = f"{folder}/{MANIFEST_FILE}"
    if not fs.exists(manifest_file):
        raise ExportRefused(f"{folder}: no {MANIFEST_FILE} (not published, or being rewritten)")
    files = json.loads(fs.cat_file(manifest_file))["files"]
    if not files:
        raise ExportRefused(f"{manifest_file} lists no file")
    for name, entry in files.items():
        data = fs.cat_file(f"{folder}/{name}")
        digest = hashlib.sha256(data).hexdigest()
        rows = max(sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1, 0)
        if (digest, rows) != (entry["sha256"], entry["rows"]):
            raise ExportRefused(
                f"{folder}/{name}: {rows} rows, sha256 {digest[:12]}; the manifest says "
                f"{entry['rows']} rows, sha256 {entry['sha256'][:12]}"
            )
    return folder, files


def refresh_siasn_export(
    outbox_url: str, night: date, source: dict[str, Any] | None = None
) -> SiasnExport:
    """Point the export manifest at `night`'s checked outbox folder, unless it names a newer one."""
    folder, files = checked_files(outbox_url, night)
    fs, path = export_path(outbox_url)
    if fs.exists(path):
        current = json.loads(fs.cat_file(path))
        if date.fromisoformat(current["tanggal_data"]) > night:
            return SiasnExport(
                path=path,
                tanggal_data=current["tanggal_data"],
                folder=current["folder"],
                files=current["files"],
                moved=False,
                requested=night.isoformat(),
            )
    manifest = {
        "tujuan": "SIASN",
        "tanggal_data": night.isoformat(),
        "folder": folder,
        "files": files,
        "diperiksa_pada": datetime.now(UTC).isoformat(timespec="seconds"),
        "sumber": source or {},
    }
    write_atomically(fs, path, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return SiasnExport(
        path=path,
        tanggal_data=night.isoformat(),
        folder=folder,
        files=files,
        requested=night.isoformat(),
    )
