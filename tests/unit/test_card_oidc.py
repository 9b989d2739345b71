"""The card's OpenID Connect login without a browser: its settings and their errors, the claim
that names the NIP, and the ID-token checks against keys a small local provider publishes
(discovery document and JWKS over real HTTP on 127.0.0.1; tokens the test signs itself, so that
each check can be broken on its own). The whole flow in Chromium: tests/e2e/test_card_browser_oidc.py.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from typer.testing import CliRunner

from kinerja.card.app import create_app
from kinerja.card.auth import CardAuthMisconfigured, LocalPasswords, OidcLogins, provider_for
from kinerja.card.oidc import TRANSACTION_COOKIE, LoginRefused, OidcFlow
from kinerja.card.oidc_config import oidc_config
from kinerja.card.passwords import PasswordStore
from kinerja.cli import app
from kinerja.settings import Settings

NIP = "198501012010011001"
OTHER_NIP = "199002022015012002"
CLIENT_ID = "kartu-kinerja"
SECRET = "rahasia-sesi-uji-kartu-yang-cukup-panjang-0123456789"
NONCE = "nonce-uji-123"


def oidc_settings(tmp_path, **overrides) -> Settings:
    values = {
        "home": tmp_path / "home",
        "target": "duckdb",
        "card_session_secret": SECRET,
        "card_auth": "oidc",
        "card_oidc_issuer": "https://sso.contoh.go.id/realms/asn",
        "card_oidc_client_id": CLIENT_ID,
        "card_oidc_client_secret": "rahasia-klien",
        "card_oidc_redirect_base": "https://kinerja.contoh.go.id/kartu/",
        **overrides,
    }
    return Settings(**values)


# --- settings -------------------------------------------------------------------------------


def test_a_complete_configuration_gives_the_callback_and_logout_addresses(tmp_path):
    config = oidc_config(oidc_settings(tmp_path))
    assert config.redirect_uri == "https://kinerja.contoh.go.id/kartu/masuk/oidc/kembali"
    assert config.post_logout_uri == "https://kinerja.contoh.go.id/kartu/masuk"
    assert config.metadata_url == (
        "https://sso.contoh.go.id/realms/asn/.well-known/openid-configuration"
    )
    assert config.nip_claim == "nip"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"card_oidc_issuer": None}, "KINERJA_CARD_OIDC_ISSUER"),
        ({"card_oidc_client_id": " "}, "KINERJA_CARD_OIDC_CLIENT_ID"),
        ({"card_oidc_client_secret": None}, "KINERJA_CARD_OIDC_CLIENT_SECRET"),
        ({"card_oidc_redirect_base": ""}, "KINERJA_CARD_OIDC_REDIRECT_BASE"),
        ({"card_oidc_issuer": "sso.contoh.go.id"}, "KINERJA_CARD_OIDC_ISSUER"),
        ({"card_oidc_issuer": "http://sso.contoh.go.id"}, "must use https"),
        ({"card_oidc_redirect_base": "http://10.1.2.3/kartu"}, "must use https"),
        ({"card_oidc_issuer": "https://sso.contoh.go.id/?realm=asn"}, "query"),
        ({"card_oidc_nip_claim": " "}, "KINERJA_CARD_OIDC_NIP_CLAIM"),
        ({"card_oidc_scope": "profile email"}, "KINERJA_CARD_OIDC_SCOPE"),
    ],
)
def test_a_missing_or_malformed_setting_is_named(tmp_path, overrides, named):
    with pytest.raises(CardAuthMisconfigured, match=named):
        provider_for(oidc_settings(tmp_path, **overrides))


def test_every_missing_setting_is_named_at_once(tmp_path):
    settings = oidc_settings(tmp_path, card_oidc_issuer=None, card_oidc_client_secret=None)
    with pytest.raises(CardAuthMisconfigured) as refused:
        oidc_config(settings)
    assert "KINERJA_CARD_OIDC_ISSUER, KINERJA_CARD_OIDC_CLIENT_SECRET" in str(refused.value)


def test_plain_http_is_accepted_on_this_machine_only(tmp_path):
    config = oidc_config(
        oidc_settings(
            tmp_path,
            card_oidc_issuer="http://localhost:9400",
            card_oidc_redirect_base="http://127.0.0.1:8000",
        )
    )
    assert config.redirect_uri == "http://127.0.0.1:8000/masuk/oidc/kembali"


def test_serve_refuses_to_start_and_names_the_missing_setting(tmp_path):
    result = CliRunner().invoke(
        app,
        ["card", "serve"],
        env={
            "KINERJA_HOME": str(tmp_path),
            "KINERJA_TARGET": "duckdb",
            "KINERJA_CARD_SESSION_SECRET": SECRET,
            "KINERJA_CARD_AUTH": "oidc",
            "KINERJA_CARD_OIDC_CLIENT_ID": CLIENT_ID,
            "KINERJA_CARD_OIDC_CLIENT_SECRET": "rahasia-klien",
            "KINERJA_CARD_OIDC_REDIRECT_BASE": "https://kinerja.contoh.go.id",
        },
    )
    assert result.exit_code == 1
    assert "KINERJA_CARD_OIDC_ISSUER" in result.output


# --- the claim that names the NIP, and the user store --------------------------------------


def logins(tmp_path, claim: str = "nip") -> OidcLogins:
    provider = provider_for(oidc_settings(tmp_path, card_oidc_nip_claim=claim))
    assert isinstance(provider, OidcLogins)
    return provider


@pytest.mark.parametrize(
    ("claims", "nip"),
    [
        ({"nip": NIP}, NIP),
        ({"nip": NIP, "preferred_username": OTHER_NIP}, NIP),
        ({"preferred_username": NIP}, None),  # not the configured claim
        ({"nip": int(NIP)}, None),  # a number is no NIP: leading zeros would be lost
        ({"nip": [NIP]}, None),
        ({"nip": ""}, None),
        ({"nip": f" {NIP}"}, None),
        ({}, None),
    ],
)
def test_the_nip_is_the_configured_claim_as_a_plain_string(tmp_path, claims, nip):
    assert logins(tmp_path).nip_from(claims) == nip


def test_the_claim_name_is_configurable(tmp_path):
    by_username = logins(tmp_path, claim="preferred_username")
    assert by_username.nip_from({"preferred_username": NIP, "nip": OTHER_NIP}) == NIP


def test_only_a_card_login_gets_in_and_renewal_or_removal_ends_its_sessions(tmp_path):
    provider = logins(tmp_path)
    assert provider.identity_for({"nip": NIP}) is None  # the provider knows them; the card not
    store = provider.store
    assert store.register(NIP) is True
    identity = provider.identity_for({"nip": NIP, "sub": "agus"})
    assert identity is not None and identity.pengguna == NIP
    assert provider.still_valid(identity)
    assert provider.identity_for({"nip": OTHER_NIP}) is None
    assert store.register(NIP) is False  # renewed: a new stamp
    assert not provider.still_valid(identity)
    renewed = provider.identity_for({"nip": NIP})
    store.remove(NIP)
    assert not provider.still_valid(renewed) and provider.identity_for({"nip": NIP}) is None


def test_a_login_for_the_identity_provider_has_no_password_to_guess(tmp_path):
    store = PasswordStore(tmp_path / "pengguna.json")
    store.register(NIP)
    assert store.get(NIP).password_hash == ""
    for guess in ("", "apa-saja-1234"):
        assert LocalPasswords(store).authenticate(NIP, guess) is None


def test_user_add_asks_no_password_under_oidc(tmp_path):
    env = {
        "KINERJA_HOME": str(tmp_path / "home"),
        "KINERJA_TARGET": "duckdb",
        "KINERJA_CARD_AUTH": "oidc",
    }
    result = CliRunner().invoke(app, ["card", "user", "add", NIP, "--unit", "U02"], env=env)
    assert result.exit_code == 0, result.output
    assert "added for the identity provider" in result.output
    assert PasswordStore(tmp_path / "home" / "card" / "pengguna.json").logins() == [NIP]


# --- ID tokens against a provider's published keys ------------------------------------------


class LocalProvider:
    """Discovery and JWKS served over HTTP on 127.0.0.1, tokens signed here."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "kunci-1"})
        published = KeySet([self.key]).as_dict(private=False)
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    body = provider.metadata()
                elif path == "/jwks":
                    body = published
                else:
                    self.send_error(404)
                    return
                raw = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"

    def metadata(self) -> dict[str, object]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            # "none" listed as a careless provider might: the card must still refuse it.
            "id_token_signing_alg_values_supported": ["none", "RS256"],
        }

    def id_token(self, key: RSAKey | None = None, alg: str = "RS256", **changes: object) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "agus",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": NONCE,
            "nip": NIP,
            **changes,
        }
        signer = key or self.key
        present = {name: value for name, value in claims.items() if value is not None}
        if alg == "none":
            header = _b64({"alg": "none", "typ": "JWT"})
            return f"{header}.{_b64(present)}."
        return jwt.encode({"alg": alg, "kid": signer.kid}, present, signer)


def _b64(part: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def local_provider() -> Iterator[LocalProvider]:
    provider = LocalProvider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()


def flow_for(tmp_path, provider: LocalProvider, **overrides) -> OidcFlow:
    settings = oidc_settings(
        tmp_path,
        card_oidc_issuer=provider.issuer,
        card_oidc_redirect_base="http://127.0.0.1:8000",
        **overrides,
    )
    logins = provider_for(settings)
    assert isinstance(logins, OidcLogins)
    return OidcFlow(logins, SECRET)


def verify(flow: OidcFlow, id_token: str, nonce: str = NONCE):
    return asyncio.run(flow.verify_id_token({"id_token": id_token}, nonce))


def test_a_token_signed_with_the_published_key_for_this_client_is_accepted(
    tmp_path, local_provider
):
    claims = verify(flow_for(tmp_path, local_provider), local_provider.id_token())
    assert claims["nip"] == NIP and claims["sub"] == "agus"


def test_an_audience_list_naming_this_client_is_accepted(tmp_path, local_provider):
    token = local_provider.id_token(aud=[CLIENT_ID, "lain"], azp=CLIENT_ID)
    assert verify(flow_for(tmp_path, local_provider), token)["nip"] == NIP


@pytest.mark.parametrize(
    "forge",
    [
        "another_key",
        "unsigned",
        "another_audience",
        "another_audience_with_our_azp",
        "another_issuer",
        "expired",
        "another_nonce",
        "no_nonce",
        "no_expiry",
    ],
)
def test_a_token_that_is_not_this_login_s_is_refused(tmp_path, local_provider, forge):
    now = int(time.time())
    token = {
        "another_key": lambda p: p.id_token(key=RSAKey.generate_key(2048, {"kid": "kunci-1"})),
        "unsigned": lambda p: p.id_token(alg="none"),
        "another_audience": lambda p: p.id_token(aud="aplikasi-lain"),
        # Authlib alone would accept this one: it checks the audience only through azp.
        "another_audience_with_our_azp": lambda p: p.id_token(aud="aplikasi-lain", azp=CLIENT_ID),
        "another_issuer": lambda p: p.id_token(iss="https://sso.lain.go.id"),
        "expired": lambda p: p.id_token(iat=now - 3600, exp=now - 600),
        "another_nonce": lambda p: p.id_token(nonce="nonce-orang-lain"),
        "no_nonce": lambda p: p.id_token(nonce=None),
        "no_expiry": lambda p: p.id_token(exp=None),
    }[forge](local_provider)
    with pytest.raises(LoginRefused) as refused:
        verify(flow_for(tmp_path, local_provider), token)
    assert refused.value.status_code == 400


def test_a_provider_that_names_another_issuer_is_not_trusted(tmp_path, local_provider):
    flow = flow_for(tmp_path, local_provider)
    flow.config = flow.config.__class__(**{**flow.config.__dict__, "issuer": "https://lain"})
    with pytest.raises(LoginRefused, match="names itself"):
        asyncio.run(flow.metadata())


# --- the app's login pages under oidc ---------------------------------------------------------


def test_the_login_page_sends_to_the_provider_with_pkce_and_a_lax_login_cookie(
    tmp_path, local_provider
):
    settings = oidc_settings(
        tmp_path,
        card_oidc_issuer=local_provider.issuer,
        card_oidc_redirect_base="https://kinerja.contoh.go.id/kartu",
    )
    client = TestClient(create_app(settings), base_url="https://kinerja.contoh.go.id")
    page = client.get("/masuk")
    assert 'id="masuk-oidc"' in page.text and 'name="kata_sandi"' not in page.text
    assert f"form-action 'self' {local_provider.issuer}" in page.headers["content-security-policy"]
    assert client.post("/masuk", data={"nip": NIP, "kata_sandi": "x"}).status_code == 405

    start = client.get("/masuk/oidc", follow_redirects=False)
    assert start.status_code == 303
    target = urlsplit(start.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{local_provider.issuer}/authorize"
    asked = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert asked["code_challenge_method"] == "S256" and asked["code_challenge"]
    assert asked["redirect_uri"] == "https://kinerja.contoh.go.id/kartu/masuk/oidc/kembali"
    assert asked["client_id"] == CLIENT_ID and asked["state"] and asked["nonce"]
    cookie = start.headers["set-cookie"].lower()
    assert cookie.startswith(TRANSACTION_COOKIE)
    assert all(f in cookie for f in ("httponly", "samesite=lax", "secure", "max-age=600"))
    assert "path=/masuk/oidc/kembali" in cookie

    # Back without the state this browser was given: refused, no session.
    back = client.get("/masuk/oidc/kembali", params={"code": "abc", "state": "lain"})
    assert back.status_code == 400 and "tidak sah" in back.text
    assert client.get("/", follow_redirects=False).headers["location"] == "/masuk"
