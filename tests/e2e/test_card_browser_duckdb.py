"""The employee card on the embedded default (DuckDB), in Chromium: the same scopes as on
PostgreSQL, kept by the card's own filter since DuckDB has no row-level security, and a plain
"try again" while the night holds the warehouse file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pytest
from playwright.sync_api import Browser
from support.card import (
    PASSWORD,
    REASONS,
    add_users,
    build_card_warehouse,
    card_server,
    chromium,
    log_in,
)
from support.hand_made_agency import NIP_A, NIP_B, NIP_D, NIP_F

from kinerja.settings import Settings


@dataclass
class Embedded:
    url: str
    settings: Settings
    browser: Browser


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Iterator[Embedded]:
    work = tmp_path_factory.mktemp("card_duckdb")
    settings = Settings(home=work / "home", target="duckdb")
    build_card_warehouse(settings, work)
    add_users(settings)
    with card_server(settings, work / "server.log") as url, chromium() as browser:
        yield Embedded(url, settings, browser)


def test_an_employee_sees_their_own_card_only(embedded):
    page = embedded.browser.new_page()
    log_in(page, embedded.url, NIP_A, PASSWORD[NIP_A])
    assert page.url == f"{embedded.url}/pegawai/{NIP_A}"
    assert page.inner_text("#band") == "Risiko TINGGI"
    assert page.locator("#alasan li").all_inner_texts() == list(REASONS[NIP_A])
    assert page.inner_text("#jp-total") == "12,5 JP"
    assert page.locator("#peringatan article").count() == 1
    for other in (NIP_B, NIP_D):
        assert page.goto(f"{embedded.url}/pegawai/{other}").status == 404
    page.close()


def test_a_supervisor_sees_their_unit_s_subtree_only(embedded):
    page = embedded.browser.new_page()
    log_in(page, embedded.url, NIP_B, PASSWORD[NIP_B])
    listed = page.locator("#daftar tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(listed) == sorted([NIP_B, NIP_F])
    assert page.goto(f"{embedded.url}/pegawai/{NIP_F}").status == 200
    assert page.goto(f"{embedded.url}/pegawai/{NIP_A}").status == 404
    page.close()


def test_while_the_night_holds_the_file_the_card_says_try_again(embedded):
    page = embedded.browser.new_page()
    log_in(page, embedded.url, NIP_D, PASSWORD[NIP_D])
    assert page.inner_text("#identitas h1") == "Dewi"
    night = duckdb.connect(str(embedded.settings.duckdb_path))  # a writer, as the night is
    try:
        assert page.goto(f"{embedded.url}/pegawai/{NIP_D}").status == 503
        assert "coba lagi" in page.inner_text("#judul")
    finally:
        night.close()
    assert page.goto(f"{embedded.url}/pegawai/{NIP_D}").status == 200
    page.close()
