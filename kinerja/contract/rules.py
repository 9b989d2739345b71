"""The rule codes a delivery is checked against, shared by the loader, the defect generator and docs.

Row rules send one row to `raw.quarantine`; file rules reject the whole file (and its batch);
finding rules never reject: the row loads and the warehouse flags it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ROW = "row"
    FILE = "file"
    DELIVERY = "delivery"
    # Not a rejection: the row loads and the warehouse flags it (see FINDING_RULES).
    FINDING = "finding"


@dataclass(frozen=True)
class Rule:
    code: str
    level: Level
    meaning: str
    example: str


ROW_RULES: tuple[Rule, ...] = (
    Rule(
        "DUPLICATED_HEADER",
        Level.ROW,
        "A data row repeats the header row (files glued together).",
        "`nip;waktu;sumber` again on line 500",
    ),
    Rule(
        "INVALID_CHARACTERS",
        Level.ROW,
        "A value holds NUL or another control character (tab and newline inside quotes are fine).",
        "`Bud\\x00i`",
    ),
    Rule(
        "VALUE_TOO_LONG",
        Level.ROW,
        "A value is longer than the limit (4,000 characters unless configured otherwise).",
        "a 1 MB `alasan`",
    ),
    Rule(
        "REQUIRED_MISSING",
        Level.ROW,
        "A required column is empty (after trimming).",
        "`nama` of spaces only",
    ),
    Rule(
        "INVALID_NIP",
        Level.ROW,
        "nip, nip_atasan or nip_penilai is not exactly 18 digits.",
        "`19850310201001100` (17 digits)",
    ),
    Rule("INVALID_NIK", Level.ROW, "nik is not exactly 16 digits.", "`52710112345678`"),
    Rule(
        "INVALID_DATE",
        Level.ROW,
        "Not an ISO `YYYY-MM-DD` calendar date. A spreadsheet serial date is reported as such and "
        "never converted.",
        "`45678`, `02/03/2026`, `2026-02-30`",
    ),
    Rule(
        "INVALID_TIMESTAMP",
        Level.ROW,
        "Not an ISO-8601 timestamp (the offset is optional: without one the unit's zone applies), "
        "a time that does not exist (hours past 23, minutes past 59), or a UTC offset no zone has "
        "(outside -12:00..+14:00, or minutes past 59), which would move the punch to another day.",
        "`02-03-2026 07:41`, `2026-03-02T24:00:00+07:00`, `2026-03-02T07:41:00+99:99`",
    ),
    Rule(
        "INVALID_NUMBER",
        Level.ROW,
        "A whole or decimal number column is not a number (a decimal comma is accepted).",
        "`dua`, `12.5.1`",
    ),
    Rule(
        "INVALID_CODE",
        Level.ROW,
        "Not in the column's code set (case-insensitive; rating words accepted).",
        "`sumber` = `BADGE`",
    ),
    Rule(
        "DATE_OUT_OF_RANGE",
        Level.ROW,
        "A date that cannot be true: before 1900, in the future where the column cannot be "
        "(birth date, tmt_cpns, tanggal_penilaian, tanggal_sk after the extraction date; a punch "
        "more than 1 day after it), or an end date before its start date.",
        "`tanggal_lahir` = `2090-01-01`",
    ),
    Rule(
        "LAT_LON_OUT_OF_RANGE",
        Level.ROW,
        "lat outside [-90, 90] or lon outside [-180, 180].",
        "`lat` = `116.1`",
    ),
    Rule(
        "VALUE_OUT_OF_RANGE",
        Level.ROW,
        "jp not above 0, or a negative masa_bulan or radius_presensi_m.",
        "`jp` = `0`",
    ),
)

# Findings: the row loads as delivered and the disagreement is flagged in the warehouse (warning
# NIP_TIDAK_COCOK in mart_peringatan_presensi, with the parts that disagree), never quarantined.
# A NIP that is 18 digits identifies someone; which part of it is wrong is for HR to settle, and
# quarantining the row would drop the employee from every mart meanwhile. Computed in dbt
# (int_peringatan__nip_tidak_cocok) from the loaded profile.
FINDING_RULES: tuple[Rule, ...] = (
    Rule(
        "NIP_PROFILE_MISMATCH",
        Level.FINDING,
        "PNS or CPNS whose 18-digit NIP disagrees with its own profile: digits 1-8 (YYYYMMDD) "
        "with tanggal_lahir (TANGGAL_LAHIR), digits 9-14 (YYYYMM) with the year and month of "
        "tmt_cpns when delivered (TMT_CPNS), digit 15 (1 L, 2 P) with jenis_kelamin "
        "(JENIS_KELAMIN), or a sequence (digits 16-18) of 000 (NOMOR_URUT). PPPK NIPs follow "
        "another scheme and are only checked for 18 digits.",
        "NIP `198503102010011001` with tanggal_lahir `1985-03-11`",
    ),
)

FILE_RULES: tuple[Rule, ...] = (
    Rule("UNSUPPORTED_TYPE", Level.FILE, "Not a .csv, .jsonl or .parquet file.", "`pegawai.xlsx`"),
    Rule(
        "EMPTY_FILE",
        Level.FILE,
        "Zero bytes or no header row. A header-only file is valid and loads zero rows.",
        "a 0-byte upload",
    ),
    Rule(
        "ENCODING",
        Level.FILE,
        "Not decodable as UTF-8 (with or without BOM); the message names the line. Re-export as "
        "UTF-8.",
        "a Windows-1252 export with `José`",
    ),
    Rule(
        "TRUNCATED",
        Level.FILE,
        "The last record is cut off: an unterminated quote, or fewer fields than the header.",
        "an upload interrupted mid-line",
    ),
    Rule(
        "UNREADABLE",
        Level.FILE,
        "The parser cannot read the file; the message carries the parser's line.",
        "a row with more fields than the header",
    ),
    Rule(
        "DUPLICATE_COLUMN",
        Level.FILE,
        "Two columns (CSV header, JSON key, Parquet column) name the same column once trimmed "
        "and lower-cased: which one holds the value cannot be told.",
        "`nip` and `NIP` in one header",
    ),
    Rule(
        "MISSING_COLUMN",
        Level.FILE,
        "A required column is missing from the header.",
        "presensi without `waktu`",
    ),
    Rule(
        "MANIFEST_MISMATCH",
        Level.FILE,
        "`_manifest.json` disagrees: a listed file is absent, or its sha256 or row count differs.",
        '`{"rows": 3}` for a 2-row file',
    ),
)

# What the landing area holds around the files: the manifest, the folders, files still arriving.
# A delivery rule rejects (or holds back) the whole batch of an extract and date, or, for a folder
# that names no extract or date, is reported on every night until somebody moves it.
DELIVERY_RULES: tuple[Rule, ...] = (
    Rule(
        "MANIFEST_INVALID",
        Level.DELIVERY,
        "`_manifest.json` cannot be used: not UTF-8 JSON, not an object, `files` not an object "
        "of objects, `rows` not a whole number, `sha256` not 64 hex digits, or a name with a "
        "folder in it.",
        'a manifest saved as UTF-16, `{"files": {"a.csv": {"rows": "3"}}}`',
    ),
    Rule(
        "NOT_A_REGULAR_FILE",
        Level.DELIVERY,
        "An entry of the date folder is a link, a pipe, a socket, a device or a folder. Links "
        "are never followed: copy the file itself into the folder.",
        "`presensi.csv -> /tmp/x.csv`, a folder named `presensi.csv/`",
    ),
    Rule(
        "UPLOAD_IN_PROGRESS",
        Level.DELIVERY,
        "A file still being written: hidden (`.`), `_`-prefixed, a temporary suffix (`.tmp`, "
        "`.part`, `.partial`, `.crdownload`, `~`) or modified within the settle time "
        "(`KINERJA_LANDING_SETTLE_SECONDS`), and not listed in `_manifest.json`. Without a "
        "manifest the date waits for the next night; with one, the listed files load and the "
        "file is reported.",
        "`.presensi.csv.part`, `_draft.csv`",
    ),
    Rule(
        "EMPTY_DELIVERY",
        Level.DELIVERY,
        "A date folder with no file to load (or a manifest listing none) for a date never "
        "loaded. A day without rows is delivered as a header-only file.",
        "an empty `presensi/2026-03-02/`",
    ),
    Rule(
        "EMPTY_REDELIVERY",
        Level.DELIVERY,
        "A date already loaded is delivered again with no file (or a manifest listing none): "
        "the load refuses and the date keeps its rows. To remove a date on purpose: "
        "`kinerja retract <extract> <date> --reason TEXT`.",
        "`presensi/2026-03-02/` emptied after loading",
    ),
    Rule(
        "EXTRACT_FOLDER_CASE",
        Level.DELIVERY,
        "An extract folder whose name differs from the extract only in case; it is not read.",
        "`Presensi/` for `presensi/`",
    ),
    Rule(
        "DATE_FOLDER_NAME",
        Level.DELIVERY,
        "An entry of an extract folder that is not a `YYYY-MM-DD` date folder; it is not read.",
        "`presensi/2026-3-2/`, `presensi/20260302.csv`",
    ),
)

RULES: dict[str, Rule] = {r.code: r for r in ROW_RULES + FILE_RULES + DELIVERY_RULES}
