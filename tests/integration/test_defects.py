"""Generated defects meet the real loader on both targets: each injected defect ends exactly as
its ground truth predicts, nothing else is quarantined, and clean generated data loads whole."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from kinerja.cli import app
from kinerja.contract import EXTRACTS
from kinerja.load import load_night
from kinerja.warehouse import connect
from kinerja_dev.synth import generate
from kinerja_dev.synth.defects import DELIVERY_CLASSES, FILE_RULES, LOADED_CLASSES, ROW_RULES

START, END = date(2025, 3, 3), date(2025, 3, 28)
RATE = 0.05
# Where staging counts a row once: a punch by nip and instant (the same waktu text is the same
# instant; int_presensi__harian), an upsert extract by its key (latest version wins).
DEDUPE_KEY = {"presensi": ["nip", "waktu"]} | {
    name: EXTRACTS[name].key_columns for name in ("izin", "skp", "pelatihan", "hukuman_disiplin")
}


@pytest.fixture(scope="module")
def defective(tmp_path_factory) -> tuple[Path, list[dict]]:
    root = tmp_path_factory.mktemp("defects") / "landing"
    summary = generate(root, employees=80, start=START, end=END, seed=5, defects=RATE)
    assert summary.defects_not_placed == []
    lines = (root / "_ground_truth" / "defects.jsonl").read_text(encoding="utf-8").splitlines()
    return root, [json.loads(line) for line in lines]


def _relative(path: str) -> str:
    """extract/date/name, as the ground truth names a file."""
    return "/".join(Path(path).parts[-3:])


def _load(settings, landing: Path):
    settings = settings.model_copy(update={"landing": str(landing)})
    night = load_night(settings, END, catch_up=True)
    with connect(settings) as wh:
        quarantine = wh.query_df(
            "select source_file, row_number, rule, extract, extraction_date from raw.quarantine"
        )
        audit = wh.query_df("select * from raw.load_audit")
        raw = {
            name: wh.query_df(f"select * from raw.{name}")
            for name in EXTRACTS
            if wh.table_exists("raw", name)
        }
    quarantine["file"] = quarantine["source_file"].map(_relative)
    for frame in raw.values():
        frame["file"] = frame["_source_file"].map(_relative)
    return night, quarantine, audit, raw


def _raw_row(raw: dict[str, pd.DataFrame], extract: str, file: str, row: int) -> pd.Series:
    frame = raw[extract]
    found = frame[(frame["file"] == file) & (frame["_row_number"] == row)]
    assert len(found) == 1, f"{file} row {row}: {len(found)} raw rows"
    return found.iloc[0]


def test_every_defect_ends_as_its_ground_truth_says(target_settings, defective):
    landing, truth = defective
    classes = ROW_RULES + LOADED_CLASSES + FILE_RULES + DELIVERY_CLASSES
    assert {r["defect"] for r in truth} == set(classes)
    night, quarantine, audit, raw = _load(target_settings, landing)

    # Row rules: each defective row is quarantined for exactly its rule, and nothing else is.
    expected = {
        (r["file"], r["row_number"]): r["rule"] for r in truth if r["expected"] == "QUARANTINED"
    }
    got = quarantine.groupby(["file", "row_number"])["rule"].agg(lambda s: sorted(set(s)))
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != [v]}
    assert not wrong, (
        f"{len(wrong)} of {len(expected)} defects not quarantined as predicted: "
        + str(dict(list(wrong.items())[:10]))
    )
    unexpected = set(got.index) - set(expected)
    assert not unexpected, f"quarantined without an injected defect: {sorted(unexpected)[:10]}"

    # File rules: the batch is rejected naming the file and the rule; others still load.
    rejected = {(o.extract, o.extraction_date.isoformat()): o for o in night.rejected}
    files = [r for r in truth if r["expected"] == "REJECTED"]
    assert len(rejected) == len(files)
    for r in files:
        outcome = rejected[(r["extract"], r["extraction_date"])]
        name = Path(r["file"]).name
        assert name in outcome.message and f"{r['rule']}:" in outcome.message, outcome.message
        ruled = [f for f in outcome.file_outcomes if f.rule]
        assert [(Path(f.path).name, f.rule) for f in ruled] == [(name, r["rule"])]
        audited = audit[
            (audit["extract"] == r["extract"])
            & (audit["extraction_date"].astype(str) == r["extraction_date"])
            & (audit["status"] == "REJECTED")
        ]
        assert len(audited) == 1 and r["rule"] in audited["message"].iloc[0]
        if r["rule"] in ("ENCODING", "TRUNCATED"):
            assert f"line {r['line']}" in outcome.message, outcome.message
        assert not (
            (raw[r["extract"]]["_extraction_date"].astype(str)) == r["extraction_date"]
        ).any()
    # Uploads still in progress: never read, reported beside their delivery, which loads.
    batches = {(o.extract, o.extraction_date.isoformat()): o for o in night.outcomes}
    for r in (r for r in truth if r["expected"] == "WAITING"):
        outcome = batches[(r["extract"], r["extraction_date"])]
        assert outcome.status == "LOADED" and Path(r["file"]).name in outcome.message
        waiting = [(Path(f.path).name, f.status, f.rule) for f in outcome.file_outcomes]
        assert (Path(r["file"]).name, "WAITING", r["rule"]) in waiting
        assert not (raw[r["extract"]]["file"] == r["file"]).any()
    loaded = audit[audit["status"] == "LOADED"]
    assert (loaded["rows_delivered"] == loaded["rows_loaded"] + loaded["rows_quarantined"]).all()
    assert loaded["rows_quarantined"].sum() == len(expected)

    # Loaded as delivered: formula and SQL text, timestamps without offset, kept verbatim.
    for r in truth:
        if r["expected"] == "LOADED":
            row = _raw_row(raw, r["extract"], r["file"], r["row_number"])
            assert row[r["column"]] == r["value"], r
    # Duplicates: both copies are in raw and share the dedupe key, so staging counts them once.
    duplicates = [r for r in truth if r["expected"] == "LOADED_AND_COUNTED_ONCE"]
    assert {r["defect"] for r in duplicates} == {"DUPLICATE_IN_FILE", "DUPLICATE_ACROSS_FILES"}
    for r in duplicates:
        copy = _raw_row(raw, r["extract"], r["file"], r["row_number"])
        first = _raw_row(
            raw, r["extract"], r["duplicate_of"]["file"], r["duplicate_of"]["row_number"]
        )
        columns = EXTRACTS[r["extract"]].column_names
        assert copy[columns].equals(first[columns]), r
        key = DEDUPE_KEY[r["extract"]]
        same_key = raw[r["extract"]]
        same_key = same_key[(same_key[key] == copy[key]).all(axis=1)]
        assert len(same_key[columns].drop_duplicates()) == 1


def test_clean_generated_data_quarantines_nothing(target_settings, tmp_path):
    landing = tmp_path / "landing"
    summary = generate(landing, employees=40, start=START, end=date(2025, 3, 14), seed=5)
    night, quarantine, _, raw = _load(target_settings, landing)
    assert night.rejected == []
    assert quarantine.empty, quarantine.groupby("rule").size().to_dict()
    assert sum(len(frame) for frame in raw.values()) == sum(summary.rows_per_extract.values())


def test_cli_generate_with_defects_prints_them_and_writes_the_truth(
    kinerja_home, tmp_path, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")
    landing = tmp_path / "landing"
    args = ["generate", "--landing", str(landing), "--employees", "30"]
    args += ["--start", START.isoformat(), "--end", END.isoformat(), "--defects", "0.02"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    truth = (landing / "_ground_truth" / "defects.jsonl").read_text(encoding="utf-8").splitlines()
    counts = {}
    for line in truth:
        defect = json.loads(line)["defect"]
        counts[defect] = counts.get(defect, 0) + 1
    for defect, count in counts.items():
        assert re.search(rf"{defect}\s+│\s+{count}\s+│", result.output), defect
    assert "QUARANTINED INVALID_NIP" in result.output and "REJECTED TRUNCATED" in result.output
    bad = CliRunner().invoke(app, [*args[:-1], "1.5"])
    assert bad.exit_code != 0
