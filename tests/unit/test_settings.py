"""Settings derive every path from KINERJA_HOME, also on a copy with another home."""

from __future__ import annotations

from kinerja.settings import Settings


def test_a_copy_with_another_home_points_every_path_there(tmp_path):
    first = Settings(home=tmp_path / "a")
    assert first.duckdb_path == (tmp_path / "a" / "warehouse.duckdb").resolve()
    second = first.model_copy(update={"home": tmp_path / "b"})
    assert second.home_dir == (tmp_path / "b").resolve()
    assert second.duckdb_path.parent == (tmp_path / "b").resolve()
