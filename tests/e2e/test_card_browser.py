"""Every employee's own card in a real browser (Playwright driving Debian's Chromium), on a
PostgreSQL warehouse built as production runs it: `kinerja warehouse roles` first, the card
connecting as a member of kinerja_kartu, so row-level security stands behind every query.

Logins: A (an employee of U01), B (head of U02, whose subtree is B and F) and D (an employee of
U03). Screenshots go to the module's tmp dir (printed at the end of the module).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from psycopg import sql
from support.card import (
    PASSWORD,
    REASONS,
    add_users,
    build_card_warehouse,
    card_command,
    card_server,
    chromium,
    log_in,
)
from support.hand_made_agency import NIP_A, NIP_B, NIP_C, NIP_D, NIP_E, NIP_F
from support.postgres import admin, throwaway_database
from typer.testing import CliRunner

from kinerja.cli import app
from kinerja.settings import Settings
from kinerja.warehouse import connect
from kinerja.warehouse.access import CARD_ROLE
from ml.model_card import INTENDED_USE_ID, OUT_OF_SCOPE_ID

pytestmark = pytest.mark.postgres

NAMES = {NIP_A: "Agus", NIP_B: "Butet", NIP_C: "Cahyo", NIP_D: "Dewi", NIP_E: "Eko", NIP_F: "Fitri"}


@dataclass
class Agency:
    url: str
    settings: Settings  # the administrator's
    card_settings: Settings  # the card's own login
    shots: Path
    browser: Browser

    def context(self) -> BrowserContext:
        return self.browser.new_context(viewport={"width": 1100, "height": 900})

    def shot(self, page: Page, name: str) -> None:
        page.screenshot(path=self.shots / f"{name}.png", full_page=True)


@pytest.fixture(scope="module")
def agency(tmp_path_factory) -> Iterator[Agency]:
    work = tmp_path_factory.mktemp("card")
    login = f"kartu_t{uuid.uuid4().hex[:8]}"
    try:
        with throwaway_database("kinerja_card") as database:
            settings = Settings(home=work / "home", target="postgres", pg_database=database)
            roles = CliRunner().invoke(
                app,
                ["warehouse", "roles", "--target", "postgres"],
                env={"KINERJA_HOME": str(settings.home), "KINERJA_PG_DATABASE": database},
            )
            assert roles.exit_code == 0, roles.output
            with admin() as con:
                con.execute(
                    sql.SQL("create role {} login in role {}").format(
                        sql.Identifier(login), sql.Identifier(CARD_ROLE)
                    )
                )
            build_card_warehouse(settings, work)
            card_settings = settings.model_copy(update={"card_pg_user": login})
            add_users(card_settings)
            shots = work / "screenshots"
            shots.mkdir()
            with card_server(card_settings, work / "server.log") as url, chromium() as browser:
                yield Agency(url, settings, card_settings, shots, browser)
            print(f"\ncard screenshots: {shots}")
    finally:
        with admin() as con:
            con.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(login)))


def _mart(agency: Agency, query: str, nip: str) -> dict:
    with connect(agency.settings) as wh:
        rows = wh.query_df(query, {"nip": nip}).to_dict("records")
    assert len(rows) == 1, rows
    return rows[0]


def _open(page: Page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return response.status


def test_a_logged_out_visitor_is_sent_to_the_login_and_sees_no_data(agency):
    context = agency.context()
    page = context.new_page()
    for path in ("/", f"/pegawai/{NIP_A}", f"/pegawai/{NIP_B}"):
        assert _open(page, agency.url + path) == 200
        assert page.url == f"{agency.url}/masuk", path
        body = page.inner_text("body")
        assert not any(name in body for name in NAMES.values()), path
        assert NIP_A not in body and NIP_B not in body
    assert page.locator("#nip").is_visible() and page.locator("#kata_sandi").is_visible()
    agency.shot(page, "1-masuk")
    assert context.cookies() == []  # no session handed out before a login
    context.close()


def test_a_wrong_password_fails(agency):
    context = agency.context()
    page = context.new_page()
    page.goto(f"{agency.url}/masuk")
    page.fill("#nip", NIP_A)
    page.fill("#kata_sandi", PASSWORD[NIP_B])
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#masuk")
    assert posted.value.status == 401
    assert page.inner_text("#gagal") == "NIP atau kata sandi salah."
    agency.shot(page, "2-sandi-salah")
    # An unknown NIP is refused the same way, and neither attempt opens a card.
    log_in(page, agency.url, NIP_E, PASSWORD[NIP_A])
    assert page.is_visible("#gagal")
    assert _open(page, f"{agency.url}/pegawai/{NIP_A}") == 200 and page.url.endswith("/masuk")
    context.close()


def test_an_employee_sees_their_own_card_and_nobody_else_s(agency):
    context = agency.context()
    page = context.new_page()
    log_in(page, agency.url, NIP_A, PASSWORD[NIP_A])
    assert page.url == f"{agency.url}/pegawai/{NIP_A}"
    agency.shot(page, "3-kartu-pegawai")

    assert page.inner_text("#identitas h1") == "Agus"
    assert page.inner_text("#skor .angka") == "0,62"
    assert page.inner_text("#band") == "Risiko TINGGI"
    assert page.locator("#alasan li").all_inner_texts() == list(REASONS[NIP_A])
    purpose = page.inner_text("#tujuan-model")
    assert INTENDED_USE_ID[1] in purpose and all(item in purpose for item in OUT_OF_SCOPE_ID)

    presensi = _mart(
        agency,
        "select count(*) as hari, sum(case when status = 'TANPA_KETERANGAN' then 1 else 0 end) "
        "as absen from marts.fct_presensi_harian where nip = :nip and tanggal >= '2024-01-01'",
        NIP_A,
    )
    assert f"{presensi['hari']} hari kerja tercatat" in page.inner_text("#presensi")
    statuses = dict(
        row.split("\t") for row in page.locator("#presensi-status tbody tr").all_inner_texts()
    )
    assert int(statuses["Tanpa keterangan"]) == presensi["absen"] >= 1

    disiplin = _mart(
        agency,
        "select hari_tanpa_keterangan from marts.fct_disiplin_presensi "
        "where nip = :nip and tahun = 2024",
        NIP_A,
    )
    assert int(page.inner_text("#hari-tanpa-keterangan")) == disiplin["hari_tanpa_keterangan"] >= 1
    assert page.inner_text("#jp-total") == "12,5 JP"  # PL-2, 2024; the 40 JP of 2023 not counted

    warning = page.locator("#peringatan article")
    assert warning.count() == 1
    assert "28 Juni 2024" in warning.inner_text() and "Bukti" in warning.inner_text()
    bukti = _mart(
        agency,
        "select bukti from marts.mart_peringatan_presensi where nip = :nip",
        NIP_A,
    )["bukti"]
    assert page.inner_text("#peringatan .bukti") == bukti.strip()

    # Another employee's card, by its address: not found, and nothing of theirs on the page.
    for other in (NIP_B, NIP_C, NIP_F, "000000000000000000"):
        assert _open(page, f"{agency.url}/pegawai/{other}") == 404
        assert NAMES.get(other, "-") not in page.inner_text("body")
    agency.shot(page, "4-kartu-orang-lain")
    assert _open(page, f"{agency.url}/") == 200 and page.url.endswith(f"/pegawai/{NIP_A}")

    (cookie,) = context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["secure"]
    context.close()


def test_a_supervisor_sees_the_cards_of_their_unit_s_subtree_only(agency):
    context = agency.context()
    page = context.new_page()
    log_in(page, agency.url, NIP_B, PASSWORD[NIP_B])
    assert page.url == f"{agency.url}/"
    listed = page.locator("#daftar tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(listed) == sorted([NIP_B, NIP_F])
    agency.shot(page, "5-daftar-atasan")

    page.click(f"text={NAMES[NIP_F]}")
    assert page.url == f"{agency.url}/pegawai/{NIP_F}"
    assert page.inner_text("#identitas h1") == "Fitri"
    assert page.locator("#alasan li").all_inner_texts() == list(REASONS[NIP_F])
    agency.shot(page, "6-kartu-bawahan")
    for outside in (NIP_A, NIP_C, NIP_D, NIP_E):
        assert _open(page, f"{agency.url}/pegawai/{outside}") == 404
        assert NAMES[outside] not in page.inner_text("body")
    context.close()


def test_logout_ends_the_session(agency):
    context = agency.context()
    page = context.new_page()
    log_in(page, agency.url, NIP_D, PASSWORD[NIP_D])
    assert page.inner_text("#identitas h1") == "Dewi"
    assert _open(page, f"{agency.url}/pegawai/{NIP_F}") == 404
    page.goto(f"{agency.url}/pegawai/{NIP_D}")
    page.click("#keluar")
    page.wait_for_url(f"{agency.url}/masuk")
    assert _open(page, f"{agency.url}/pegawai/{NIP_D}") == 200
    assert page.url == f"{agency.url}/masuk" and "Dewi" not in page.inner_text("body")
    context.close()


def test_removing_a_user_ends_their_session_at_once(agency):
    context = agency.context()
    page = context.new_page()
    log_in(page, agency.url, NIP_D, PASSWORD[NIP_D])
    assert page.inner_text("#identitas h1") == "Dewi"
    removed = card_command(agency.card_settings, "user", "remove", NIP_D)
    assert removed.exit_code == 0, removed.output
    try:
        assert _open(page, f"{agency.url}/pegawai/{NIP_D}") == 200
        assert page.url == f"{agency.url}/masuk" and "Dewi" not in page.inner_text("body")
        log_in(page, agency.url, NIP_D, PASSWORD[NIP_D])
        assert page.is_visible("#gagal")
    finally:
        added = card_command(agency.card_settings, "user", "add", NIP_D, password=PASSWORD[NIP_D])
        assert added.exit_code == 0, added.output
    context.close()
