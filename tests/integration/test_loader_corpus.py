"""The bad-input corpus (tests/corpus): every case loads on both targets with its expected outcome."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kinerja.contract import EXTRACTS
from kinerja.load import load_night, loader
from kinerja.load.raw_tables import quarantine_kept_columns
from kinerja.settings import Settings
from kinerja.warehouse import connect

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SPEC = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
DAY = date.fromisoformat(SPEC["extraction_date"])
# "duckdb-staged": every file staged as a large one is on DuckDB (loader._stage_large_files).
TARGETS = ["duckdb", "duckdb-staged", pytest.param("postgres", marks=pytest.mark.postgres)]


def _case_params():
    return [pytest.param(c, id=c["case"]) for c in SPEC["cases"]]


@pytest.fixture(params=TARGETS)
def target(request, kinerja_home, monkeypatch) -> str:
    target, _, read = request.param.partition("-")
    monkeypatch.setenv("KINERJA_TARGET", target)
    if target == "postgres":
        monkeypatch.setenv("KINERJA_PG_DATABASE", request.getfixturevalue("pg_database"))
    if read == "staged":
        monkeypatch.setattr(loader, "PARALLEL_READ_BYTES", -1)
    return target


def test_the_corpus_covers_the_issue():
    assert len(SPEC["cases"]) >= 25
    # a finding rule's case loads its rows (the warehouse flags them): loaded_finding names it
    outcomes = {
        c.get("rule") or c.get("finding") or c.get("loaded_finding") for c in SPEC["cases"]
    } | {r for c in SPEC["cases"] for r in c.get("quarantine_rules", {})}
    for rule in (
        "EMPTY_FILE", "ENCODING", "TRUNCATED", "MISSING_COLUMN", "MANIFEST_MISMATCH",
        "UNSUPPORTED_TYPE", "DUPLICATED_HEADER", "INVALID_CODE", "INVALID_NIP",
        "NIP_PROFILE_MISMATCH", "INVALID_DATE", "DATE_OUT_OF_RANGE", "LAT_LON_OUT_OF_RANGE",
        "INVALID_CHARACTERS", "VALUE_TOO_LONG", "MANIFEST_INVALID", "NOT_A_REGULAR_FILE",
        "UPLOAD_IN_PROGRESS", "EMPTY_DELIVERY", "EMPTY_REDELIVERY", "EXTRACT_FOLDER_CASE",
        "DATE_FOLDER_NAME", "DUPLICATE_COLUMN", "INVALID_TIMESTAMP",
    ):  # fmt: skip
        assert rule in outcomes, rule


def _load_before(case: dict, monkeypatch) -> bool:
    """A case's `before/` landing, loaded first: what the date held before this delivery."""
    before = CORPUS / case["case"] / "before"
    if not before.is_dir():
        return False
    monkeypatch.setenv("KINERJA_LANDING", str(before))
    [first] = load_night(Settings(), DAY, catch_up=False).outcomes
    assert first.status == "LOADED", first.message
    return True


@pytest.mark.parametrize("case", _case_params())
def test_corpus_case(case, target, monkeypatch):
    reloaded = _load_before(case, monkeypatch)
    monkeypatch.setenv("KINERJA_LANDING", str(CORPUS / case["case"]))
    settings = Settings()
    night = load_night(settings, DAY, catch_up=False)
    with connect(settings) as wh:
        raw = wh.query_df(f"select * from raw.{case['extract']}")
        quarantine = wh.query_df("select * from raw.quarantine order by source_file, row_number")
        audit = wh.query_df("select * from raw.load_audit order by loaded_at")
    if "finding" in case:  # a folder no batch owns: reported, nothing read or audited
        [finding] = night.findings
        assert finding.rule == case["finding"] and finding.reason
        assert night.outcomes == [] and raw.empty and audit.empty
        return
    assert night.findings == []
    [batch] = night.outcomes
    assert batch.extract == case["extract"]
    assert batch.status == case["status"], batch.message
    if case["status"] == "WAITING":  # nothing read, nothing audited: a later run loads the date
        [waiting] = [f for f in batch.file_outcomes if f.rule]
        assert (waiting.rule, waiting.status) == (case["rule"], "WAITING")
        assert case["rule"] in batch.message and Path(waiting.path).name in batch.message
        assert raw.empty and quarantine.empty and audit.empty
        return
    assert len(audit) == 1 + reloaded
    audit_row = audit.to_dict("records")[-1]
    assert audit_row["status"] == case["status"]
    if case["status"] == "REFUSED":  # the date keeps the rows loaded before
        assert case["rule"] in batch.message and "kinerja retract" in batch.message
        assert len(raw) == case["rows_loaded"] and audit_row["message"] == batch.message
        return
    if case["status"] == "REJECTED":
        [bad] = [f for f in batch.file_outcomes if f.rule]
        assert bad.rule == case["rule"]
        assert case["rule"] in batch.message and Path(bad.path).name in batch.message
        assert raw.empty and quarantine.empty
        if "rows_rejected" in case:
            assert batch.rows_rejected == audit_row["rows_rejected"] == case["rows_rejected"]
        return
    waiting = [Path(f.path).name for f in batch.file_outcomes if f.status == "WAITING"]
    assert waiting == case.get("waiting", [])
    # Nothing delivered is lost: every row is loaded or quarantined, and the audit says so.
    assert (batch.rows_loaded, batch.rows_quarantined) == (
        case["rows_loaded"],
        case["rows_quarantined"],
    )
    assert batch.rows_delivered == batch.rows_loaded + batch.rows_quarantined
    assert audit_row["rows_delivered"] == audit_row["rows_loaded"] + audit_row["rows_quarantined"]
    assert (len(raw), len(quarantine)) == (case["rows_loaded"], case["rows_quarantined"])
    assert batch.quarantine_rules == case.get("quarantine_rules", {})
    assert quarantine["rule"].value_counts().to_dict() == case.get("quarantine_rules", {})
    kept = set(quarantine_kept_columns(EXTRACTS[case["extract"]]))
    for record in quarantine.to_dict("records"):
        delivered = json.loads(record["raw_record"])
        names = {k.strip().lower() for k in delivered}
        assert record["column_name"] is None or record["column_name"] in names
        # Nothing of the row beyond what fixing it needs: no NIK, name or phone of a bystander.
        assert names <= kept | {record["column_name"]}, delivered
        assert record["row_number"] >= 1 and record["batch_id"] == batch.batch_id
        assert record["message"]
    # The quarantined record keeps the NIP and the failing value under their names as delivered.
    for expected in case.get("raw_records", []):
        assert expected in set(quarantine["raw_record"]), list(quarantine["raw_record"])
    for column, value in case.get("raw_values", {}).items():
        assert value in set(raw[column]), (column, value)
    assert batch.extra_columns == case.get("extra_columns", [])


@pytest.mark.parametrize("filesystem", ["local", "memory"])
def test_the_landing_area_may_be_any_fsspec_filesystem(filesystem, target, monkeypatch):
    """The same deliveries give the same rows and quarantine from local disk or object storage."""
    import uuid

    import fsspec

    cases = ("bom_semicolon", "duplicated_header_row", "manifest_agrees", "parquet")
    if filesystem == "local":
        root = CORPUS
    else:
        fs = fsspec.filesystem("memory")
        root = f"/corpus-{uuid.uuid4().hex}"
        for case in cases:
            for path in (CORPUS / case).rglob("*"):
                if path.is_file():
                    fs.pipe(f"{root}/{case}/{path.relative_to(CORPUS / case)}", path.read_bytes())
    outcomes = []
    for case in cases:
        url = f"{root}/{case}" if filesystem == "local" else f"memory://{root}/{case}"
        monkeypatch.setenv("KINERJA_LANDING", url)
        [batch] = load_night(Settings(), DAY, catch_up=False).outcomes
        outcomes.append((batch.status, batch.rows_loaded, batch.rows_quarantined))
    assert outcomes == [("LOADED", 2, 0), ("LOADED", 2, 1), ("LOADED", 2, 0), ("LOADED", 1, 1)]


def test_the_value_length_limit_is_configurable(target, monkeypatch):
    monkeypatch.setenv("KINERJA_LANDING", str(CORPUS / "one_mb_field"))
    monkeypatch.setenv("KINERJA_MAX_VALUE_LENGTH", str(2_000_000))
    [batch] = load_night(Settings(), DAY, catch_up=False).outcomes
    assert (batch.rows_loaded, batch.rows_quarantined) == (2, 0)
