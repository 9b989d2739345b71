"""`kinerja bench dbt` at a tiny size: real DuckDB, real dbt runs, both figures printed."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from kinerja.cli import app

runner = CliRunner()


def test_bench_dbt_prints_one_new_day_with_a_month_and_a_year_of_history(
    kinerja_home, tmp_path, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(
        app,
        [
            "bench",
            "dbt",
            "--employees",
            "12",
            "--month-days",
            "3",
            "--year-days",
            "8",
            "--work-dir",
            str(tmp_path / "bench"),
        ],
    )
    assert result.exit_code == 0, result.output
    figures = re.findall(
        r"^(1 bulan|1 tahun): one new day built in ([0-9.]+) s \(fct_presensi_harian ([0-9.]+) s\)$",
        result.output,
        flags=re.MULTILINE,
    )
    assert [label for label, _, _ in figures] == ["1 bulan", "1 tahun"], result.output
    for _, run_seconds, fact_seconds in figures:
        assert 0 < float(fact_seconds) <= float(run_seconds)
    # 2024-01-01 .. 01-08 has six weekdays: two punches each for 12 employees
    assert "1 tahun (8 d)" in result.output and " 144 " in result.output
