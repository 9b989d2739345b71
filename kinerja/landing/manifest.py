"""`_manifest.json`: what the agency says it delivered, checked for shape before it is believed.

`{"files": {"<name>": {"rows": N, "sha256": "<64 hex>"}}}`; both keys of a file are optional. A
manifest that cannot be read or does not have this shape rejects its batch (MANIFEST_INVALID) with
a message saying what to fix, instead of an exception out of the night's load.
"""

from __future__ import annotations

import json
import re

MANIFEST_NAME = "_manifest.json"
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")

Manifest = dict  # {"files": {name: {"rows": int, "sha256": str}}}


class ManifestInvalid(ValueError):
    """The manifest cannot be used; the message says why, in words the sender can act on."""


def _text(data: bytes) -> str:
    if not data.strip():
        raise ManifestInvalid("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        raise ManifestInvalid("saved as UTF-16; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestInvalid(f"not UTF-8 (byte {exc.start + 1}); save it as UTF-8") from exc


def _entry(name: object, entry: object) -> dict:
    where = f"files[{name!r}]"
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name in ("..", "."):
        raise ManifestInvalid(f"{where}: a file name of the date folder, without a folder")
    if not isinstance(entry, dict):
        raise ManifestInvalid(f"{where} is {type(entry).__name__}, not an object")
    rows = entry.get("rows")
    if "rows" in entry and (not isinstance(rows, int) or isinstance(rows, bool) or rows < 0):
        raise ManifestInvalid(f"{where}.rows is {rows!r}, not a whole number of rows")
    sha = entry.get("sha256")
    if "sha256" in entry and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
        raise ManifestInvalid(f"{where}.sha256 is {sha!r}, not 64 hexadecimal digits")
    return entry


def parse_manifest(data: bytes) -> Manifest:
    """The manifest's files as `{name: {...}}`; raises ManifestInvalid naming what is wrong."""
    text = _text(data)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestInvalid(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    if not isinstance(parsed, dict):
        raise ManifestInvalid(f'a JSON {type(parsed).__name__}, not an object {{"files": {{...}}}}')
    files = parsed.get("files", {})
    if not isinstance(files, dict):
        raise ManifestInvalid(f'"files" is a JSON {type(files).__name__}, not an object')
    return {"files": {name: _entry(name, entry) for name, entry in files.items()}}
