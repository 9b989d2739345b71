"""The dbt manifest is parsed once per project state and reused by every installation; the parse
also spares the installation's first `dbt build` its own."""

from __future__ import annotations

import json

from kinerja.night.partial_parse import producer_target_dir, seed_producer_state
from kinerja.settings import Settings
from kinerja.transform.invoke import DBT_PROFILE, invoke_dbt
from kinerja.transform.manifest import manifest_digest, write_manifest


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


def test_the_first_night_s_build_starts_from_the_parse_of_the_manifest(tmp_path):
    """`kinerja run` parses a new installation's project for the manifest; the producer's first
    `dbt build` (Cosmos: `--profile` and `--target` on its command line) skips parsing it again."""
    settings = Settings(home=tmp_path / "home", cache=tmp_path / "cache")
    write_manifest(settings)
    assert seed_producer_state(settings)
    state = producer_target_dir(settings) / "partial_parse.msgpack"
    placed = state.stat().st_mtime_ns
    assert not seed_producer_state(settings)  # a state a build left there stays
    assert state.stat().st_mtime_ns == placed

    work = producer_target_dir(settings).parent
    flags = ("--profile", DBT_PROFILE, "--target", settings.target)
    invoke_dbt(settings, work, "ls", "--select", "dim_pegawai", *flags)
    events = [
        json.loads(line)["info"] for line in (work / "logs" / "dbt.log").read_text().splitlines()
    ]
    parsing = [e["msg"] for e in events if "Pars" in e["name"]]
    assert any(e["name"] == "PartialParsingSkipParsing" for e in events), parsing
