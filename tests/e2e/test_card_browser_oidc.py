"""The employee card logging in through an OpenID Connect provider, in Chromium: a real provider
on this machine (oidc-provider-mock, tests/support/oidc_provider.py), the card served by its own
command with KINERJA_CARD_AUTH=oidc over the embedded warehouse, and people logging in on the
provider's form. The card and the provider are different sites (127.0.0.1 and localhost), as an
agency's card and its identity provider usually are."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route
from support.card import (
    REASONS,
    build_card_warehouse,
    card_command,
    card_server,
    chromium,
    free_port,
)
from support.hand_made_agency import NIP_A, NIP_B, NIP_D, NIP_F
from support.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, oidc_provider

from kinerja.settings import Settings

UNREGISTERED_NIP = "199912312020121009"  # a real-looking NIP the card was never told about
USERS = {  # the provider's accounts: subject -> claims in the ID token
    "agus": {"nip": NIP_A, "name": "Agus"},
    "butet": {"nip": NIP_B, "name": "Butet"},
    "orang-luar": {"nip": UNREGISTERED_NIP, "name": "Orang Luar"},
    "tanpa-nip": {"name": "Tanpa NIP"},
}


@dataclass
class Setup:
    url: str
    provider: Provider
    browser: Browser


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Iterator[Setup]:
    work = tmp_path_factory.mktemp("card_oidc")
    settings = Settings(home=work / "home", target="duckdb")
    build_card_warehouse(settings, work)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with oidc_provider(USERS) as provider:
        env = {
            "KINERJA_CARD_AUTH": "oidc",
            "KINERJA_CARD_OIDC_ISSUER": provider.issuer,
            "KINERJA_CARD_OIDC_CLIENT_ID": CLIENT_ID,
            "KINERJA_CARD_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "KINERJA_CARD_OIDC_REDIRECT_BASE": url,
        }
        # The administrator says who may log in and what each sees; no password is asked.
        for nip, unit in ((NIP_A, None), (NIP_B, "U02"), (NIP_D, None)):
            args = ["user", "add", nip, *(["--unit", unit] if unit else [])]
            added = card_command(settings, *args, env=env)
            assert added.exit_code == 0 and "added for the identity provider" in added.output
        with card_server(settings, work / "server.log", env=env, port=port), chromium() as browser:
            yield Setup(url, provider, browser)


def new_page(setup: Setup) -> Page:
    """A fresh browser profile that reaches this machine only (the provider's page links a
    stylesheet on a CDN, which is never fetched)."""
    context = setup.browser.new_context()
    local = {"127.0.0.1", "localhost"}
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if urlsplit(route.request.url).hostname in local else route.abort()
        ),
    )
    return context.new_page()


def is_callback(url: str) -> bool:
    return urlsplit(url).path == "/masuk/oidc/kembali"


def log_in_at_provider(page: Page, setup: Setup, subject: str) -> None:
    page.goto(f"{setup.url}/")  # a visitor without a session lands on the login page
    assert urlsplit(page.url).path == "/masuk"
    page.click("#masuk-oidc")
    assert page.url.startswith(f"{setup.provider.issuer}/oauth2/authorize")
    page.click(f"button[name=sub][value={subject}]")
    page.wait_for_load_state()


def test_an_employee_logs_in_at_the_provider_and_sees_their_own_card_only(setup):
    page = new_page(setup)
    log_in_at_provider(page, setup, "agus")
    page.wait_for_url(f"{setup.url}/pegawai/{NIP_A}")
    assert page.inner_text("#band") == "Risiko TINGGI"
    assert page.locator("#alasan li").all_inner_texts() == list(REASONS[NIP_A])
    for other in (NIP_B, NIP_D):
        assert page.goto(f"{setup.url}/pegawai/{other}").status == 404

    # The authorization request carried PKCE (S256), a state and a nonce; the token request
    # redeemed the code with the verifier matching that challenge and the client's secret.
    asked = setup.provider.authorize_requests[-1]
    assert asked["code_challenge_method"] == "S256"
    assert asked["state"] and asked["nonce"] and "openid" in asked["scope"].split()
    redeemed = setup.provider.token_requests[-1]
    digest = hashlib.sha256(redeemed["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == asked["code_challenge"]
    assert redeemed["redirect_uri"] == f"{setup.url}/masuk/oidc/kembali"

    # Logout ends the card's session and sends the browser to the provider's end-session
    # endpoint with the ID token as a hint and the card's login page to come back to.
    page.click("#keluar")
    page.wait_for_load_state()
    assert page.url.startswith(f"{setup.provider.issuer}/oauth2/end_session")
    logout = parse_qs(urlsplit(page.url).query)
    assert logout["post_logout_redirect_uri"] == [f"{setup.url}/masuk"]
    assert logout["id_token_hint"][0].count(".") == 2
    page.click("button[type=submit]")  # the provider's "End session"
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/masuk"
    assert page.goto(f"{setup.url}/pegawai/{NIP_A}").url.endswith("/masuk")
    page.context.close()


def test_a_supervisor_logged_in_at_the_provider_sees_their_unit_s_subtree(setup):
    page = new_page(setup)
    log_in_at_provider(page, setup, "butet")
    page.wait_for_url(f"{setup.url}/")
    listed = page.locator("#daftar tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(listed) == sorted([NIP_B, NIP_F])
    assert page.goto(f"{setup.url}/pegawai/{NIP_A}").status == 404
    page.context.close()


@pytest.mark.parametrize("subject", ["orang-luar", "tanpa-nip"])
def test_a_provider_account_without_a_card_login_is_refused(setup, subject):
    page = new_page(setup)
    log_in_at_provider(page, setup, subject)
    assert urlsplit(page.url).path == "/masuk/oidc/kembali"
    assert "belum terdaftar untuk Kartu Kinerja" in page.inner_text("#gagal")
    assert page.goto(f"{setup.url}/").url.endswith("/masuk")  # no session
    page.context.close()


def held_answer(setup: Setup, page: Page, subject: str) -> str:
    """Log in at the provider but keep its answer (the redirect back to the card, with code and
    state) from reaching the card, as someone intercepting it would; returns that address."""
    held: list[str] = []

    def hold(route: Route) -> None:
        answer = route.fetch(max_redirects=0)
        held.append(answer.headers["location"])
        route.fulfill(status=200, body="held")

    page.route(f"{setup.provider.issuer}/oauth2/authorize?*", hold)
    log_in_at_provider(page, setup, subject)
    page.unroute(f"{setup.provider.issuer}/oauth2/authorize?*")
    assert len(held) == 1 and is_callback(held[0])
    return held[0]


def test_a_tampered_state_is_refused_and_the_login_cannot_be_replayed(setup):
    page = new_page(setup)
    genuine = urlsplit(held_answer(setup, page, "agus"))
    query = {k: v[0] for k, v in parse_qs(genuine.query).items()}
    tampered = genuine._replace(query=urlencode({**query, "state": query["state"] + "x"}))

    refused = page.goto(tampered.geturl())
    assert refused.status == 400
    assert "tidak sah" in page.inner_text("#gagal")
    assert page.goto(f"{setup.url}/").url.endswith("/masuk")
    # The refusal ended the login in progress: the genuine answer no longer logs anyone in.
    assert page.goto(genuine.geturl()).status == 400
    assert page.goto(f"{setup.url}/").url.endswith("/masuk")
    page.context.close()


def test_an_answer_meant_for_another_browser_is_refused(setup):
    """Login CSRF: the provider's answer for one browser's login, opened in another browser
    (which started no login), logs nobody in there."""
    first = new_page(setup)
    answer = held_answer(setup, first, "agus")
    first.context.close()
    other = new_page(setup)
    assert other.goto(answer).status == 400
    assert other.goto(f"{setup.url}/").url.endswith("/masuk")
    other.context.close()
