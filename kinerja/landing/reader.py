"""Inspect one delivered file and say how DuckDB reads it, every value as text, exactly as delivered.

One streaming pass in Python hashes the bytes, copies them to a private snapshot and catches what
must reject the file before any parsing (unreadable, not UTF-8, UTF-16, empty, no header); DuckDB
then parses the snapshot (`,` or `;` CSV with BOM and quoted separators and newlines, JSON Lines,
Parquet). Typing is staging's job, so nothing delivered is lost or silently reinterpreted on the
way in.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow.parquet as pq
from fsspec import AbstractFileSystem

from kinerja.landing.snapshots import create_private

CHUNK = 1 << 20
# The longest CSV line DuckDB accepts: a value past the contract's length is quarantined with its
# row, never the reason a whole file is refused.
MAX_LINE_BYTES = 1 << 30
SUPPORTED_SUFFIXES = (".csv", ".jsonl", ".parquet")
TEXT_SUFFIXES = (".csv", ".jsonl")


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
        sha256: str | None = None,
    ) -> None:
        where = "".join(
            [f", line {line}" if line else "", f", column {column!r}" if column else ""]
        )
        super().__init__(f"{path}{where}: {rule}: {reason}")
        self.path, self.reason, self.rule, self.line, self.column = path, reason, rule, line, column
        self.sha256 = sha256  # of the bytes read, when the file could be read to its end


@dataclass(frozen=True)
class FileInfo:
    path: str
    suffix: str
    sha256: str
    size: int
    header: tuple[str, ...] = ()  # column names as delivered (CSV: line 1; see with_columns)
    delimiter: str = ","
    last_line: str = ""
    snapshot: str = ""  # the private copy DuckDB reads (kinerja.landing.snapshots)


def _header(path: str, text: str) -> tuple[tuple[str, ...], str]:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FileRejected(path, "no header row", "EMPTY_FILE", line=1)
    delimiter = ";" if text.count(";") > text.count(",") else ","
    try:
        return tuple(next(csv.reader([text], delimiter=delimiter))), delimiter
    except csv.Error as exc:
        raise FileRejected(path, f"the header row cannot be parsed ({exc})", line=1) from exc


def _chunks(fs: AbstractFileSystem, path: str) -> Iterator[bytes]:
    """The file's bytes; a file that cannot be opened or read is rejected, not a crash."""
    try:
        with fs.open(path, "rb") as fh:
            yield from iter(lambda: fh.read(CHUNK), b"")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise FileRejected(
            path, f"cannot be read ({reason}); check that it is a regular file others may read"
        ) from exc


def _utf16(start: bytes) -> str | None:
    """How the file's first bytes give UTF-16 away (a byte order mark, or NUL beside every
    ASCII character, which is valid UTF-8 and would otherwise pass as a garbled header)."""
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "starts with a UTF-16 byte order mark"
    sample = start[:1024]
    for half in (sample[0::2], sample[1::2]):
        if len(half) >= 4 and half.count(0) >= 0.9 * len(half):
            return "has a NUL byte beside every character (UTF-16 without byte order mark)"
    return None


def inspect_file(fs: AbstractFileSystem, path: str, snapshot: Path) -> FileInfo:
    """Read the delivered file once: hash it, copy it to `snapshot` (the file DuckDB reads, so the
    checksum describes the very bytes loaded) and check text decodes as UTF-8 with a header row.

    A rejection carries the file's sha256 when the file could be read to its end.
    """
    suffix = posixpath.splitext(path)[1].lower()
    digest, size = hashlib.sha256(), 0
    decoder = codecs.getincrementaldecoder("utf-8")() if suffix in TEXT_SUFFIXES else None
    not_utf8: tuple[int, int] | None = None  # (offset, byte) of the first invalid sequence
    first, tail = b"", b""
    copy = create_private(snapshot) if suffix in SUPPORTED_SUFFIXES else None
    try:
        for chunk in _chunks(fs, path):
            digest.update(chunk)
            if copy is not None:
                copy.write(chunk)
            # An ASCII chunk with no character pending from the last one is valid UTF-8: most
            # deliveries are ASCII, and decoding them would cost as much as hashing.
            if decoder is not None and not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    not_utf8, decoder = (size + exc.start, chunk[exc.start]), None
            if size == 0:
                first = chunk
            size += len(chunk)
            tail = (tail + chunk)[-CHUNK:]
    finally:
        if copy is not None:
            copy.close()
    sha256 = digest.hexdigest()

    def rejected(reason: str, rule: str, line: int | None = None) -> FileRejected:
        return FileRejected(path, reason, rule, line=line, sha256=sha256)

    if suffix not in SUPPORTED_SUFFIXES:
        raise rejected(
            f"{suffix or 'no suffix'} is not .csv, .jsonl or .parquet", "UNSUPPORTED_TYPE"
        )
    if size == 0:
        raise rejected("the file is empty (0 bytes)", "EMPTY_FILE")
    if suffix in TEXT_SUFFIXES:
        if utf16 := _utf16(first):
            raise rejected(f"{utf16}; re-export the file as UTF-8", "ENCODING", line=1)
        if not_utf8 is not None:
            offset, byte = not_utf8
            line = _line_at(snapshot, offset)
            raise rejected(
                f"not UTF-8 (byte 0x{byte:02x}); re-export the file as UTF-8", "ENCODING", line
            )
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                line = _line_at(snapshot, size)
                raise rejected("ends inside a UTF-8 character", "TRUNCATED", line) from exc
    last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    info = FileInfo(path, suffix, sha256, size, last_line=last, snapshot=str(snapshot))
    if suffix != ".csv":
        return info
    try:
        header, delimiter = _header(path, _header_line(path, first))
    except FileRejected as exc:
        exc.sha256 = sha256
        raise
    return replace(info, header=header, delimiter=delimiter)


def _header_line(path: str, first: bytes) -> str:
    """Line 1 of a CSV. A carriage return inside it is a line end only when the file has no line
    feeds at all (old Mac line endings, which DuckDB reads too); otherwise the file mixes them."""
    end = first.find(b"\n")
    line = (first if end < 0 else first[:end]).removesuffix(b"\r")
    if b"\r" in line:
        if end >= 0:
            raise FileRejected(
                path,
                "the header line holds a carriage return not followed by a line feed; re-export "
                "the file with LF or CRLF line endings",
                line=1,
            )
        line = line.split(b"\r", 1)[0]
    return line.decode("utf-8", errors="replace")


def _line_at(snapshot: Path, offset: int) -> int:
    """The 1-based line holding byte `offset`: counted again only when a file is rejected."""
    lines, left = 1, offset
    with snapshot.open("rb") as fh:
        while left > 0 and (chunk := fh.read(min(CHUNK, left))):
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


def _last_record_line(info: FileInfo) -> int:
    """The line of the file's last record (trailing line ends ignored): read on rejection only."""
    snapshot = Path(info.snapshot)
    with snapshot.open("rb") as fh:
        fh.seek(max(0, info.size - CHUNK))
        tail = fh.read()
    return _line_at(snapshot, info.size - (len(tail) - len(tail.rstrip(b"\r\n"))))


def normalise(name: str, position: int) -> str:
    """Header names are matched trimmed and lower-cased; a blank one gets its position."""
    return name.removeprefix("\ufeff").strip().lower() or f"column_{position + 1}"


def reader_sql(info: FileInfo, max_line_bytes: int = MAX_LINE_BYTES) -> str:
    """A DuckDB table expression yielding the file's rows, every column named as delivered.

    DuckDB splits a CSV into buffers larger than `max_line_bytes`: a lower limit lets several
    threads read one large file, and a line past it fails the read."""
    source = quote_literal(info.snapshot)
    if info.suffix == ".csv":
        columns = ", ".join(f"{quote_literal(f'c{i}')}: 'VARCHAR'" for i in range(len(info.header)))
        delim = quote_literal(info.delimiter)
        return (
            f"read_csv({source}, auto_detect = false, header = true, delim = {delim}, "
            f"quote = '\"', escape = '\"', columns = {{{columns}}}, strict_mode = true, "
            f"null_padding = false, max_line_size = {max_line_bytes}, parallel = true)"
        )
    if info.suffix == ".jsonl":
        # Keys read as text, with no type detection that would rewrite timestamps or numbers.
        keys = ", ".join(f"{quote_literal(k)}: 'VARCHAR'" for k in info.header)
        return (
            f"read_json({source}, format = 'newline_delimited', records = true, "
            f"auto_detect = false, columns = {{{keys}}})"
        )
    return f"read_parquet({source})"


def with_columns(con, info: FileInfo) -> FileInfo:
    """The info with its header as delivered: every key of a JSON Lines file, wherever it first
    appears (DuckDB's detection sample would miss late ones), and a Parquet file's own column
    names (DuckDB renames a repeated one)."""
    if info.suffix == ".csv":
        return info
    if info.suffix == ".jsonl":
        keys = con.sql(
            "select key from (select unnest(json_keys(json)) as key, row_number() over () as seen "
            f"from read_ndjson_objects({quote_literal(info.snapshot)})) "
            "group by key order by min(seen)"
        ).fetchall()
        return replace(info, header=tuple(k for (k,) in keys), delimiter="")
    try:
        names = pq.read_schema(info.snapshot).names
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise FileRejected(info.path, f"not a readable Parquet file ({exc})") from exc
    return replace(info, header=tuple(names), delimiter="")


def repeated_column(info: FileInfo) -> FileRejected | None:
    """A rejection when two delivered columns (CSV header, JSON keys, Parquet columns) name the
    same column once trimmed and lower-cased: which one holds the value cannot be told."""
    seen: dict[str, str] = {}
    for i, name in enumerate(info.header):
        key = normalise(name, i)
        if key in seen:
            first = seen[key]
            reason = (
                f"column {name!r} is delivered twice"
                if first == name
                else f"columns {first!r} and {name!r} both name column {key!r}"
            )
            return FileRejected(
                info.path,
                reason,
                "DUPLICATE_COLUMN",
                line=1 if info.suffix == ".csv" else None,
                column=key,
            )
        seen[key] = name
    return None


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
_JSON_DUPLICATE = re.compile(r"in line (\d+): Object .* has duplicate key \"(.*)\"")


def parser_failure(info: FileInfo, error: Exception) -> FileRejected:
    """Turn DuckDB's parser error into a rejection naming the line (TRUNCATED when it is the last)."""
    text = str(error)
    detail = next(
        (ln.strip() for ln in text.splitlines()[1:] if ln.strip() and ":" not in ln[:20]),
        text.splitlines()[0],
    )
    line = None
    if match := _JSON_DUPLICATE.search(text):
        key = match.group(2)
        return FileRejected(
            info.path,
            f"a record holds key {key!r} twice",
            "DUPLICATE_COLUMN",
            line=int(match.group(1)),
            column=key,
        )
    if match := _CSV_LINE.search(text):
        line = int(match.group(1))
    elif match := _JSON_LINE.search(text):
        line = int(match.group(1)) - 1  # DuckDB 2.0 counts JSON lines from 2
        detail = text.rsplit(": ", 1)[-1].strip(" .")
    if "unexpected end of data" in text:
        # DuckDB says so of any record cut short; only the last one is an interrupted upload.
        if line is None or line == _last_record_line(info):
            return FileRejected(
                info.path, "the last JSON record is cut off", "TRUNCATED", line=line
            )
        return FileRejected(info.path, "a JSON record ends early (not the last one)", line=line)
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
