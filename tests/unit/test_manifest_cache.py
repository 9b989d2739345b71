"""The dbt manifest is parsed once per project state and reused by every installation; the parse
also spares the installation's first `dbt build` its own."""

from __future__ import annotations

import json

from kinerja.night.partial_parse import PROJECT_STAMP, producer_target_dir, seed_producer_state
from kinerja.settings import Settings
from kinerja.transform.invoke import DBT_PROFILE, invoke_dbt
from kinerja.transform.manifest import (
    PARTIAL_PARSE_FILE,
    cached_partial_parse_state,
    manifest_digest,
    write_manifest,
)


def test_a_second_installation_takes_the_manifest_from_the_cache(tmp_path):
    cache = tmp_path / "cache"
    first = Settings(home=tmp_path / "a", cache=cache)
    written = write_manifest(first)
    assert "nodes" in json.loads(written.read_text())
    cached = list((cache / "dbt_manifests").glob("*.json"))
    assert [p.stem for p in cached] == [manifest_digest(first)]

    # Mark the cached copy: only a cache hit can hand the mark to the second installation.
    cached[0].write_text(json.dumps({"marked": True}))
    second = Settings(home=tmp_path / "b", cache=cache)
    assert json.loads(write_manifest(second).read_text()) == {"marked": True}


def test_the_digest_follows_what_shapes_the_graph_not_where_it_lives(tmp_path):
    duckdb_a = Settings(home=tmp_path / "a", target="duckdb")
    duckdb_b = Settings(home=tmp_path / "b", target="duckdb")
    postgres = Settings(home=tmp_path / "a", target="postgres")
    other_key = Settings(home=tmp_path / "a", target="duckdb", pseudonym_key="another")
    assert manifest_digest(duckdb_a) == manifest_digest(duckdb_b)
    assert manifest_digest(duckdb_a) != manifest_digest(postgres)
    # The secret never reaches dbt's parse (models read it from the session), so manifests
    # shared between installations hold no key and one key's manifest serves every other.
    assert manifest_digest(duckdb_a) == manifest_digest(other_key)


def _parsing(work) -> list[str]:
    """dbt's parse events of the runs logged in `work` (their names)."""
    log = (work / "logs" / "dbt.log").read_text().splitlines()
    return [e["info"]["name"] for e in map(json.loads, log) if "Pars" in e["info"]["name"]]


def test_the_night_s_build_starts_from_the_manifest_s_parse_of_the_project_as_it_is(tmp_path):
    """`kinerja run` parses a new installation's project for the manifest; the producer's first
    `dbt build` (Cosmos: `--profile` and `--target` on its command line) skips parsing it again.
    A state a build of an older project left is replaced; one of this project is kept."""
    settings = Settings(home=tmp_path / "home", cache=tmp_path / "cache")
    write_manifest(settings)
    assert seed_producer_state(settings)
    folder = producer_target_dir(settings)
    state = folder / PARTIAL_PARSE_FILE
    placed = state.stat().st_mtime_ns
    assert not seed_producer_state(settings)  # the state of this project stays
    assert state.stat().st_mtime_ns == placed

    flags = ("--profile", DBT_PROFILE, "--target", settings.target)
    invoke_dbt(settings, folder.parent, "ls", "--select", "dim_pegawai", *flags)
    parsing = _parsing(folder.parent)
    assert "PartialParsingSkipParsing" in parsing and "UnableToPartialParse" not in parsing

    # The project was upgraded: the digest beside the state no longer matches.
    (folder / PROJECT_STAMP).write_text("an older project")
    state.write_bytes(b"an older project's state")
    assert seed_producer_state(settings)
    assert state.read_bytes() == cached_partial_parse_state(settings).read_bytes()
    assert (folder / PROJECT_STAMP).read_text() == manifest_digest(settings)


def test_the_manifest_s_parse_is_always_a_full_one(tmp_path):
    """Partial parsing can drop YAML-defined snapshots after a project change (dbt-core #15785):
    the manifest's parse never starts from the state an earlier parse left."""
    home = tmp_path / "home"
    write_manifest(Settings(home=home, cache=tmp_path / "one"))
    write_manifest(Settings(home=home, cache=tmp_path / "other"))  # a cache miss: parsed again
    parses = [name for name in _parsing(home / "dbt") if "PartialParsing" in name]
    assert parses == ["PartialParsingNotEnabled"] * 2, parses
    manifest = json.loads((home / "dbt" / "target" / "manifest.json").read_text())
    snapshots = [n for n in manifest["nodes"].values() if n["resource_type"] == "snapshot"]
    assert len(snapshots) == 2
