"""Where deliveries are: `<landing>/<extract>/<YYYY-MM-DD>/<name>.<csv|jsonl|parquet>`."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from datetime import date

import fsspec
from fsspec import AbstractFileSystem

MANIFEST_NAME = "_manifest.json"


@dataclass(frozen=True)
class DeliveryFolder:
    """The files one extract delivered for one extraction date."""

    extract: str
    extraction_date: date
    folder: str
    files: tuple[str, ...]
    manifest: dict | None = field(default=None, compare=False)


def open_landing(landing: str) -> tuple[AbstractFileSystem, str]:
    fs, root = fsspec.core.url_to_fs(landing)
    return fs, root.rstrip("/")


def _parse_date(name: str) -> date | None:
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


def delivery_dates(fs: AbstractFileSystem, root: str, extract: str) -> list[date]:
    """Every extraction date folder an extract has, oldest first; other folder names are ignored."""
    extract_dir = posixpath.join(root, extract)
    if not fs.isdir(extract_dir):
        return []
    dates = []
    for entry in fs.ls(extract_dir, detail=True):
        if entry["type"] == "directory":
            parsed = _parse_date(posixpath.basename(entry["name"].rstrip("/")))
            if parsed:
                dates.append(parsed)
    return sorted(dates)


def delivery_folder(
    fs: AbstractFileSystem, root: str, extract: str, extraction_date: date
) -> DeliveryFolder | None:
    folder = posixpath.join(root, extract, extraction_date.isoformat())
    if not fs.isdir(folder):
        return None
    entries = fs.ls(folder, detail=True)
    names = sorted(posixpath.basename(e["name"].rstrip("/")) for e in entries)
    # Every delivered file counts, whatever its type: an unsupported one is rejected, not ignored.
    files = tuple(
        posixpath.join(folder, posixpath.basename(e["name"].rstrip("/")))
        for e in sorted(entries, key=lambda e: e["name"])
        if e["type"] == "file" and not posixpath.basename(e["name"]).startswith((".", "_"))
    )
    manifest = None
    if MANIFEST_NAME in names:
        with fs.open(posixpath.join(folder, MANIFEST_NAME), "rb") as fh:
            manifest = json.loads(fh.read().decode("utf-8-sig"))
    return DeliveryFolder(extract, extraction_date, folder, files, manifest)
