"""The DPIA draft (docs/DPIA.md) is written from the code: it is current, and it follows the
settings, the marts' access declarations, the roles and the DAG it is written from."""

from __future__ import annotations

import copy
import json
import os

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from kinerja.contract.extracts import EXTRACTS, Column, Kind
from kinerja.contract.personal import DIRECT_IDENTIFIERS, is_direct_identifier
from kinerja.docs.dpia import DPIA_PATH, render_dpia
from kinerja.docs.night_steps import DagNotUnderstood, night_steps
from kinerja.night import steps
from kinerja.settings import Settings
from kinerja.transform.catalog import relations
from kinerja.transform.manifest import write_manifest
from kinerja.warehouse.roles import GROUP_ROLES, ROLE_DUTIES


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    """The project's manifest (parsed once per session: KINERJA_CACHE is shared)."""
    home = tmp_path_factory.mktemp("dpia")
    return json.loads(write_manifest(Settings(home=home)).read_text(encoding="utf-8"))


@pytest.fixture
def default_settings(monkeypatch) -> Settings:
    """The settings of an installation that sets nothing, whatever the test run sets."""
    for name in list(os.environ):
        if name.startswith("KINERJA_"):
            monkeypatch.delenv(name)
    return Settings()


def _row(document: str, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell is `first_cell`."""
    for line in document.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("|") and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row {first_cell!r}")


def _bullet(document: str, opening: str) -> str:
    return next(line for line in document.splitlines() if line.startswith(f"- {opening}"))


def test_the_committed_dpia_is_current(manifest, default_settings):
    assert DPIA_PATH.read_text(encoding="utf-8") == render_dpia(default_settings, manifest), (
        "docs/DPIA.md is stale: run `kinerja docs dpia` with no KINERJA_* variable set"
    )


def test_a_retention_setting_changes_the_periods_the_dpia_states(manifest, default_settings):
    before = render_dpia(default_settings, manifest)
    shorter = default_settings.model_copy(
        update={"retention_quarantine_days": 30, "retention_raw_years": 0}
    )
    after = render_dpia(shorter, manifest)
    # kind | this installation | default | setting | why
    assert _row(before, "quarantine")[1:3] == ["180 days", "180 days"]
    assert _row(after, "quarantine")[1:4] == [
        "30 days",
        "180 days",
        "`KINERJA_RETENTION_QUARANTINE_DAYS`",
    ]
    assert _row(after, "raw")[1:3] == ["kept forever", "current year + 2"]
    risk = _row(after, "personal data kept longer than needed")[1]
    assert "quarantine 30 days" in risk and "raw kept forever" in risk
    assert _row(after, "outbox") == _row(before, "outbox")


def test_marking_a_mart_restricted_moves_it_out_of_bi_reach(manifest, default_settings):
    marked = copy.deepcopy(manifest)
    node = marked["nodes"]["model.kinerja.mart_kinerja_unit"]
    node["config"]["meta"] = {**(node["config"].get("meta") or {}), "akses": "terbatas"}
    before = render_dpia(default_settings, manifest)
    after = render_dpia(default_settings, marked)
    assert _row(before, "mart_kinerja_unit")[1] == "open (BI)"
    assert _row(after, "mart_kinerja_unit")[1] == "restricted"
    assert "`mart_kinerja_unit`" in _bullet(before, "open marts:")
    assert "`mart_kinerja_unit`" not in _bullet(after, "open marts:")
    assert "`mart_kinerja_unit`" in _bullet(after, "restricted marts:")


def test_a_bi_mart_holding_identifiers_is_reported_as_a_breach(manifest, default_settings):
    opened = copy.deepcopy(manifest)
    opened["nodes"]["model.kinerja.dim_pegawai"]["config"]["meta"] = {}
    before = render_dpia(default_settings, manifest)
    after = render_dpia(default_settings, opened)
    assert "**Breach" not in before
    breach = _bullet(after, "Direct identifiers")
    assert "**Breach" in breach and "dim_pegawai (nama, nip, nip_atasan, tanggal_lahir)" in breach
    assert "`dim_pegawai`" in _row(after, "direct identifiers in marts open to BI")[1]


def test_every_role_is_listed_with_its_duty(manifest, default_settings):
    document = render_dpia(default_settings, manifest)
    assert set(ROLE_DUTIES) == set(GROUP_ROLES)
    for role in GROUP_ROLES:
        assert _row(document, f"`{role}`")[1] == ROLE_DUTIES[role]


def test_the_target_and_the_secret_change_what_the_dpia_says(manifest, default_settings):
    production = default_settings.model_copy(
        update={"target": "postgres", "pseudonym_key": SecretStr("not-shown")}
    )
    document = render_dpia(production, manifest)
    assert "not-shown" not in document
    assert _row(document, "the pseudonym secret")[1].endswith("KINERJA_PSEUDONYM_KEY")
    assert _row(document, "warehouse: raw, staging, intermediate, marts")[1].startswith(
        "postgresql://postgres@127.0.0.1:5432/kinerja"
    )
    assert "embedded DuckDB demo" not in document
    assert "embedded DuckDB demo" in render_dpia(default_settings, manifest)


def test_direct_identifiers_follow_the_contract():
    personal = {c.name for e in EXTRACTS.values() for c in e.columns if c.personal}
    assert personal <= DIRECT_IDENTIFIERS
    assert {"nik", "nama", "tanggal_lahir", "email", "no_hp", "nip_atasan"} <= DIRECT_IDENTIFIERS
    assert is_direct_identifier(Column("nip_pengganti", Kind.NIP))
    assert not is_direct_identifier(Column("kode_unit"))


def test_the_catalog_finds_pseudonymous_keys_and_keeps_identifiers_out_of_bi(manifest):
    found = relations(manifest)
    marts = {r.name: r for r in found if r.layer == "marts"}
    assert marts["mart_talenta_9box"].pseudonymous_keys == ("pegawai_key",)
    assert marts["mart_kelonggaran_penilai"].pseudonymous_keys == ("penilai_key",)
    assert marts["skor_kinerja"].written_by_python and marts["skor_kinerja"].restricted
    assert [r.name for r in marts.values() if not r.restricted and r.direct_identifiers] == []
    assert marts["fitur_kinerja_pegawai"].read_by_ml


def test_night_steps_follow_the_dag():
    found = night_steps()
    tasks = [s.task for s in found]
    public_steps = [
        name
        for name, function in vars(steps).items()
        if callable(function)
        and getattr(function, "__module__", "") == steps.__name__
        and not name.startswith("_")
        and not isinstance(function, type)
    ]
    assert sorted(s.step for s in found if s.step) == sorted(public_steps)
    assert (
        tasks.index("validate_extracts") < tasks.index("transform") < tasks.index("validate_marts")
    )
    assert tasks[-1] == "apply_retention"
    assert all(s.does for s in found if s.step), "every step of the night needs a docstring"


DAG = """
from airflow.sdk import dag, task
from kinerja.night import steps

@dag(dag_id="x")
def night():
    @task
    def first() -> dict:
        return _run(steps.load_extracts)

    @task
    def second(loaded) -> dict:
        return _run(steps.apply_retention)

    group = DbtTaskGroup(group_id="transform")
    done = second(first())
    {chain}

night()
"""


def test_night_steps_read_the_order_from_the_chain(tmp_path):
    dag = tmp_path / "dag.py"
    dag.write_text(DAG.format(chain="group >> done"))
    assert [s.task for s in night_steps(dag)] == ["transform", "first", "second"]
    dag.write_text(DAG.format(chain="done >> group"))
    assert [s.task for s in night_steps(dag)] == ["first", "second", "transform"]
    assert night_steps(dag)[0].does == night_steps()[0].does  # load_extracts' docstring
    dag.write_text(DAG.format(chain="group"))
    with pytest.raises(DagNotUnderstood):
        night_steps(dag)


def test_the_command_writes_the_dpia_with_the_installation_settings(tmp_path, monkeypatch):
    from kinerja.cli import app

    monkeypatch.setenv("KINERJA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KINERJA_RETENTION_OUTBOX_DAYS", "7")
    output = tmp_path / "dpia.md"
    result = CliRunner().invoke(app, ["docs", "dpia", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert _row(output.read_text(encoding="utf-8"), "outbox")[1] == "7 days"
