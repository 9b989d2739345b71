"""The CLI ends cleanly: delivered names printed as they are, bad arguments and a busy
warehouse in one line with their exit codes, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kinerja.cli import EXIT_BAD_ARGUMENT, EXIT_BUSY, app
from kinerja.settings import Settings
from kinerja.warehouse import WarehouseBusy, connect

runner = CliRunner()
DAY = date(2026, 3, 2)
PUNCHES = (
    "nip,waktu,sumber,id_perangkat,lat,lon,[/]\n"
    "198503102010011001,2026-03-02T07:41:00+08:00,FINGERPRINT,DEV-1,,,[bold]x\n"
)


@pytest.fixture
def landing(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "landing" / "presensi" / DAY.isoformat()
    folder.mkdir(parents=True)
    (folder / "[bold]x.csv").write_text(PUNCHES, encoding="utf-8")
    monkeypatch.setenv("KINERJA_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("COLUMNS", "250")
    return tmp_path / "landing"


def test_delivered_names_are_printed_as_delivered(kinerja_home, landing):
    result = runner.invoke(app, ["load", "--date", DAY.isoformat(), "--target", "duckdb"])
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.output.splitlines() if "LOADED" in line]
    assert "[bold]x.csv" in row and "extra columns kept in _extra: [/]" in row
    with connect(Settings()) as wh:
        assert wh.scalar("select _extra from raw.presensi") == '{"[/]":"[bold]x"}'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", "--date", "2026-13-45"], "--date '2026-13-45' is not a date YYYY-MM-DD"),
        (["load", "--date", "yesterday"], "--date 'yesterday' is not a date YYYY-MM-DD"),
        (["load", "--date", "2026-03-02", "--target", "oracle"], "--target 'oracle'"),
        (["run", "--start", "2026-03-05", "--end", "2026-03-01"], "is after --end 2026-03-01"),
        (["run", "--start", "2026-03-05"], "--start and --end go together"),
        (["generate", "--end", "2026-02-30"], "--end '2026-02-30' is not a date"),
        (["train", "--as-of", "03/02/2026"], "--as-of '03/02/2026' is not a date"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_code_2(kinerja_home, tmp_path, args, message):
    result = runner.invoke(
        app, [*args, *(["--landing", str(tmp_path)] if args[0] != "train" else [])]
    )
    assert result.exit_code == EXIT_BAD_ARGUMENT == 2, result.output
    assert result.output.splitlines() == [result.output.strip()]
    assert message in result.output and result.output.startswith("kinerja: ")
    assert result.exception is None or isinstance(result.exception, SystemExit)


HOLD_THE_WAREHOUSE = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held_warehouse(kinerja_home):
    """A real second process holding the DuckDB warehouse open (and so its lock)."""
    path = Settings().duckdb_path
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLD_THE_WAREHOUSE,
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_second_duckdb_writer_is_told_who_holds_the_warehouse(held_warehouse, landing):
    with pytest.raises(WarehouseBusy) as busy, connect(Settings()):
        pass
    # The holder named by its PID and its command line (cut when long).
    assert f"process {held_warehouse.pid} ({sys.executable} -c " in str(busy.value)

    result = runner.invoke(app, ["load", "--date", DAY.isoformat(), "--target", "duckdb"])
    assert result.exit_code == EXIT_BUSY, result.output
    [line] = result.output.splitlines()
    assert line.startswith("kinerja: the warehouse ") and f"process {held_warehouse.pid}" in line
    assert "Traceback" not in result.output
    # `kinerja run` says so before it starts a night that could not write.
    result = runner.invoke(app, ["run", "--date", DAY.isoformat(), "--target", "duckdb"])
    assert result.exit_code == EXIT_BUSY, result.output
    assert f"process {held_warehouse.pid}" in result.output and "Traceback" not in result.output

    # Once the other process ends, the same command loads.
    held_warehouse.kill()
    held_warehouse.wait()
    result = runner.invoke(app, ["load", "--date", DAY.isoformat(), "--target", "duckdb"])
    assert result.exit_code == 0, result.output
