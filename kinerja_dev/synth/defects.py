"""Defects as real deliveries have them, injected into generated extracts with a ground truth.

`generate(..., defects=RATE)` hands every delivery to a DefectInjector before it is written. Each
data row becomes defective with probability RATE (the class tried least so far first, so a class
that fits few extracts still appears in a small landing); each file-level class is injected once,
into a delivery of its own, so the loader's verdict on a batch has a single cause. Every injected
defect is listed in `<landing>/_ground_truth/defects.jsonl` with the outcome the contract predicts:
the rule code a row is quarantined for or a file is rejected for, or that it loads as delivered.

Row numbers are 1-based data records, as `raw.<extract>._row_number` and `raw.quarantine` count
them; `line` is the physical line in the file (the header is line 1; generated values never hold
a newline). Delivery classes are about the folder rather than a file's contents (a broken manifest,
a folder named like a file, an upload still in progress beside the delivery); like file classes,
each is injected once into a delivery of its own. A defective row breaks exactly one rule: columns that take part in cross-field rules
(NIP against birth date and sex, start before end) are only altered by the class that tests them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kinerja.contract import rules
from kinerja.contract.extracts import DEFAULT_MAX_VALUE_LENGTH, EXTRACTS, Kind

QUARANTINED, REJECTED = "QUARANTINED", "REJECTED"
# Never read: reported as still arriving, while the rest of its delivery loads (it has a manifest).
WAITING = "WAITING"
LOADED, COUNTED_ONCE = "LOADED", "LOADED_AND_COUNTED_ONCE"

# The shared rule vocabulary (kinerja.contract.rules): quarantined rows and rejected files.
ROW_RULES = tuple(r.code for r in rules.ROW_RULES)
# Loaded as delivered: the loader must keep them, never quarantine or evaluate them. Finding
# rules (kinerja.contract.rules.FINDING_RULES) are among them: the warehouse flags those rows.
FINDING_RULES = tuple(r.code for r in rules.FINDING_RULES)
LOADED_CLASSES = (
    *FINDING_RULES,
    "FORMULA_TEXT",
    "SQL_TEXT",
    "TIMESTAMP_WITHOUT_OFFSET",
    "DUPLICATE_IN_FILE",
    "DUPLICATE_ACROSS_FILES",
)
FILE_RULES = tuple(r.code for r in rules.FILE_RULES)
# Which extract each file-level defect goes into: presensi arrives every working day, pegawai
# every Monday, so both have deliveries in any range of a few weeks.
FILE_RULE_EXTRACT = {
    "EMPTY_FILE": "presensi",
    "ENCODING": "pegawai",
    "UNREADABLE": "presensi",
    "TRUNCATED": "presensi",
    "DUPLICATE_COLUMN": "presensi",
    "MISSING_COLUMN": "pegawai",
    "MANIFEST_MISMATCH": "presensi",
    "UNSUPPORTED_TYPE": "presensi",
}
# Delivery classes (kinerja.contract.rules.DELIVERY_RULES that a single generated night can hold;
# empty re-deliveries need a second night, and links and pipes do not survive copying a landing).
DELIVERY_CLASS_EXTRACT = {
    "MANIFEST_INVALID": "presensi",
    "NOT_A_REGULAR_FILE": "presensi",
    "UPLOAD_IN_PROGRESS": "presensi",
}
DELIVERY_CLASSES = tuple(DELIVERY_CLASS_EXTRACT)
# Classes that need the delivery's manifest: the file (or the lack of one) is judged against it.
NEEDS_MANIFEST = ("MANIFEST_MISMATCH", "MANIFEST_INVALID", "UPLOAD_IN_PROGRESS")
VALUE_LIMIT = DEFAULT_MAX_VALUE_LENGTH
FREE_TEXT = {
    "unit_kerja": ("nama_unit",),
    "pegawai": ("nama", "nama_jabatan"),
    "presensi": ("id_perangkat",),
    "pelatihan": ("nama_pelatihan",),
    "hukuman_disiplin": ("jenis_hukuman", "alasan"),
}
# Upsert extracts (latest version per key) and presensi (a punch counts once) dedupe in staging.
DEDUPED = ("presensi", "izin", "skp", "pelatihan", "hukuman_disiplin")
# Columns compared with other columns by a rule: left alone by every other class.
CROSS_FIELD = {
    "pegawai": ("nip", "jenis_kelamin", "tanggal_lahir", "status_kepegawaian"),
    "izin": ("tanggal_mulai", "tanggal_selesai"),
    "pelatihan": ("tanggal_mulai", "tanggal_selesai"),
}
# Dates that cannot lie after the extraction date, per extract.
NOT_FUTURE = {
    "pegawai": "tmt_cpns",
    "skp": "tanggal_penilaian",
    "hukuman_disiplin": "tanggal_sk",
}
END_AFTER_START = {
    "izin": ("tanggal_mulai", "tanggal_selesai"),
    "pelatihan": ("tanggal_mulai", "tanggal_selesai"),
}
LAT_LON = {"unit_kerja", "presensi"}
NON_NEGATIVE = {
    "unit_kerja": ("radius_presensi_m", "-50"),
    "pelatihan": ("jp", "0"),
    "hukuman_disiplin": ("masa_bulan", "-3"),
}
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass
class DeliveredFile:
    """One file of a date folder as it will be written."""

    name: str
    data: bytes
    rows: int  # data rows, as the manifest states them
    listed: bool = True  # False: delivered beside the files the manifest lists


@dataclass
class Folder:
    files: list[DeliveredFile]
    manifest: bool = True  # False: this folder has no _manifest.json
    manifest_bytes: bytes | None = None  # written instead of the manifest the files call for


_NEEDS_QUOTES = r'[,"\n]'  # what the csv module quotes under QUOTE_MINIMAL with "\n" line ends


def render_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text, exactly as `to_csv(index=False, lineterminator="\\n", na_rep="")`.

    Frames of text only (punches, snapshots: nearly every byte of a landing) are joined column
    by column in Arrow, an order of magnitude faster than pandas' row-by-row writer.
    """
    if len(frame.columns) < 2 or not all(_is_text(frame[c]) for c in frame.columns):
        return frame.to_csv(index=False, lineterminator="\n", na_rep="")
    header = ",".join(_csv_fields(pa.array(list(frame.columns), pa.string())).to_pylist())
    if frame.empty:
        return header + "\n"
    fields = [_csv_fields(pa.array(frame[c].astype("str"), pa.string())) for c in frame.columns]
    rows = pc.binary_join_element_wise(*fields, ",")
    return header + "\n" + "\n".join(rows.to_pylist()) + "\n"


def _is_text(values: pd.Series) -> bool:
    if isinstance(values.dtype, pd.StringDtype):
        return True
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in (
        "string",
        "empty",
    )


def _csv_fields(values: pa.Array) -> pa.Array:
    values = pc.fill_null(values, "")
    quote = pc.match_substring_regex(values, _NEEDS_QUOTES)
    if pc.any(quote).as_py():
        doubled = pc.replace_substring(values, '"', '""')
        values = pc.if_else(quote, pc.binary_join_element_wise('"', doubled, '"', ""), values)
    return values


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _columns(extract: str, *kinds: Kind, required_only: bool = False) -> list[str]:
    cross = CROSS_FIELD.get(extract, ())
    return [
        c.name
        for c in EXTRACTS[extract].columns
        if c.kind in kinds and c.name not in cross and (c.required or not required_only)
    ]


_ORDER = {name: i for i, name in enumerate((*ROW_RULES, *LOADED_CLASSES))}


def row_classes(extract: str) -> list[str]:
    """The row-level and loaded-as-delivered classes that can occur in an extract."""
    spec = EXTRACTS[extract]
    kinds = {c.kind for c in spec.columns}
    fits = {
        "REQUIRED_MISSING": bool(_columns(extract, *Kind, required_only=True)),
        "INVALID_CODE": bool(_columns(extract, Kind.CODE)),
        "INVALID_NIP": Kind.NIP in kinds,
        "NIP_PROFILE_MISMATCH": extract == "pegawai",
        "INVALID_NIK": Kind.NIK in kinds,
        "INVALID_DATE": bool(_columns(extract, Kind.DATE)),
        "INVALID_TIMESTAMP": Kind.TIMESTAMP in kinds,
        "INVALID_NUMBER": bool(_columns(extract, Kind.DECIMAL, Kind.INTEGER)),
        "DATE_OUT_OF_RANGE": extract in NOT_FUTURE
        or extract in END_AFTER_START
        or extract == "presensi",
        "LAT_LON_OUT_OF_RANGE": extract in LAT_LON,
        "VALUE_OUT_OF_RANGE": extract in NON_NEGATIVE,
        "INVALID_CHARACTERS": extract in FREE_TEXT,
        "VALUE_TOO_LONG": extract in FREE_TEXT,
        "DUPLICATED_HEADER": True,
        "FORMULA_TEXT": extract in FREE_TEXT,
        "SQL_TEXT": extract in FREE_TEXT,
        "TIMESTAMP_WITHOUT_OFFSET": Kind.TIMESTAMP in kinds,
        "DUPLICATE_IN_FILE": extract in DEDUPED,
        "DUPLICATE_ACROSS_FILES": extract == "presensi",
    }
    return [name for name in (*ROW_RULES, *LOADED_CLASSES) if fits[name]]


def expected_outcome(defect: str) -> tuple[str, str | None]:
    """(outcome, rule) the contract predicts for a defect class."""
    if defect in ROW_RULES:
        return QUARANTINED, defect
    if defect in FILE_RULES:
        return REJECTED, defect
    if defect == "UPLOAD_IN_PROGRESS":
        return WAITING, defect
    if defect in DELIVERY_CLASSES:
        return REJECTED, defect
    if defect.startswith("DUPLICATE_"):
        return COUNTED_ONCE, None
    return LOADED, None


@dataclass
class _Placed:
    defect: str
    row_id: int  # position in the frame before insertions; inserted rows get ids past the end
    column: str | None
    duplicate_of: int | None = None
    file: str | None = None  # the extra file of a cross-file duplicate
    value: str | None = None  # what a loaded-as-delivered class wrote, to find it in raw


@dataclass
class DefectInjector:
    """Alters deliveries at a known rate and remembers each alteration."""

    rng: np.random.Generator
    rate: float
    days: list[date]
    manifests: bool = True
    records: list[dict] = field(default_factory=list)
    _tried: Counter = field(default_factory=Counter)
    _pending: dict[str, date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 < self.rate < 1:
            raise ValueError(f"defect rate must be in (0, 1), got {self.rate}")
        rules = [
            r for r in FILE_RULES + DELIVERY_CLASSES if self.manifests or r not in NEEDS_MANIFEST
        ]
        span = len(self.days)
        self._pending = {
            rule: self.days[min(span - 1, (i + 1) * span // (len(rules) + 1))]
            for i, rule in enumerate(rules)
        }

    # -- per delivery ---------------------------------------------------------------------------

    def deliver(self, extract: str, day: date, frame: pd.DataFrame, name: str) -> Folder:
        rule = self._file_rule_for(extract, day)
        if rule in DELIVERY_CLASSES:
            return self._delivery_defect(rule, extract, day, frame, name)
        if rule is not None:
            return self._file_defect(rule, extract, day, frame, name)
        return self._row_defects(extract, day, frame, name)

    def _file_rule_for(self, extract: str, day: date) -> str | None:
        for rule, not_before in self._pending.items():
            owner = FILE_RULE_EXTRACT.get(rule) or DELIVERY_CLASS_EXTRACT[rule]
            if owner == extract and day >= not_before:
                del self._pending[rule]
                return rule
        return None

    @property
    def missing_file_rules(self) -> list[str]:
        """File-level classes the range was too short to place."""
        return sorted(self._pending)

    def counts(self) -> dict[str, int]:
        return dict(Counter(r["defect"] for r in self.records))

    def write_ground_truth(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            for record in self.records:
                fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")

    def _record(self, extract, day, file, defect, row=None, column=None, **extra) -> None:
        outcome, rule = expected_outcome(defect)
        self.records.append(
            {
                "extract": extract,
                "extraction_date": day.isoformat(),
                "file": f"{extract}/{day.isoformat()}/{file}",
                "row_number": row,
                "line": None if row is None else row + (0 if file.endswith(".jsonl") else 1),
                "defect": defect,
                "column": column,
                "expected": outcome,
                "rule": rule,
                **extra,
            }
        )

    # -- row level ------------------------------------------------------------------------------

    def _row_defects(self, extract: str, day: date, frame: pd.DataFrame, name: str) -> Folder:
        n = len(frame)
        k = int(self.rng.binomial(n, self.rate)) if n else 0
        if k == 0:
            data = render_csv(frame).encode("utf-8")
            return Folder([DeliveredFile(name, data, n)])
        classes = row_classes(extract)
        # A numpy object array, not the frame: per-cell pandas access would cost the generator
        # more than the defects are worth.
        columns = list(frame.columns)
        values = frame.to_numpy(dtype=object, copy=True)
        free = np.ones(n, dtype=bool)
        placed: list[_Placed] = []
        for _ in range(k):
            # The class tried least so far: classes that fit few extracts still come up early.
            defect = min(classes, key=lambda c: (self._tried[c], _ORDER[c]))
            self._tried[defect] += 1
            spot = self._place(defect, extract, day, values, columns, free, n + len(placed))
            if spot is not None:
                placed.append(spot)
        final, positions = self._assemble(values, columns, placed)
        files = [DeliveredFile(name, render_csv(final).encode("utf-8"), len(final))]
        resend = [p for p in placed if p.defect == "DUPLICATE_ACROSS_FILES"]
        if resend:
            second = name.replace(".csv", "_susulan.csv")
            copies = pd.DataFrame(values[[p.duplicate_of for p in resend]], columns=columns)
            files.append(DeliveredFile(second, render_csv(copies).encode("utf-8"), len(copies)))
            for i, p in enumerate(resend, start=1):
                p.file, p.row_id = second, i
        for p in placed:
            extra = {} if p.value is None else {"value": p.value}
            if p.duplicate_of is not None:
                extra["duplicate_of"] = {
                    "file": f"{extract}/{day.isoformat()}/{name}",
                    "row_number": positions[p.duplicate_of],
                }
            row = p.row_id if p.file else positions[p.row_id]
            self._record(extract, day, p.file or name, p.defect, row, p.column, **extra)
        return Folder(files)

    def _assemble(
        self, values: np.ndarray, columns: list[str], placed: list[_Placed]
    ) -> tuple[pd.DataFrame, dict[int, int]]:
        """Insert the added rows (repeated headers, in-file duplicates) at random positions;
        returns the file's rows and each row id's 1-based row number."""
        n = len(values)
        added = [p for p in placed if p.row_id >= n]
        extra = np.empty((len(added), len(columns)), dtype=object)
        for i, p in enumerate(added):
            extra[i] = columns if p.defect == "DUPLICATED_HEADER" else values[p.duplicate_of]
        # Each added row goes just before a random original row (or at the end).
        slots = self.rng.integers(0, n + 1, len(added)) - 0.5
        rank = np.argsort(np.concatenate([np.arange(n, dtype=float), slots]), kind="stable")
        final = pd.DataFrame(np.concatenate([values, extra])[rank], columns=columns)
        number = np.empty(len(rank), dtype=np.int64)
        number[rank] = np.arange(1, len(rank) + 1)
        positions = {p.row_id: int(number[n + i]) for i, p in enumerate(added)}
        for p in placed:
            for row in (p.row_id, p.duplicate_of):
                if row is not None and 0 <= row < n:
                    positions[row] = int(number[row])
        return final, positions

    def _pick(self, free: np.ndarray, mask: np.ndarray | None = None) -> int | None:
        candidates = np.flatnonzero(free if mask is None else free & mask)
        if len(candidates) == 0:
            return None
        row = int(self.rng.choice(candidates))
        free[row] = False
        return row

    def _choose(self, options):
        return options[int(self.rng.integers(0, len(options)))]

    def _place(
        self,
        defect: str,
        extract: str,
        day: date,
        values: np.ndarray,
        columns: list[str],
        free: np.ndarray,
        new_id: int,
    ) -> _Placed | None:
        if defect == "DUPLICATED_HEADER":
            return _Placed(defect, new_id, None)
        if defect in ("DUPLICATE_IN_FILE", "DUPLICATE_ACROSS_FILES"):
            source = self._pick(free)  # a clean row, never altered afterwards
            if source is None:
                return None
            # A cross-file copy gets its row number in the resend file, once that is built.
            row_id = -1 if defect == "DUPLICATE_ACROSS_FILES" else new_id
            return _Placed(defect, row_id, None, duplicate_of=source)
        row = self._pick(free, _eligible(defect, extract, values, columns))
        if row is None:
            return None
        column, value = _ALTERATIONS[defect](self, extract, day, dict(zip(columns, values[row])))
        values[row, columns.index(column)] = value
        return _Placed(defect, row, column, value=value if defect in LOADED_CLASSES else None)

    # -- file level -----------------------------------------------------------------------------

    def _file_defect(
        self, rule: str, extract: str, day: date, frame: pd.DataFrame, name: str
    ) -> Folder:
        out = frame.reset_index(drop=True).astype(object)
        n = len(out)
        row = column = None
        if rule == "EMPTY_FILE":
            files = [DeliveredFile(name, b"", 0)]
        elif rule == "ENCODING":
            row = int(self.rng.integers(0, n))
            column = FREE_TEXT[extract][0]
            out.iat[row, out.columns.get_loc(column)] = _text(out.at[row, column]) + " Ma’ruf"
            data = render_csv(out).encode("cp1252", errors="replace")
            files, row = [DeliveredFile(name, data, n)], row + 1
        elif rule == "UNREADABLE":
            name = name.replace(".csv", ".jsonl")
            lines = out.map(_text).to_json(orient="records", lines=True).splitlines()
            row = int(self.rng.integers(0, max(1, n - 1)))
            lines[row] = lines[row][: len(lines[row]) // 2]
            data = ("\n".join(lines) + "\n").encode("utf-8")
            files, row = [DeliveredFile(name, data, n)], row + 1
        elif rule == "TRUNCATED":
            text = render_csv(out)
            body = text[:-1]
            last = body.rfind("\n") + 1
            cut = body.index(",", body.index(",", last) + 1)
            files, row = [DeliveredFile(name, text[:cut].encode("utf-8"), n)], n
        elif rule == "MISSING_COLUMN":
            column = self._choose(EXTRACTS[extract].required_columns)
            data = render_csv(out.drop(columns=column)).encode("utf-8")
            files = [DeliveredFile(name, data, n)]
        elif rule == "DUPLICATE_COLUMN":
            # A spreadsheet merge: the same column again, in upper case, at the end.
            column = self._choose(EXTRACTS[extract].required_columns)
            twice = out.assign(**{column.upper(): out[column]})
            files = [DeliveredFile(name, render_csv(twice).encode("utf-8"), n)]
            column = column.lower()
        elif rule == "MANIFEST_MISMATCH":
            data = render_csv(out).encode("utf-8")
            return self._file_folder(
                rule, extract, day, name, [DeliveredFile(name, data, n + 2)], True
            )
        else:  # UNSUPPORTED_TYPE: a spreadsheet beside the CSV
            csv = render_csv(out).encode("utf-8")
            xlsx = name.replace(".csv", ".xlsx")
            files = [DeliveredFile(name, csv, n), DeliveredFile(xlsx, b"PK\x03\x04" + csv, n)]
            name = xlsx
        return self._file_folder(rule, extract, day, name, files, False, row, column)

    def _file_folder(
        self, rule, extract, day, name, files, manifest, row=None, column=None
    ) -> Folder:
        # Without a manifest the rule the file breaks is the only one it breaks.
        self._record(extract, day, name, rule, row, column)
        return Folder(files, manifest=manifest)

    def _delivery_defect(
        self, rule: str, extract: str, day: date, frame: pd.DataFrame, name: str
    ) -> Folder:
        """The delivery itself is sound; what surrounds it is not."""
        data = render_csv(frame.reset_index(drop=True)).encode("utf-8")
        files = [DeliveredFile(name, data, len(frame))]
        if rule == "MANIFEST_INVALID":
            # What upload scripts really produce: cut off mid-write, or saved by a Windows tool.
            manifest = json.dumps({"files": {name: {"rows": len(frame)}}})
            broken = self._choose(
                [manifest[: len(manifest) // 2].encode(), manifest.encode("utf-16")]
            )
            self._record(extract, day, "_manifest.json", rule)
            return Folder(files, manifest=True, manifest_bytes=broken)
        if rule == "NOT_A_REGULAR_FILE":
            # A zip extracted into a folder that kept the archive member's name.
            nested = name.replace(".csv", "_lampiran.csv")
            files.append(DeliveredFile(f"{nested}/part-0.csv", data, len(frame), listed=False))
            self._record(extract, day, nested, rule)
            return Folder(files)
        # UPLOAD_IN_PROGRESS: tomorrow's upload, half written under a hidden temporary name.
        partial = "." + name.replace(".csv", "_susulan.csv") + ".part"
        files.append(DeliveredFile(partial, data[: len(data) // 2], 0, listed=False))
        self._record(extract, day, partial, rule)
        return Folder(files)


# -- how each row-level class alters one row: returns (column, new value) -------------------------


def _eligible(
    defect: str, extract: str, values: np.ndarray, columns: list[str]
) -> np.ndarray | None:
    if defect == "NIP_PROFILE_MISMATCH":
        return np.isin(values[:, columns.index("status_kepegawaian")], ["PNS", "CPNS"])
    if defect == "DATE_OUT_OF_RANGE" and extract in END_AFTER_START:
        pair = [values[:, columns.index(c)] for c in END_AFTER_START[extract]]
        return np.array([bool(_text(a)) and bool(_text(b)) for a, b in zip(*pair, strict=True)])
    return None


def _required_missing(inj, extract, day, row):
    return inj._choose(_columns(extract, *Kind, required_only=True)), inj._choose(["", "   "])


def _invalid_code(inj, extract, day, row):
    return inj._choose(_columns(extract, Kind.CODE)), inj._choose(["LAINNYA", "TIDAK_ADA", "X9"])


def _invalid_nip(inj, extract, day, row):
    columns = [c for c in _nip_columns(extract) if _text(row[c])]
    column = inj._choose(columns)
    nip = _text(row[column])
    return column, inj._choose([nip[:-1], nip + "0", nip[:-1] + "O"])


def _nip_columns(extract: str) -> list[str]:
    return [c.name for c in EXTRACTS[extract].columns if c.kind is Kind.NIP]


def _nip_profile_mismatch(inj, extract, day, row):
    if inj._choose([True, False]):
        return "jenis_kelamin", "P" if _text(row["jenis_kelamin"]) == "L" else "L"
    born = date.fromisoformat(_text(row["tanggal_lahir"]))
    return "tanggal_lahir", (born - timedelta(days=400)).isoformat()


def _invalid_nik(inj, extract, day, row):
    nik = _text(row["nik"])
    return "nik", inj._choose([nik[:-1], nik + "7"])


def _invalid_date(inj, extract, day, row):
    column = inj._choose(_columns(extract, Kind.DATE))
    value = _text(row[column])
    when = date.fromisoformat(value) if value else day
    serial = str((when - EXCEL_EPOCH).days)
    return column, inj._choose([serial, f"{when:%d/%m/%Y}", f"{when.year}-02-30"])


def _invalid_timestamp(inj, extract, day, row):
    column = inj._choose(_columns(extract, Kind.TIMESTAMP))
    stamp = _text(row[column])
    wall = datetime.fromisoformat(stamp[:19]) if stamp else datetime(day.year, day.month, day.day)
    return column, inj._choose(
        [
            f"{wall:%d/%m/%Y %H:%M}",
            f"{wall:%d-%b-%Y} jam {wall:%H.%M}",
            f"{wall:%Y-%m-%dT%H:%M}+99:99",
        ]
    )


def _invalid_number(inj, extract, day, row):
    column = inj._choose(_columns(extract, Kind.DECIMAL, Kind.INTEGER))
    return column, inj._choose(["dua", "12..5", "n/a"])


def _date_out_of_range(inj, extract, day, row):
    if extract == "presensi":
        stamp = _text(row["waktu"])
        later = day + timedelta(days=int(inj.rng.integers(2, 30)))
        return "waktu", later.isoformat() + stamp[10:]
    if extract in END_AFTER_START:
        start, end = END_AFTER_START[extract]
        began = date.fromisoformat(_text(row[start]))
        return end, (began - timedelta(days=int(inj.rng.integers(1, 20)))).isoformat()
    column = NOT_FUTURE[extract]
    if inj._choose([True, False]):
        return column, "1899-12-31"
    return column, (day + timedelta(days=int(inj.rng.integers(30, 400)))).isoformat()


def _lat_lon_out_of_range(inj, extract, day, row):
    if inj._choose([True, False]):
        return "lat", inj._choose(["91.5", "-95.25"])
    return "lon", inj._choose(["181.000001", "-200.5"])


def _value_out_of_range(inj, extract, day, row):
    return NON_NEGATIVE[extract]


def _invalid_characters(inj, extract, day, row):
    column = inj._choose(FREE_TEXT[extract])
    return column, _text(row[column]) + inj._choose(["\x00", "\x07", "\x1b[0m"]) + "x"


def _value_too_long(inj, extract, day, row):
    column = inj._choose(FREE_TEXT[extract])
    base = _text(row[column]) or "x"
    return column, (base * (VALUE_LIMIT // len(base) + 2))[
        : VALUE_LIMIT + 1 + int(inj.rng.integers(0, 500))
    ]


def _formula_text(inj, extract, day, row):
    column = inj._choose(FREE_TEXT[extract])
    return column, inj._choose(
        ['=HYPERLINK("http://contoh.invalid/x","klik")', "=1+1", "@SUM(A1:A9)"]
    )


def _sql_text(inj, extract, day, row):
    column = inj._choose(FREE_TEXT[extract])
    return column, inj._choose(["x'); DROP TABLE raw.pegawai; --", "' OR '1'='1"])


def _timestamp_without_offset(inj, extract, day, row):
    column = inj._choose(_columns(extract, Kind.TIMESTAMP))
    stamp = _text(row[column]) or f"{day.isoformat()}T08:00:00"
    return column, stamp[:19]


_ALTERATIONS: dict[str, Callable] = {
    "REQUIRED_MISSING": _required_missing,
    "INVALID_CODE": _invalid_code,
    "INVALID_NIP": _invalid_nip,
    "NIP_PROFILE_MISMATCH": _nip_profile_mismatch,
    "INVALID_NIK": _invalid_nik,
    "INVALID_DATE": _invalid_date,
    "INVALID_TIMESTAMP": _invalid_timestamp,
    "INVALID_NUMBER": _invalid_number,
    "DATE_OUT_OF_RANGE": _date_out_of_range,
    "LAT_LON_OUT_OF_RANGE": _lat_lon_out_of_range,
    "VALUE_OUT_OF_RANGE": _value_out_of_range,
    "INVALID_CHARACTERS": _invalid_characters,
    "VALUE_TOO_LONG": _value_too_long,
    "FORMULA_TEXT": _formula_text,
    "SQL_TEXT": _sql_text,
    "TIMESTAMP_WITHOUT_OFFSET": _timestamp_without_offset,
}
