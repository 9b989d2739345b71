"""The defect injector: every class placed where its ground truth says, nothing else altered,
deterministic, at the requested rate."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kinerja.contract import EXTRACTS
from kinerja.contract.extracts import RATING_WORDS
from kinerja.contract.rules import DELIVERY_RULES
from kinerja.contract.rules import FILE_RULES as RULE_FILE
from kinerja.contract.rules import ROW_RULES as RULE_ROW
from kinerja.landing.manifest import ManifestInvalid, parse_manifest
from kinerja_dev.synth import generate
from kinerja_dev.synth.defects import (
    DELIVERY_CLASSES,
    END_AFTER_START,
    FILE_RULE_EXTRACT,
    FILE_RULES,
    LOADED_CLASSES,
    NOT_FUTURE,
    ROW_RULES,
    DefectInjector,
    expected_outcome,
    row_classes,
)

START, END = date(2025, 3, 3), date(2025, 3, 28)
RATE = 0.04
NOT_ROWS = ("REJECTED", "WAITING")  # file and delivery classes: a whole file, not a row
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _generate(root: Path, defects: float):
    return generate(root, employees=60, start=START, end=END, seed=9, defects=defects)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("defective")
    summary = _generate(root, RATE)
    lines = (root / "_ground_truth" / "defects.jsonl").read_text(encoding="utf-8").splitlines()
    return root, summary, [json.loads(line) for line in lines]


def _checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_classes_are_the_shared_vocabulary():
    assert set(ROW_RULES) == {r.code for r in RULE_ROW}
    assert set(FILE_RULES) == set(FILE_RULE_EXTRACT) == {r.code for r in RULE_FILE}
    assert set(DELIVERY_CLASSES) <= {r.code for r in DELIVERY_RULES}
    assert expected_outcome("MANIFEST_INVALID") == ("REJECTED", "MANIFEST_INVALID")
    assert expected_outcome("UPLOAD_IN_PROGRESS") == ("WAITING", "UPLOAD_IN_PROGRESS")
    fitting = {c for name in EXTRACTS for c in row_classes(name)}
    assert fitting == set(ROW_RULES) | set(LOADED_CLASSES)
    assert expected_outcome("INVALID_NIP") == ("QUARANTINED", "INVALID_NIP")
    assert expected_outcome("TRUNCATED") == ("REJECTED", "TRUNCATED")
    assert expected_outcome("DUPLICATE_ACROSS_FILES") == ("LOADED_AND_COUNTED_ONCE", None)
    assert expected_outcome("FORMULA_TEXT") == ("LOADED", None)


def test_rate_must_be_a_share():
    with pytest.raises(ValueError, match="rate"):
        DefectInjector(np.random.default_rng(0), 1.5, [START])


def test_every_class_is_injected_and_summarised(run):
    _, summary, truth = run
    assert summary.defects_not_placed == []
    counts = {}
    for record in truth:
        counts[record["defect"]] = counts.get(record["defect"], 0) + 1
    assert counts == summary.defects
    assert set(counts) == set(ROW_RULES) | set(LOADED_CLASSES) | set(FILE_RULES) | set(
        DELIVERY_CLASSES
    )
    assert all(counts[rule] == 1 for rule in FILE_RULES + DELIVERY_CLASSES)


def test_same_seed_same_bytes(run, tmp_path):
    root, _, _ = run
    again = tmp_path / "again"
    _generate(again, RATE)
    assert _checksums(again) == _checksums(root)


def test_only_the_named_deliveries_differ_from_a_clean_run(run, tmp_path):
    root, _, truth = run
    clean = tmp_path / "clean"
    _generate(clean, 0.0)
    assert not (clean / "_ground_truth" / "defects.jsonl").exists()
    named = {str(Path(r["file"]).parent) for r in truth}
    ours, theirs = _checksums(root), _checksums(clean)
    for path, digest in theirs.items():
        if path.startswith("_ground_truth") or str(Path(path).parent) in named:
            continue
        assert ours.get(path) == digest, f"{path} changed but no defect names its folder"


def _bad_row(record: dict, header: list[str], row: list[str]) -> bool:
    """Does this row break the rule its class names (and hold what a loaded class wrote)?"""
    values = dict(zip(header, row, strict=False))
    defect, column = record["defect"], record["column"]
    value = values.get(column, "")
    day = date.fromisoformat(record["extraction_date"])
    if defect == "REQUIRED_MISSING":
        return value.strip() == ""
    if defect == "INVALID_CODE":
        spec = EXTRACTS[record["extract"]].column(column)
        return value.upper() not in {c.upper() for c in spec.codes} | set(RATING_WORDS)
    if defect == "INVALID_NIP":
        return re.fullmatch(r"\d{18}", value) is None
    if defect == "INVALID_NIK":
        return re.fullmatch(r"\d{16}", value) is None
    if defect == "NIP_PROFILE_MISMATCH":
        nip, sex = values["nip"], {"L": "1", "P": "2"}[values["jenis_kelamin"]]
        return nip[:8] != values["tanggal_lahir"].replace("-", "") or nip[14] != sex
    if defect == "INVALID_DATE":
        try:
            date.fromisoformat(value)
        except ValueError:
            return True
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is None
    if defect == "INVALID_TIMESTAMP":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return True
        return False
    if defect == "INVALID_NUMBER":
        try:
            float(value.replace(",", "."))
        except ValueError:
            return True
        return False
    if defect == "DATE_OUT_OF_RANGE":
        extract = record["extract"]
        if extract == "presensi":
            return date.fromisoformat(value[:10]) > day + timedelta(days=1)
        if extract in END_AFTER_START:
            start, end = END_AFTER_START[extract]
            return date.fromisoformat(values[end]) < date.fromisoformat(values[start])
        when = date.fromisoformat(values[NOT_FUTURE[extract]])
        return when > day or when < date(1900, 1, 1)
    if defect == "LAT_LON_OUT_OF_RANGE":
        return abs(float(value)) > (90 if column == "lat" else 180)
    if defect == "VALUE_OUT_OF_RANGE":
        return float(value) < 0 or (column == "jp" and float(value) <= 0)
    if defect == "INVALID_CHARACTERS":
        return CONTROL.search(value) is not None
    if defect == "VALUE_TOO_LONG":
        return len(value) > 4000
    if defect == "DUPLICATED_HEADER":
        return row == header
    return value == record["value"]  # formula, SQL-looking text, timestamp without offset


def test_row_defects_are_where_the_truth_says(run):
    root, _, truth = run
    files: dict[str, list[list[str]]] = {}
    checked = 0
    for record in truth:
        if record["expected"] in NOT_ROWS:
            continue
        rows = files.setdefault(record["file"], _rows(root / record["file"]))
        header, row = rows[0], rows[record["row_number"]]
        assert record["line"] == record["row_number"] + 1
        if record["expected"] == "LOADED_AND_COUNTED_ONCE":
            original = record["duplicate_of"]
            source = files.setdefault(original["file"], _rows(root / original["file"]))
            assert row == source[original["row_number"]], record
        else:
            assert _bad_row(record, header, row), (record, row[:8])
        checked += 1
    assert checked == sum(r["expected"] not in NOT_ROWS for r in truth) > 50


def test_file_defects_break_their_rule(run):
    root, _, truth = run
    records = {r["defect"]: r for r in truth if r["expected"] in NOT_ROWS}
    path = {rule: root / r["file"] for rule, r in records.items()}
    assert path["EMPTY_FILE"].stat().st_size == 0
    with pytest.raises(UnicodeDecodeError):
        path["ENCODING"].read_bytes().decode("utf-8")
    bad_line = path["ENCODING"].read_bytes().split(b"\n")[records["ENCODING"]["line"] - 1]
    assert "’".encode("cp1252") in bad_line
    lines = path["UNREADABLE"].read_text(encoding="utf-8").splitlines()
    broken = records["UNREADABLE"]["line"] - 1
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[broken])
    assert all(json.loads(line) for i, line in enumerate(lines) if i != broken)
    truncated = path["TRUNCATED"].read_text(encoding="utf-8")
    assert not truncated.endswith("\n")
    last = truncated.split("\n")[-1]
    assert len(last.split(",")) < len(truncated.split("\n")[0].split(","))
    header = path["MISSING_COLUMN"].read_text(encoding="utf-8").split("\n")[0].split(",")
    assert records["MISSING_COLUMN"]["column"] not in header
    manifest = json.loads((path["MANIFEST_MISMATCH"].parent / "_manifest.json").read_text())
    listed = manifest["files"][path["MANIFEST_MISMATCH"].name]
    assert listed["rows"] != len(_rows(path["MANIFEST_MISMATCH"])) - 1
    assert path["UNSUPPORTED_TYPE"].suffix == ".xlsx"
    for rule in ("EMPTY_FILE", "ENCODING", "UNREADABLE", "TRUNCATED", "MISSING_COLUMN"):
        # Without a manifest the file breaks its own rule only, never MANIFEST_MISMATCH too.
        assert not (path[rule].parent / "_manifest.json").exists(), rule
    with pytest.raises(ManifestInvalid):
        parse_manifest(path["MANIFEST_INVALID"].read_bytes())
    assert path["NOT_A_REGULAR_FILE"].is_dir()
    # The folder's manifest lists the delivery, never the nested folder or the partial upload.
    for rule in ("NOT_A_REGULAR_FILE", "UPLOAD_IN_PROGRESS"):
        listed = json.loads((path[rule].parent / "_manifest.json").read_text())["files"]
        assert path[rule].name not in listed and len(listed) == 1, rule
    assert path["UPLOAD_IN_PROGRESS"].name.startswith(".")


def test_row_defects_come_at_the_requested_rate(run):
    root, _, truth = run
    rejected = {str(Path(r["file"]).parent) for r in truth if r["expected"] in NOT_ROWS}
    delivered = sum(
        len(_rows(f)) - 1
        for extract in EXTRACTS
        for folder in (root / extract).glob("*")
        if str(folder.relative_to(root)) not in rejected
        for f in folder.glob(f"{extract}_????????.csv")  # the main file, not a resend
    )
    # Each row drawn as defective gives one record; two classes add a row to the main file.
    picks = sum(r["expected"] not in NOT_ROWS for r in truth)
    generated = delivered - sum(
        r["defect"] in ("DUPLICATED_HEADER", "DUPLICATE_IN_FILE") for r in truth
    )
    spread = 5 * math.sqrt(generated * RATE * (1 - RATE))
    assert abs(picks - generated * RATE) < spread, (picks, generated)
