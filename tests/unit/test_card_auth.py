"""The card's password store, session secret and login flow, without a warehouse: the pages
that need no data (login, logout, redirects) and what the cookie carries."""

from __future__ import annotations

import base64
import json
import stat

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kinerja.card.app import SESSION_COOKIE, create_app
from kinerja.card.passwords import (
    PasswordStore,
    WeakPassword,
    hash_password,
    store_file,
    verify_password,
)
from kinerja.card.session_secret import MissingSessionSecret, secret_file, session_secret
from kinerja.cli import app
from kinerja.settings import Settings

NIP = "198501012010011001"
PASSWORD = "sandi-rahasia-123"
# Cheap parameters where the cost itself is not under test.
FAST = {"n": 2**10, "r": 8, "p": 1}


def test_a_hash_verifies_its_password_only_and_differs_per_salt():
    first, second = hash_password(PASSWORD, **FAST), hash_password(PASSWORD, **FAST)
    assert first != second and PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "x", first)
    assert not verify_password(PASSWORD, "md5$abc") and not verify_password(PASSWORD, "rusak")


def test_the_default_cost_is_owasp_s_scrypt_and_is_kept_in_the_hash():
    scheme, n, r, p, _, _ = hash_password(PASSWORD).split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)


def test_the_store_is_owner_only_and_keeps_no_password(tmp_path):
    settings = Settings(home=tmp_path / "home")
    store = PasswordStore.of(settings)
    assert store.set_password(NIP, PASSWORD) is True
    path = store_file(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert PASSWORD not in path.read_text()
    assert store.verify(NIP, PASSWORD).login == NIP
    assert store.verify(NIP, "salah-sandi-123") is None
    assert store.verify("199002022015012002", PASSWORD) is None
    assert [p.name for p in path.parent.iterdir() if not p.name.startswith(".")] == [path.name]


def test_a_new_password_renews_the_session_stamp_and_removal_forgets(tmp_path):
    store = PasswordStore(tmp_path / "pengguna.json")
    store.set_password(NIP, PASSWORD)
    stamp = store.get(NIP).session_stamp
    assert store.set_password(NIP, PASSWORD + "-baru") is False
    assert store.get(NIP).session_stamp != stamp
    assert store.verify(NIP, PASSWORD) is None
    assert store.remove(NIP) is True and store.remove(NIP) is False
    assert store.logins() == []


@pytest.mark.parametrize(
    ("login", "password"),
    [
        (NIP, "pendek"),
        (NIP, " sandi-dengan-spasi"),
        (NIP, NIP),
        ("", PASSWORD),
        (" 1985", PASSWORD),
    ],
)
def test_weak_passwords_and_odd_logins_are_refused(tmp_path, login, password):
    with pytest.raises(WeakPassword):
        PasswordStore(tmp_path / "pengguna.json").set_password(login, password)
    assert not (tmp_path / "pengguna.json").exists()


def test_the_demo_makes_its_own_session_secret_and_other_installations_refuse(tmp_path):
    demo = Settings(home=tmp_path / "demo", target="duckdb")
    secret = session_secret(demo)
    assert secret == session_secret(demo) and len(secret) >= 32
    assert stat.S_IMODE(secret_file(demo).stat().st_mode) == 0o600
    with pytest.raises(MissingSessionSecret, match="KINERJA_CARD_SESSION_SECRET is not set"):
        session_secret(Settings(home=tmp_path / "prod", target="postgres"))
    with pytest.raises(MissingSessionSecret, match="at least 32"):
        session_secret(Settings(home=tmp_path / "prod", target="postgres", card_session_secret="x"))
    secret_file(demo).write_text("\n")
    with pytest.raises(MissingSessionSecret):
        session_secret(demo)


def test_serve_refuses_to_start_without_a_secret(tmp_path):
    result = CliRunner().invoke(
        app,
        ["card", "serve", "--target", "postgres"],
        env={"KINERJA_HOME": str(tmp_path), "KINERJA_CARD_SESSION_SECRET": ""},
    )
    assert result.exit_code == 1
    assert "KINERJA_CARD_SESSION_SECRET is not set" in result.output


@pytest.fixture
def client(tmp_path) -> TestClient:
    settings = Settings(home=tmp_path / "home", target="duckdb")
    PasswordStore.of(settings).set_password(NIP, PASSWORD)
    return TestClient(create_app(settings), base_url="https://kartu.contoh.go.id")


def test_nothing_but_the_login_answers_without_a_session(client):
    for path in ("/", f"/pegawai/{NIP}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/masuk"
    login = client.get("/masuk")
    assert login.status_code == 200 and 'lang="id"' in login.text
    assert login.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def test_a_login_sets_a_signed_httponly_strict_secure_cookie_and_logout_clears_it(client):
    wrong = client.post("/masuk", data={"nip": NIP, "kata_sandi": "salah-sandi-123"})
    assert wrong.status_code == 401 and SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
    right = client.post("/masuk", data={"nip": NIP, "kata_sandi": PASSWORD}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/"
    cookie = right.headers["set-cookie"].lower()
    assert all(flag in cookie for flag in ("httponly", "samesite=strict", "secure"))
    # Logged in, the login page sends them on; after logout it shows the form again.
    assert client.get("/masuk", follow_redirects=False).headers["location"] == "/"
    out = client.post("/keluar", follow_redirects=False)
    assert out.headers["location"] == "/masuk"
    assert client.get("/", follow_redirects=False).headers["location"] == "/masuk"


def test_a_forged_cookie_is_no_session(client):
    client.post("/masuk", data={"nip": NIP, "kata_sandi": PASSWORD}, follow_redirects=False)
    genuine = client.cookies[SESSION_COOKIE]
    payload = genuine.split(".")[0]
    forged = json.loads(base64.b64decode(payload + "=="))
    forged["pengguna"] = "199002022015012002"
    tampered = base64.b64encode(json.dumps(forged).encode()).decode() + genuine[len(payload) :]
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, tampered)
    assert client.get("/", follow_redirects=False).headers["location"] == "/masuk"
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, genuine)
    # The genuine cookie is a session; this installation has no warehouse yet, and says so.
    before_any_night = client.get("/", follow_redirects=False)
    assert before_any_night.status_code == 503
    assert "Data kartu belum tersedia" in before_any_night.text


def test_a_form_posted_from_another_site_is_refused(client):
    other = client.post(
        "/masuk",
        data={"nip": NIP, "kata_sandi": PASSWORD},
        headers={"origin": "https://jahat.example"},
        follow_redirects=False,
    )
    assert other.status_code == 403 and SESSION_COOKIE not in other.headers.get("set-cookie", "")
    null = client.post("/keluar", headers={"origin": "null"}, follow_redirects=False)
    assert null.status_code == 403
