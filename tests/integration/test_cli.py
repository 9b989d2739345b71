"""The CLI as a user meets it: generate, load one night, info."""

from __future__ import annotations

import re
from datetime import date

from typer.testing import CliRunner

from kinerja.cli import app

runner = CliRunner()


def test_generate_then_load_one_night(kinerja_home, tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    monkeypatch.setenv("COLUMNS", "200")
    generated = runner.invoke(
        app,
        [
            "generate",
            "--landing",
            str(landing),
            "--employees",
            "40",
            "--start",
            "2025-03-03",
            "--end",
            "2025-03-07",
        ],
    )
    assert generated.exit_code == 0, generated.output
    assert "presensi" in generated.output
    assert "Planted fraud cases: " in generated.output  # --fraud defaults to 0.02
    # Not a terminal: the progress comes as lines (elapsed, what, how far), not a bar at the end.
    assert re.search(r"^\d\d:\d\d Generating deliveries 5/5$", generated.output, re.MULTILINE)
    assert (landing / "_ground_truth" / "fraud.jsonl").exists()

    again = runner.invoke(app, ["generate", "--landing", str(landing), "--if-empty"])
    assert again.exit_code == 0 and "not generating" in again.output

    loaded = runner.invoke(app, ["load", "--landing", str(landing), "--date", "2025-03-05"])
    assert loaded.exit_code == 0, loaded.output
    assert "LOADED" in loaded.output and "presensi" in loaded.output
    assert re.search(r"^\d\d:\d\d loading presensi 1/1$", loaded.output, re.MULTILINE)

    # A file missing a required column is rejected, named, and the command exits non-zero.
    bad = landing / "izin" / "2025-03-06"
    bad.mkdir(parents=True, exist_ok=True)
    (bad / "izin_rusak.csv").write_text("id_izin,nip\nX1,198503102010011001\n", encoding="utf-8")
    rejected = runner.invoke(app, ["load", "--landing", str(landing), "--date", "2025-03-06"])
    assert rejected.exit_code == 1
    assert "REJECTED" in rejected.output and "izin_rusak.csv" in rejected.output


def test_info_names_the_active_target_and_stores(kinerja_home, monkeypatch):
    monkeypatch.setenv("KINERJA_TARGET", "postgres")
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert "postgres" in result.output and kinerja_home in result.output
    assert "as kinerja_bi" in result.output


def test_info_names_the_bi_snapshot_on_duckdb(kinerja_home, monkeypatch):
    monkeypatch.setenv("KINERJA_TARGET", "duckdb")
    monkeypatch.setenv("COLUMNS", "250")
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert f"{kinerja_home}/bi/kinerja_bi.duckdb (read-only)" in result.output


def test_run_rejects_half_a_range(kinerja_home):
    result = runner.invoke(app, ["run", "--start", date(2025, 1, 1).isoformat()])
    assert result.exit_code != 0


def test_load_prints_one_row_per_file_with_quarantine_rules(kinerja_home, tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    landing = tmp_path / "landing"
    shutil.copytree(corpus / "unknown_code" / "presensi", landing / "presensi")
    shutil.copytree(corpus / "windows_1252_names" / "pegawai", landing / "pegawai")
    monkeypatch.setenv("COLUMNS", "250")
    args = ["load", "--landing", str(landing), "--date", "2026-03-02", "--target", "duckdb"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    [punches] = [ln for ln in lines if "presensi.csv" in ln]
    assert "LOADED" in punches and "INVALID_CODE 1" in punches
    assert any("pegawai.csv" in ln and "REJECTED" in ln for ln in lines)
    assert "ENCODING" in result.output and "re-export" in result.output
    again = runner.invoke(app, args)
    assert "UNCHANGED" in again.output and again.exit_code == 1

    # At 80 columns (a terminal, a log: rich's width when the output is not a terminal) each
    # file gets its own lines, nothing cut. The console took its width when it was created.
    from kinerja.cli.common import console

    monkeypatch.setattr(console, "width", 80)
    narrow = runner.invoke(app, [*args[:-2], "--target", "duckdb"])
    lines = narrow.output.splitlines()
    assert "…" not in narrow.output and max(map(len, lines)) <= 80
    at = lines.index("presensi 2026-03-02 presensi.csv")
    assert lines[at + 1].startswith("  UNCHANGED: ")
    pegawai = lines.index("pegawai 2026-03-02 pegawai.csv")
    assert lines[pegawai + 1].startswith("  REJECTED: ")
    assert "ENCODING" in narrow.output and "re-export" in narrow.output
