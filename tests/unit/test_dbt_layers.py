"""The dbt project's layers only look down, read from the parsed manifest (`dbt parse`).

staging -> intermediate -> marts (dbt-labs' jaffle-shop): staging reads the raw sources and seeds,
an intermediate model never reads a mart. One exception is allowed in staging: a current-state
model reading the versioned model of the same source (`stg_simpeg__izin` is the newest version
of each record in `stg_simpeg__izin_versi`), dbt's base-model pattern.
"""

from __future__ import annotations

import json

import pytest

from kinerja.settings import Settings
from kinerja.transform.manifest import write_manifest


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, dict]:
    home = tmp_path_factory.mktemp("dbt_layers")
    manifest = json.loads(write_manifest(Settings(home=home, target="duckdb")).read_text())
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }


def _layer(node: dict) -> str:
    return node["fqn"][1]  # models/<layer>/...


def _source_system(model_name: str) -> str:
    return model_name.split("__")[0]  # stg_simpeg__izin -> stg_simpeg


def test_every_model_sits_in_a_layer(models):
    assert {_layer(node) for node in models.values()} == {"staging", "intermediate", "marts"}


def test_staging_reads_only_sources_seeds_and_its_own_source_versions(models):
    wrong = []
    for node in models.values():
        if _layer(node) != "staging":
            continue
        for upstream in node["depends_on"]["nodes"]:
            kind = upstream.split(".")[0]
            if kind in ("source", "seed"):
                continue
            parent = models.get(upstream)
            if (
                parent is None
                or _layer(parent) != "staging"
                or _source_system(parent["name"]) != _source_system(node["name"])
            ):
                wrong.append(f"{node['name']} <- {upstream}")
    assert wrong == []


def test_intermediates_never_read_marts(models):
    wrong = [
        f"{node['name']} <- {upstream}"
        for node in models.values()
        if _layer(node) == "intermediate"
        for upstream in node["depends_on"]["nodes"]
        if upstream in models and _layer(models[upstream]) == "marts"
    ]
    assert wrong == []
