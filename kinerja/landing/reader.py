"""Read one delivered file into a frame of text columns, exactly as delivered.

DuckDB's readers do the parsing (CSV dialect sniffing for `,` or `;`, BOM, quoted separators and
newlines; JSON Lines; Parquet). Every value stays text: typing is staging's job, so that nothing
delivered is lost or silently reinterpreted on the way in.
"""

from __future__ import annotations

import hashlib
import posixpath

import duckdb
import pandas as pd
from fsspec import AbstractFileSystem


class FileRejected(Exception):
    """A whole file cannot be loaded; the message says which file and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def file_sha256(fs: AbstractFileSystem, path: str) -> str:
    digest = hashlib.sha256()
    with fs.open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _reader_sql(path: str) -> str:
    suffix = posixpath.splitext(path)[1].lower()
    quoted = "'" + path.replace("'", "''") + "'"
    if suffix == ".csv":
        return (
            f"select * from read_csv({quoted}, header = true, all_varchar = true, sample_size = -1)"
        )
    if suffix == ".jsonl":
        return f"select * from read_json({quoted}, format = 'newline_delimited')"
    if suffix == ".parquet":
        return f"select * from read_parquet({quoted})"
    raise FileRejected(path, f"unsupported file type {suffix!r}")


def read_delivery_file(fs: AbstractFileSystem, path: str) -> pd.DataFrame:
    """All columns as text (None for empty), header names trimmed and lower-cased."""
    con = duckdb.connect()
    try:
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        url = path
        if protocol not in ("file", "local"):
            con.register_filesystem(fs)
            url = f"{protocol}://{path}"
        try:
            relation = con.sql(_reader_sql(url))
            columns = relation.columns
            text = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in columns)
            frame = con.sql(f"select {text} from ({_reader_sql(url)})").df()
        except duckdb.Error as exc:
            raise FileRejected(path, f"unreadable: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame.astype(object).where(frame.notna(), None)
