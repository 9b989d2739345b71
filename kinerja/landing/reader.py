"""Inspect one delivered file and say how DuckDB reads it, every value as text, exactly as delivered.

One streaming pass in Python hashes the bytes and catches what must reject the file before any
parsing (not UTF-8, empty, no header); DuckDB then parses it (`,` or `;` CSV with BOM and quoted
separators and newlines, JSON Lines, Parquet). Typing is staging's job, so nothing delivered is
lost or silently reinterpreted on the way in.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import posixpath
import re
from dataclasses import dataclass

from fsspec import AbstractFileSystem

CHUNK = 1 << 20
SUPPORTED_SUFFIXES = (".csv", ".jsonl", ".parquet")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class FileRejected(Exception):
    """A whole file cannot be loaded; the message names the file, rule, line and column."""

    def __init__(
        self,
        path: str,
        reason: str,
        rule: str = "UNREADABLE",
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        where = "".join(
            [f", line {line}" if line else "", f", column {column!r}" if column else ""]
        )
        super().__init__(f"{path}{where}: {rule}: {reason}")
        self.path, self.reason, self.rule, self.line, self.column = path, reason, rule, line, column


@dataclass(frozen=True)
class FileInfo:
    path: str
    suffix: str
    sha256: str
    size: int
    header: tuple[str, ...] = ()  # CSV only, as delivered
    delimiter: str = ","
    last_line: str = ""


def file_sha256(fs: AbstractFileSystem, path: str) -> str:
    digest = hashlib.sha256()
    with fs.open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _header(path: str, first_line: str) -> tuple[tuple[str, ...], str]:
    text = first_line.removeprefix("\ufeff").rstrip("\r\n")
    if not text.strip():
        raise FileRejected(path, "no header row", "EMPTY_FILE", line=1)
    delimiter = ";" if text.count(";") > text.count(",") else ","
    return tuple(next(csv.reader([text], delimiter=delimiter))), delimiter


def inspect_file(fs: AbstractFileSystem, path: str) -> FileInfo:
    """Hash the file and, for text formats, check it decodes as UTF-8 and has a header row."""
    suffix = posixpath.splitext(path)[1].lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FileRejected(
            path, f"{suffix or 'no suffix'} is not .csv, .jsonl or .parquet", "UNSUPPORTED_TYPE"
        )
    digest, size = hashlib.sha256(), 0
    decoder = codecs.getincrementaldecoder("utf-8")() if suffix != ".parquet" else None
    first_line, tail = b"", b""
    with fs.open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            # An ASCII chunk with no character pending from the last one is valid UTF-8: most
            # deliveries are ASCII, and decoding them would cost as much as hashing.
            if decoder is not None and not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = _line_at(fs, path, size + exc.start)
                    raise FileRejected(
                        path,
                        f"not UTF-8 (byte 0x{chunk[exc.start]:02x}); re-export the file as UTF-8",
                        "ENCODING",
                        line=line,
                    ) from exc
            if size == 0:
                first_line = chunk.split(b"\n", 1)[0]
            size += len(chunk)
            tail = (tail + chunk)[-CHUNK:]
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise FileRejected(
                path, "ends inside a UTF-8 character", "TRUNCATED", line=_line_at(fs, path, size)
            ) from exc
    if size == 0:
        raise FileRejected(path, "the file is empty (0 bytes)", "EMPTY_FILE")
    last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    if suffix != ".csv":
        return FileInfo(path, suffix, digest.hexdigest(), size, last_line=last)
    header, delimiter = _header(path, first_line.decode("utf-8", errors="replace"))
    return FileInfo(path, suffix, digest.hexdigest(), size, header, delimiter, last)


def _line_at(fs: AbstractFileSystem, path: str, offset: int) -> int:
    """The 1-based line holding byte `offset`: counted again only when a file is rejected."""
    lines, left = 1, offset
    with fs.open(path, "rb") as fh:
        while left > 0 and (chunk := fh.read(min(CHUNK, left))):
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


def normalise(name: str, position: int) -> str:
    """Header names are matched trimmed and lower-cased; a blank one gets its position."""
    return name.removeprefix("\ufeff").strip().lower() or f"column_{position + 1}"


def reader_sql(url: str, info: FileInfo) -> str:
    """A DuckDB table expression yielding the file's rows, every column named as delivered."""
    source = quote_literal(url)
    if info.suffix == ".csv":
        columns = ", ".join(f"{quote_literal(f'c{i}')}: 'VARCHAR'" for i in range(len(info.header)))
        delim = quote_literal(info.delimiter)
        return (
            f"read_csv({source}, auto_detect = false, header = true, delim = {delim}, "
            f"quote = '\"', escape = '\"', columns = {{{columns}}}, strict_mode = true, "
            f"null_padding = false, max_line_size = 1073741824, parallel = true)"
        )
    if info.suffix == ".jsonl":
        # Keys read as text, with no type detection that would rewrite timestamps or numbers.
        keys = ", ".join(f"{quote_literal(k)}: 'VARCHAR'" for k in info.header)
        return (
            f"read_json({source}, format = 'newline_delimited', records = true, "
            f"auto_detect = false, columns = {{{keys}}})"
        )
    return f"read_parquet({source})"


def with_columns(con, url: str, info: FileInfo) -> FileInfo:
    """The info with its header as delivered: JSON Lines keys and Parquet columns from DuckDB."""
    if info.suffix == ".csv":
        return info
    source = quote_literal(url)
    if info.suffix == ".jsonl":
        probe = f"read_json({source}, format = 'newline_delimited', records = true)"
    else:
        probe = f"read_parquet({source})"
    columns = tuple(con.sql(f"select * from {probe} limit 0").columns)
    return FileInfo(info.path, info.suffix, info.sha256, info.size, columns, "", info.last_line)


def normalised_select(info: FileInfo) -> str:
    """Select list renaming the reader's columns to their normalised names, all as text."""
    columns = info.header
    source = [f"c{i}" for i in range(len(columns))] if info.suffix == ".csv" else columns
    return ", ".join(
        f"cast({quote_ident(s)} as varchar) as {quote_ident(normalise(c, i))}"
        for i, (s, c) in enumerate(zip(source, columns, strict=True))
    )


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_ORIGINAL = re.compile(r"Original Line: (.*?)\n", re.DOTALL)
_JSON_LINE = re.compile(r"Malformed JSON .* in line (\d+)")


def parser_failure(info: FileInfo, error: Exception) -> FileRejected:
    """Turn DuckDB's parser error into a rejection naming the line (TRUNCATED when it is the last)."""
    text = str(error)
    detail = next(
        (ln.strip() for ln in text.splitlines()[1:] if ln.strip() and ":" not in ln[:20]),
        text.splitlines()[0],
    )
    line = None
    if match := _CSV_LINE.search(text):
        line = int(match.group(1))
    elif match := _JSON_LINE.search(text):
        line = int(match.group(1)) - 1  # DuckDB 2.0 counts JSON lines from 2
        detail = text.rsplit(": ", 1)[-1].strip(" .")
    if "unexpected end of data" in text:
        return FileRejected(info.path, "the last JSON record is cut off", "TRUNCATED", line=line)
    original = _ORIGINAL.search(text)
    last = original is not None and original.group(1).strip() == info.last_line.strip()
    if "unterminated quote" in text:
        return FileRejected(info.path, "a quoted value is never closed", "TRUNCATED", line=line)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found and int(found.group(2)) < int(found.group(1)) and last:
        return FileRejected(
            info.path,
            f"the last record has {found.group(2)} of {found.group(1)} fields (cut off)",
            "TRUNCATED",
            line=line,
        )
    if found:
        detail = f"expected {found.group(1)} fields, found {found.group(2)}"
    return FileRejected(info.path, detail, "UNREADABLE", line=line)
