"""Where deliveries are: `<landing>/<extract>/<YYYY-MM-DD>/<name>.<csv|jsonl|parquet>`.

Everything found in the landing area is accounted for: a file to load, a file still arriving
(waiting), an entry that is not a regular file, a broken manifest, or a folder the layout does not
know (a finding). Links are never followed: entries are judged by fsspec's `lstat`-style details.
"""

from __future__ import annotations

import posixpath
import time
from dataclasses import dataclass, field
from datetime import date

import fsspec
from fsspec import AbstractFileSystem

from kinerja.landing.manifest import MANIFEST_NAME, Manifest, ManifestInvalid, parse_manifest

# Names an uploader gives a file before it is complete (browsers, rsync, office suites, editors).
TEMPORARY_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", "~")
# What desktops leave in any folder they show: never a delivery, never a reason to wait.
OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class Entry:
    """One entry of a folder that is not a loadable file, and why."""

    path: str
    rule: str
    reason: str


@dataclass(frozen=True)
class DeliveryFolder:
    """The files one extract delivered for one extraction date."""

    extract: str
    extraction_date: date
    folder: str
    files: tuple[str, ...]
    manifest: dict | None = field(default=None, compare=False)
    # Files still arriving (UPLOAD_IN_PROGRESS), never read; without a manifest the date waits.
    waiting: tuple[Entry, ...] = ()
    # Entries that reject the batch: links, pipes, folders named like files, a broken manifest.
    problems: tuple[Entry, ...] = ()

    @property
    def listed(self) -> tuple[str, ...]:
        """The file names the manifest lists (none without a manifest)."""
        return tuple((self.manifest or {}).get("files", {}))


def open_landing(landing: str) -> tuple[AbstractFileSystem, str]:
    fs, root = fsspec.core.url_to_fs(landing)
    return fs, root.rstrip("/")


def _name(entry: dict) -> str:
    return posixpath.basename(entry["name"].rstrip("/"))


def _parse_date(name: str) -> date | None:
    try:
        parsed = date.fromisoformat(name)
    except ValueError:
        return None
    # fromisoformat also takes 20260302 and 2026-W10-1: only the contract's spelling is a date.
    return parsed if parsed.isoformat() == name else None


def _is_dir(entry: dict) -> bool:
    return entry["type"] == "directory" and not entry.get("islink")


def _not_data(name: str) -> bool:
    return name.startswith((".", "_"))


def delivery_dates(fs: AbstractFileSystem, root: str, extract: str) -> list[date]:
    """Every extraction date folder an extract has, oldest first (see `layout_findings` for the
    entries that are not)."""
    extract_dir = posixpath.join(root, extract)
    if not fs.isdir(extract_dir):
        return []
    dates = [_parse_date(_name(e)) for e in fs.ls(extract_dir, detail=True) if _is_dir(e)]
    return sorted(d for d in dates if d)


def layout_findings(fs: AbstractFileSystem, root: str, extracts: list[str]) -> list[Entry]:
    """Folders that hold deliveries the layout cannot place: an extract folder in another case,
    and entries of an extract folder that are not date folders. Hidden and `_` names are not data
    and are left alone (`_ground_truth/`, `.DS_Store`)."""
    if not fs.isdir(root):
        return []
    findings = []
    known = {name.lower(): name for name in extracts}
    for entry in fs.ls(root, detail=True):
        name = _name(entry)
        if name not in extracts and name.lower() in known:
            findings.append(
                Entry(
                    f"{root}/{name}",
                    "EXTRACT_FOLDER_CASE",
                    f"not read: the extract folder is {known[name.lower()]!r}, not {name!r}; "
                    "move its date folders there",
                )
            )
    for extract in extracts:
        extract_dir = posixpath.join(root, extract)
        if not fs.isdir(extract_dir):
            continue
        for entry in fs.ls(extract_dir, detail=True):
            name = _name(entry)
            if _not_data(name) or (_is_dir(entry) and _parse_date(name)):
                continue
            kind = "folder" if _is_dir(entry) else "entry"
            findings.append(
                Entry(
                    f"{extract_dir}/{name}",
                    "DATE_FOLDER_NAME",
                    f"not read: a {kind} of {extract}/ that is not a YYYY-MM-DD date folder",
                )
            )
    return sorted(findings, key=lambda f: f.path)


def _modified(fs: AbstractFileSystem, entry: dict) -> float | None:
    """Seconds since the epoch of the entry's last change, when the filesystem says."""
    if entry.get("mtime") is not None:
        return float(entry["mtime"])
    try:
        return fs.modified(entry["name"]).timestamp()
    except (NotImplementedError, OSError, AttributeError):
        # Object stores without a modification time: an object appears whole when its upload ends.
        return None


def _irregular(entry: dict) -> str | None:
    if entry.get("islink"):
        target = entry.get("destination")
        return "a symbolic link" + (f" (to {target})" if target else "") + ", never followed"
    if entry["type"] == "directory":
        return "a folder, not a file"
    if entry["type"] != "file":
        return "not a regular file (a pipe, socket or device)"
    return None


def _in_progress(name: str, modified: float | None, settle_seconds: float, now: float) -> str:
    if name.startswith("."):
        return "a hidden file: an upload in progress"
    if name.startswith("_"):
        return "an _-prefixed file: a draft or an upload in progress"
    if name.endswith(TEMPORARY_SUFFIXES):
        return "a temporary file: an upload in progress"
    if modified is not None and now - modified < settle_seconds:
        return f"modified {now - modified:.0f} s ago (settle time {settle_seconds:g} s)"
    return ""


def delivery_folder(
    fs: AbstractFileSystem,
    root: str,
    extract: str,
    extraction_date: date,
    settle_seconds: float = 0,
    now: float | None = None,
) -> DeliveryFolder | None:
    folder = posixpath.join(root, extract, extraction_date.isoformat())
    if not fs.isdir(folder):
        return None
    now = time.time() if now is None else now
    entries = {_name(e): e for e in fs.ls(folder, detail=True)}
    manifest: Manifest | None = None
    problems: list[Entry] = []
    files, waiting = [], []
    if MANIFEST_NAME in entries:
        manifest_path = posixpath.join(folder, MANIFEST_NAME)
        entry = entries[MANIFEST_NAME]
        reason = _irregular(entry)
        try:
            if reason:
                raise ManifestInvalid(reason)
            with fs.open(manifest_path, "rb") as fh:
                manifest = parse_manifest(fh.read())
        except ManifestInvalid as exc:
            if _in_progress("", _modified(fs, entry), settle_seconds, now):
                # Half written, most likely: judged once it has settled.
                waiting.append(Entry(manifest_path, "UPLOAD_IN_PROGRESS", f"{exc}, and recent"))
            else:
                fix = f"{exc}; correct or remove it and load this date again"
                problems.append(Entry(manifest_path, "MANIFEST_INVALID", fix))
    listed = set(manifest["files"]) if manifest else set()
    # Every delivered file counts, whatever its type: an unsupported one is rejected, not ignored.
    for name in sorted(entries):
        litter = name in OS_LITTER or name.startswith("._")
        if name == MANIFEST_NAME or (litter and name not in listed):
            continue
        path = posixpath.join(folder, name)
        entry = entries[name]
        irregular = _irregular(entry)
        if irregular:
            if name in listed or not _not_data(name):
                problems.append(Entry(path, "NOT_A_REGULAR_FILE", irregular))
            continue
        if name in listed:
            files.append(path)
            continue
        arriving = _in_progress(name, _modified(fs, entry), settle_seconds, now)
        if arriving:
            waiting.append(Entry(path, "UPLOAD_IN_PROGRESS", arriving))
        else:
            files.append(path)
    return DeliveryFolder(
        extract,
        extraction_date,
        folder,
        tuple(files),
        manifest,
        tuple(waiting),
        tuple(problems),
    )
