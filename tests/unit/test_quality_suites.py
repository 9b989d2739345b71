"""The GX suites follow the extract contract, and validating a DataFrame finds what breaks it."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.contract_values import valid_value

from kinerja.contract.extracts import (
    EXTRACTS,
    RATING_CODES,
    RATING_WORDS,
    Column,
    Delivery,
    Extract,
    Kind,
)
from kinerja.project import PROJECT_DIR
from kinerja.quality import ValidationFailed, raise_for_critical, validate_batch
from kinerja.quality.context import GX_CONFIG_FILE
from kinerja.quality.suites import (
    KIND_PATTERNS,
    build_suites,
    contract_expectations,
    suite_name,
)
from kinerja.settings import Settings, get_settings

EXISTS = "expect_column_to_exist"
NOT_NULL = "expect_column_values_to_not_be_null"
REGEX = "expect_column_values_to_match_regex"
UNIQUE = "expect_column_values_to_be_unique"
COMPOUND_UNIQUE = "expect_compound_columns_to_be_unique"


def expectations_of(extract: Extract) -> list[dict]:
    """Each expectation as plain data: type, kwargs, severity, meta."""
    return [
        {
            "type": e.configuration.type,
            "column": e.configuration.kwargs.get("column"),
            "kwargs": e.configuration.kwargs,
            "severity": e.severity.value,
            "meta": e.meta or {},
        }
        for e in contract_expectations(extract)
    ]


def find(extract: Extract, type_: str, column: str | None) -> list[dict]:
    return [e for e in expectations_of(extract) if e["type"] == type_ and e["column"] == column]


ALL = list(EXTRACTS.values())
ids = [e.name for e in ALL]


# --- The suites mirror the contract ----------------------------------------------------------


@pytest.mark.parametrize("extract", ALL, ids=ids)
def test_every_required_column_must_exist_and_be_filled_critically(extract: Extract) -> None:
    for name in extract.required_columns:
        [exists] = find(extract, EXISTS, name)
        [not_null] = find(extract, NOT_NULL, name)
        assert exists["severity"] == not_null["severity"] == "critical"
        assert exists["meta"]["severity"] == "critical"


@pytest.mark.parametrize("extract", ALL, ids=ids)
def test_optional_columns_are_only_warned_about_when_missing(extract: Extract) -> None:
    for column in extract.columns:
        if column.required:
            continue
        [exists] = find(extract, EXISTS, column.name)
        assert exists["severity"] == "warning"
        assert find(extract, NOT_NULL, column.name) == []


@pytest.mark.parametrize("extract", ALL, ids=ids)
def test_every_code_column_accepts_exactly_its_codes_in_any_case(extract: Extract) -> None:
    for column in extract.columns:
        if column.kind != Kind.CODE:
            continue
        [rule] = find(extract, REGEX, column.name)
        assert rule["severity"] == "critical"
        pattern = re.compile(rule["kwargs"]["regex"])
        for code in column.codes:
            for spelling in (code, code.lower(), code.title()):
                assert pattern.search(spelling), (column.name, spelling)
            assert not pattern.search(code + "#")
            assert not pattern.search(f" {code}")
        assert not pattern.search("")


def test_rating_columns_also_accept_the_rating_words() -> None:
    rating_columns = [
        (e, c) for e in ALL for c in e.columns if c.kind == Kind.CODE and c.codes == RATING_CODES
    ]
    assert rating_columns, "the contract has rating columns"
    for extract, column in rating_columns:
        [rule] = find(extract, REGEX, column.name)
        pattern = re.compile(rule["kwargs"]["regex"])
        for word in RATING_WORDS:
            assert pattern.search(word.lower())
        assert not pattern.search("4")


@pytest.mark.parametrize("extract", ALL, ids=ids)
def test_keys_are_unique_and_never_null(extract: Extract) -> None:
    keys = extract.key_columns
    unique = [e for e in expectations_of(extract) if e["type"] in (UNIQUE, COMPOUND_UNIQUE)]
    if not keys:
        assert unique == []  # presensi: a repeated punch is allowed
        return
    # Unique within a delivery batch: a night may validate several dates' batches together.
    assert [u["column"] for u in unique] == ["_key_in_batch"]
    assert unique[0]["severity"] == "critical"
    for key in keys:
        assert find(extract, NOT_NULL, key)


def test_a_compound_key_is_unique_together_within_its_batch() -> None:
    from kinerja.quality.suites import key_in_batch_sql

    two_keys = Extract(
        "dua_kunci",
        Delivery.INCREMENTAL,
        (Column("a", key=True), Column("b", key=True, required=False), Column("c")),
    )
    [unique] = [e for e in expectations_of(two_keys) if e["type"] == UNIQUE]
    assert unique["column"] == "_key_in_batch"
    assert (
        key_in_batch_sql(two_keys)
        == "coalesce(\"a\", '') || '|' || coalesce(\"b\", '') || '|' || _batch_id"
    )
    assert find(two_keys, NOT_NULL, "b"), "a key column is never null, even if not required"


@pytest.mark.parametrize("extract", ALL, ids=ids)
def test_identifier_and_date_columns_have_their_shape_checked(extract: Extract) -> None:
    for column in extract.columns:
        if column.kind not in KIND_PATTERNS:
            continue
        [rule] = find(extract, REGEX, column.name)
        assert rule["kwargs"]["regex"] == KIND_PATTERNS[column.kind]
        expected = "critical" if column.required or column.kind == Kind.NIP else "warning"
        assert rule["severity"] == expected, column.name


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (Kind.NIP, "198501012010011001", ["19850101201001100", "1985010120100110011", "19850101 201001100", "19850101201001100a"]),
        (Kind.NIK, "3171010101850001", ["317101010185000", "31710101018500011"]),
        (Kind.DATE, "2024-01-02", ["2024-1-2", "02-01-2024", "2024-01-02T00:00"]),
        (Kind.TIMESTAMP, "2024-01-02T07:30:00+07:00", ["2024-01-02", "07:30"]),
        (Kind.DECIMAL, "-6,2", ["6.2.1", "abc"]),
    ],
)  # fmt: skip
def test_shape_patterns(kind: Kind, good: str, bad: list[str]) -> None:
    pattern = re.compile(KIND_PATTERNS[kind])
    assert pattern.search(good)
    for value in bad:
        assert not pattern.search(value), value


@pytest.mark.parametrize("extract", ALL, ids=ids)
def test_suites_are_deterministic(extract: Extract) -> None:
    first, second = build_suites(extract), build_suites(extract)
    assert first[0].name == suite_name(extract.name)
    assert [s.to_json_dict() for s in first] == [s.to_json_dict() for s in second]


def test_committed_config_disables_analytics_and_keeps_runtime_state_out_of_the_repo() -> None:
    config = yaml.safe_load(GX_CONFIG_FILE.read_text())
    assert config["analytics_enabled"] is False
    backends = [s["store_backend"] for s in config["stores"].values()]
    backends += [s["store_backend"] for s in config["data_docs_sites"].values()]
    for backend in backends:
        if backend["class_name"] == "InMemoryStoreBackend":
            continue
        # Every store on disk is placed by a variable that kinerja.quality.context points
        # under KINERJA_HOME; a relative path would land inside expectations/gx/.
        assert backend["base_directory"].startswith("${"), backend


# --- Validating a DataFrame ------------------------------------------------------------------

FILE = "pegawai/2025-01-06/pegawai_a.csv"


def clean_frame(extract: Extract, rows: int = 4, source_file: str = FILE) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {c.name: valid_value(c, i) for c in extract.columns}
            | {"_source_file": source_file, "_row_number": i}
            for i in range(1, rows + 1)
        ]
    )


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("KINERJA_HOME", str(tmp_path))
    monkeypatch.setenv("KINERJA_TARGET", "duckdb")
    return get_settings()


PEGAWAI = EXTRACTS["pegawai"]


@pytest.mark.parametrize("extract", ALL, ids=ids)
def test_a_clean_frame_of_every_extract_passes(settings: Settings, extract: Extract) -> None:
    outcome = validate_batch(settings, extract.name, "night-1", clean_frame(extract))
    assert outcome.success, outcome.message
    assert outcome.failures == ()
    assert outcome.row_count == 4
    assert outcome.source_files == (FILE,)
    assert "passed" in outcome.message


def assert_fails_critically(outcome, expectation_type: str, column: str, rows: set[int]):
    assert not outcome.success
    [failure] = [
        f for f in outcome.critical_failures
        if f.expectation_type == expectation_type and f.column == column
    ]  # fmt: skip
    assert {e.row_number for e in failure.examples} == rows
    assert {e.source_file for e in failure.examples} == {FILE}
    message = outcome.message
    assert "raw.pegawai" in message and outcome.batch_id in message
    assert expectation_type in message and column in message
    for row in rows:
        assert f"{FILE} row {row}" in message
    return failure


def test_a_17_digit_nip_fails_critically(settings: Settings) -> None:
    frame = clean_frame(PEGAWAI)
    frame.loc[frame["_row_number"] == 3, "nip"] = "19850101201001100"
    outcome = validate_batch(settings, "pegawai", "night-1", frame)
    failure = assert_fails_critically(outcome, REGEX, "nip", {3})
    assert failure.unexpected_count == 1
    # NIP is personal: GX never returns the value, only where it is, so no message can show it.
    assert failure.personal and failure.examples[0].value is None
    assert "19850101201001100" not in outcome.message


def test_an_unknown_code_fails_critically(settings: Settings) -> None:
    frame = clean_frame(PEGAWAI)
    frame.loc[frame["_row_number"] == 2, "status_kepegawaian"] = "honorer"
    outcome = validate_batch(settings, "pegawai", "night-1", frame)
    failure = assert_fails_critically(outcome, REGEX, "status_kepegawaian", {2})
    assert failure.examples[0].value == "honorer"
    assert "'honorer'" in outcome.message  # not personal: shown to help the fix


def test_a_duplicate_key_fails_critically(settings: Settings) -> None:
    frame = clean_frame(PEGAWAI)
    frame.loc[frame["_row_number"] == 4, "nip"] = frame.loc[0, "nip"]
    outcome = validate_batch(settings, "pegawai", "night-1", frame)
    failure = assert_fails_critically(outcome, UNIQUE, "nip", {1, 4})
    assert failure.unexpected_count == 2


def test_a_missing_required_column_fails_critically(settings: Settings) -> None:
    frame = clean_frame(PEGAWAI).drop(columns=["jenis_jabatan"])
    outcome = validate_batch(settings, "pegawai", "night-1", frame)
    assert not outcome.success
    failed = {(f.expectation_type, f.column) for f in outcome.critical_failures}
    assert (EXISTS, "jenis_jabatan") in failed
    assert FILE in outcome.message and "jenis_jabatan" in outcome.message
    assert EXISTS in outcome.message


def test_an_empty_required_value_fails_critically(settings: Settings) -> None:
    frame = clean_frame(PEGAWAI)
    frame.loc[frame["_row_number"] == 2, "nama_jabatan"] = None
    outcome = validate_batch(settings, "pegawai", "night-1", frame)
    assert_fails_critically(outcome, NOT_NULL, "nama_jabatan", {2})


def test_a_bad_optional_value_is_only_a_warning(settings: Settings) -> None:
    unit_kerja = EXTRACTS["unit_kerja"]
    frame = clean_frame(unit_kerja, source_file=FILE)
    frame.loc[0, "lat"] = "enam koma dua"
    outcome = validate_batch(settings, "unit_kerja", "night-1", frame)
    assert outcome.success, outcome.message
    [warning] = outcome.warnings
    assert (warning.column, warning.severity) == ("lat", "warning")
    assert warning.examples[0].row_number == 1
    assert "warning" in outcome.message
    raise_for_critical([outcome])  # warnings never stop the run


def test_raise_for_critical_names_every_failing_batch(settings: Settings) -> None:
    good = validate_batch(settings, "pegawai", "night-1", clean_frame(PEGAWAI))
    bad_frame = clean_frame(PEGAWAI)
    bad_frame.loc[0, "jenis_kelamin"] = "X"
    bad = validate_batch(settings, "pegawai", "night-2", bad_frame)
    raise_for_critical([good])
    with pytest.raises(ValidationFailed) as raised:
        raise_for_critical([good, bad])
    assert raised.value.outcomes == [bad]
    assert "night-2" in str(raised.value) and "night-1" not in str(raised.value)
    assert "jenis_kelamin" in str(raised.value)


def test_validation_writes_results_and_data_docs_under_kinerja_home(settings: Settings) -> None:
    repo_files_before = sorted(p for p in (PROJECT_DIR / "expectations").rglob("*"))
    outcome = validate_batch(settings, "pegawai", "night-1", clean_frame(PEGAWAI))
    assert (settings.data_docs_dir / "index.html").is_file()
    assert outcome.data_docs_page and outcome.data_docs_page.startswith(
        settings.data_docs_dir.as_uri()
    )
    assert list((settings.home_dir / "gx" / "validations").rglob("*.json"))
    assert sorted((PROJECT_DIR / "expectations").rglob("*")) == repo_files_before
