"""The employee card as a browser meets it: an agency's warehouse with scores and card users, the
server started by its own command in a subprocess, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pandas as pd
from playwright.sync_api import Page
from typer.testing import CliRunner

from kinerja.cli import app
from kinerja.project import DBT_PROJECT_DIR
from kinerja.publish.warehouse import SKOR_COLUMNS, write_scores
from kinerja.runtime import tool_environment
from kinerja.settings import Settings
from kinerja.transform.invoke import DBT_EXECUTABLE
from kinerja.warehouse import connect
from ml.bands import band_for
from support.browser import chromium  # noqa: F401  (the card tests import it from here)
from support.hand_made_agency import (
    HEADER_ONLY,
    NIP_A,
    NIP_B,
    NIP_D,
    NIP_E,
    NIP_F,
    PRESENSI,
    RAW,
    punch,
)
from support.net import free_port
from support.raw_layer import create_raw_layer
from support.warehouse import DBT_KEY_ENV, run_dbt

PROJECT = Path(__file__).resolve().parents[2]
SESSION_SECRET = "rahasia-sesi-uji-kartu-yang-cukup-panjang-0123456789"
PASSWORD = {NIP_A: "sandi-agus-2024", NIP_B: "sandi-butet-2024", NIP_D: "sandi-dewi-2024"}
SCORE_DAY = date(2024, 6, 30)

# What a card needs and what it is built from; the marts of the card, not the whole project.
CARD_MARTS = (
    "dim_pegawai",
    "dim_unit_kerja",
    "fct_presensi_harian",
    "fct_disiplin_presensi",
    "fct_pengembangan_kompetensi",
    "mart_peringatan_presensi",
)

# A finding about the employee whose card the test reads: a MOBILE punch about 2.2 km south of
# the U01 office (radius 100 m + 1,000 m tolerance), so LUAR_GEOFENCE fires with its evidence.
FAR_PUNCH_DAY = date(2024, 6, 28)
CARD_RAW = {
    **RAW,
    "presensi": [
        *PRESENSI,
        (
            FAR_PUNCH_DAY,
            {
                **punch(NIP_A, "2024-06-28T09:10:00+07:00"),
                "sumber": "MOBILE",
                "lat": "-6.2288",
                "lon": "106.8456",
            },
        ),
    ],
}

# Phrases in the style of seed frasa_alasan, one set per employee so a card shows its own.
REASONS = {
    NIP_A: (
        "tingkat kehadiran rendah dalam 3 bulan terakhir",
        "ada hari tanpa keterangan",
        "keterlambatan meningkat dibanding triwulan sebelumnya",
    ),
    NIP_B: (
        "predikat SKP terakhir di bawah ekspektasi",
        "ada hukuman disiplin dalam 24 bulan",
        "jam pelatihan 12 bulan terakhir sedikit",
    ),
    NIP_D: (
        "masa kerja dalam jabatan masih singkat",
        "hari kerja yang tercatat sedikit",
        "tingkat kehadiran tinggi dalam 3 bulan terakhir",
    ),
    NIP_E: (
        "hari kerja yang tercatat sedikit",
        "masa kerja masih singkat",
        "belum ada penilaian SKP",
    ),
    NIP_F: (
        "hari kerja yang tercatat sedikit",
        "masa kerja masih singkat",
        "belum ada penilaian SKP",
    ),
}
SKOR = {NIP_A: 0.6234, NIP_B: 0.2811, NIP_D: 0.0712, NIP_E: 0.15, NIP_F: 0.33}


def build_card_warehouse(settings: Settings, work: Path) -> None:
    """The warehouse every card test serves: the hand-made agency's raw layer, its published
    scores and the card's marts."""
    create_raw_layer(settings, CARD_RAW, HEADER_ONLY)
    publish_scores(settings)
    build_card_marts(settings, work)


def build_card_marts(settings: Settings, work: Path) -> None:
    """Seeds and the card's marts in one dbt invocation (one parse), their data tests left to
    the dbt suites. On DuckDB in a subprocess: dbt-duckdb keeps its connection open in the
    process that ran it, and the card's server, another process, could never open the file."""
    args = [
        "build",
        "--select",
        *(f"+{m}" for m in CARD_MARTS),
        "--exclude",
        "resource_type:test",
        "resource_type:unit_test",
    ]
    if settings.target == "postgres":
        run_dbt(settings, work, *args)
        return
    env = {
        **os.environ,
        **tool_environment(settings),
        **DBT_KEY_ENV,
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    done = subprocess.run(
        [str(DBT_EXECUTABLE), "--no-use-colors", *args, "--project-dir", str(DBT_PROJECT_DIR)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-5000:]


def publish_scores(settings: Settings) -> None:
    """Scores as the night publishes them (kinerja.publish.warehouse)."""
    frame = pd.DataFrame(
        [
            {
                "nip": nip,
                "periode": "2024-TW3",
                "skor": skor,
                "band": band_for(skor),
                "alasan": "; ".join(REASONS[nip]),
                "alasan_1": REASONS[nip][0],
                "alasan_2": REASONS[nip][1],
                "alasan_3": REASONS[nip][2],
                "alasan_kode": "rasio_hadir:+0.40",
                "model_name": "kinerja_risiko_kinerja",
                "model_version": "3",
                "run_id": "r" * 32,
                "tanggal_data": SCORE_DAY,
                "scored_at": datetime(2024, 7, 1, 20, 0, tzinfo=UTC),
            }
            for nip, skor in SKOR.items()
        ]
    )[list(SKOR_COLUMNS)]
    with connect(settings) as wh:
        write_scores(wh, frame, SCORE_DAY)


def card_environment(settings: Settings) -> dict[str, str]:
    env = {
        "KINERJA_HOME": str(settings.home),
        "KINERJA_TARGET": settings.target,
        "KINERJA_PG_DATABASE": settings.pg_database,
        "KINERJA_CARD_SESSION_SECRET": SESSION_SECRET,
    }
    if settings.card_pg_user:
        env["KINERJA_CARD_PG_USER"] = settings.card_pg_user
    return env


def card_command(
    settings: Settings, *args: str, password: str | None = None, env: dict[str, str] | None = None
):
    """`kinerja card ...` as an administrator types it (the password on stdin)."""
    runner = CliRunner()
    with_env = {**card_environment(settings), **(env or {}), "COLUMNS": "200"}
    return runner.invoke(app, ["card", *args], input=password and f"{password}\n", env=with_env)


def add_users(settings: Settings) -> None:
    """An employee (A), the head of unit U02 (B), and another employee (D)."""
    for nip, unit in ((NIP_A, None), (NIP_B, "U02"), (NIP_D, None)):
        args = ["user", "add", nip, *(["--unit", unit] if unit else [])]
        result = card_command(settings, *args, password=PASSWORD[nip])
        assert result.exit_code == 0, result.output


@contextmanager
def card_server(
    settings: Settings, log: Path, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """`kinerja card serve` in a subprocess (with `env` on top of the card's own); yields its
    base URL once it answers."""
    port = port or free_port()
    env = {**os.environ, **card_environment(settings), **(env or {}), "PYTHONPATH": str(PROJECT)}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "kinerja.cli", "card", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if httpx.get(f"{url}/sehat", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def log_in(page: Page, url: str, nip: str, password: str) -> None:
    page.goto(f"{url}/masuk")
    page.fill("#nip", nip)
    page.fill("#kata_sandi", password)
    page.click("#masuk")
    page.wait_for_load_state()
