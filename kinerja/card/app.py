"""The card's web application: login, logout, the list of cards a login may see, one card.

Nothing but the login pages and a health check answers without a session; every page that shows
data opens the login's scoped session for that request only. The session is a signed cookie
(Starlette's SessionMiddleware, itsdangerous), HttpOnly and SameSite=Strict, holding the login
and its session stamp; a changed password or a removed login ends it on the next request. The
login is the password form (KINERJA_CARD_AUTH=local) or the agency's identity provider (oidc,
kinerja.card.oidc), whose logout also ends the provider's session when it offers that.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from kinerja.card import data
from kinerja.card.auth import Identity, LocalPasswords, Provider, provider_for
from kinerja.card.formats import format_day, format_fraction, format_number
from kinerja.card.oidc import TRANSACTION_COOKIE, TRANSACTION_SECONDS, LoginRefused, OidcFlow
from kinerja.card.session_secret import session_secret
from kinerja.settings import Settings
from kinerja.warehouse import WarehouseBusy
from kinerja.warehouse.access import ScopeUnavailable, scoped_session
from ml.bands import LOWEST_BAND, RISK_BANDS
from ml.model_card import INTENDED_USE_ID, OUT_OF_SCOPE_ID

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
SESSION_COOKIE = "kinerja_kartu"
SECURITY_HEADERS = {
    # Cards are personal: no cache, no framing, no referrer carrying a NIP to another site
    # (same-origin, not no-referrer: under no-referrer browsers post forms with `Origin: null`,
    # which the same-origin check below must refuse). The Content-Security-Policy is _csp's.
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings) -> FastAPI:
    """The application for `settings`; refuses (MissingSessionSecret) without a session secret."""
    secret = session_secret(settings)
    provider = provider_for(settings)
    flow = None if isinstance(provider, LocalPasswords) else OidcFlow(provider, secret)
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.globals.update(
        tujuan=INTENDED_USE_ID,
        bukan_untuk=OUT_OF_SCOPE_ID,
        batas_band=RISK_BANDS,
        band_terendah=LOWEST_BAND,
    )
    templates.env.globals.update(tanggal=format_day, desimal=format_fraction, angka=format_number)
    templates.env.filters["label"] = lambda code: str(code).replace("_", " ").capitalize()

    app = FastAPI(title="Kartu Kinerja", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=round(settings.card_session_hours * 3600),
        same_site="strict",
        https_only=settings.card_secure_cookie,
    )

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method == "POST" and not _same_origin(request):
            return PlainTextResponse("Permintaan lintas situs ditolak.", status_code=403)
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        response.headers["Content-Security-Policy"] = _csp(flow.form_origins if flow else ())
        return response

    def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def unavailable(request: Request, identity: Identity, why: str) -> HTMLResponse:
        return page(request, "galat.html", 503, pengguna=identity.pengguna, judul=why)

    @app.get("/sehat", include_in_schema=False)
    def health() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/masuk", response_class=HTMLResponse, name="masuk")
    def login_form(request: Request) -> Response:
        if _identity(request, provider) is not None:
            return _redirect(request, "beranda")
        return page(request, "masuk.html", oidc=flow is not None)

    if isinstance(provider, LocalPasswords):
        passwords = provider

        @app.post("/masuk", response_class=HTMLResponse)
        def login(
            request: Request,
            nip: Annotated[str, Form(max_length=64)] = "",
            kata_sandi: Annotated[str, Form(max_length=256)] = "",
        ) -> Response:
            identity = passwords.authenticate(nip.strip(), kata_sandi)
            if identity is None:
                return page(request, "masuk.html", 401, gagal=True, nip=nip)
            request.session.clear()
            request.session.update({"pengguna": identity.pengguna, "stamp": identity.stamp})
            return _redirect(request, "beranda")

    if flow is not None:
        oidc = flow

        def refused(request: Request, exc: LoginRefused) -> HTMLResponse:
            log.warning("card login through the identity provider refused: %s", exc)
            response = page(request, "masuk.html", exc.status_code, oidc=True, galat=exc.message)
            _forget_transaction(request, response, settings.card_secure_cookie)
            return response

        @app.get("/masuk/oidc", name="masuk_oidc")
        async def login_at_provider(request: Request) -> Response:
            try:
                url, transaction = await oidc.start()
            except LoginRefused as exc:
                return refused(request, exc)
            response = RedirectResponse(url, status_code=303)
            response.set_cookie(
                TRANSACTION_COOKIE,
                transaction,
                max_age=TRANSACTION_SECONDS,
                path=_callback_path(request),
                secure=settings.card_secure_cookie,
                httponly=True,
                samesite="lax",
            )
            return response

        @app.get("/masuk/oidc/kembali", response_class=HTMLResponse, name="masuk_oidc_kembali")
        async def back_from_provider(request: Request) -> Response:
            try:
                identity, id_token = await oidc.finish(
                    request.query_params, request.cookies.get(TRANSACTION_COOKIE)
                )
            except LoginRefused as exc:
                return refused(request, exc)
            request.session.clear()
            request.session.update(
                {"pengguna": identity.pengguna, "stamp": identity.stamp, "id_token": id_token}
            )
            response = page(request, "lanjut.html")
            _forget_transaction(request, response, settings.card_secure_cookie)
            return response

    @app.post("/keluar", name="keluar")
    async def logout(request: Request) -> Response:
        id_token = request.session.get("id_token")
        request.session.clear()
        if flow is not None and (provider_logout := await flow.logout_url(id_token)):
            return RedirectResponse(provider_logout, status_code=303)
        return _redirect(request, "masuk")

    @app.get("/", response_class=HTMLResponse, name="beranda")
    def home(request: Request) -> Response:
        identity = _identity(request, provider)
        if identity is None:
            return _redirect(request, "masuk")
        try:
            with scoped_session(settings, identity.pengguna) as wh:
                employees = data.visible_employees(wh)
        except (WarehouseBusy, ScopeUnavailable) as exc:
            return unavailable(request, identity, _why(exc))
        if [e.nip for e in employees] == [identity.pengguna]:
            return _redirect(request, "kartu", nip=identity.pengguna)
        return page(request, "daftar.html", pengguna=identity.pengguna, pegawai=employees)

    @app.get("/pegawai/{nip}", response_class=HTMLResponse, name="kartu")
    def employee_card(request: Request, nip: str) -> Response:
        identity = _identity(request, provider)
        if identity is None:
            return _redirect(request, "masuk")
        try:
            with scoped_session(settings, identity.pengguna) as wh:
                kartu = data.card(wh, nip)
                several = kartu is not None and len(data.visible_employees(wh)) > 1
        except (WarehouseBusy, ScopeUnavailable) as exc:
            return unavailable(request, identity, _why(exc))
        if kartu is None:
            return page(
                request,
                "galat.html",
                404,
                pengguna=identity.pengguna,
                judul="Kartu tidak ditemukan atau bukan wewenang Anda.",
            )
        return page(
            request, "kartu.html", pengguna=identity.pengguna, kartu=kartu, ada_daftar=several
        )

    return app


def _csp(form_origins: Iterable[str]) -> str:
    form_action = " ".join(["'self'", *sorted(form_origins)])
    return (
        f"default-src 'none'; style-src 'self' 'unsafe-inline'; form-action {form_action}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


def _callback_path(request: Request) -> str:
    return request.url_for("masuk_oidc_kembali").path


def _forget_transaction(request: Request, response: Response, secure: bool) -> None:
    if TRANSACTION_COOKIE in request.cookies:
        response.delete_cookie(
            TRANSACTION_COOKIE,
            path=_callback_path(request),
            secure=secure,
            httponly=True,
            samesite="lax",
        )


def _identity(request: Request, provider: Provider) -> Identity | None:
    pengguna, stamp = request.session.get("pengguna"), request.session.get("stamp")
    if not isinstance(pengguna, str) or not isinstance(stamp, str):
        return None
    identity = Identity(pengguna, stamp)
    if not provider.still_valid(identity):
        request.session.clear()
        return None
    return identity


def _redirect(request: Request, route: str, **params: str) -> RedirectResponse:
    # Relative to the application's own root, so a reverse proxy's sub-path (--root-path) holds.
    return RedirectResponse(str(request.url_for(route, **params).path), status_code=303)


def _same_origin(request: Request) -> bool:
    """A form posted from another site is refused (SameSite=Strict already keeps the cookie from
    it; this also stops a forged login). Browsers send Origin with every POST."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser form: nothing a cookie could be abused by
    return urlsplit(origin).netloc == request.headers.get("host")


def _why(exc: Exception) -> str:
    if isinstance(exc, WarehouseBusy):
        return "Data sedang diperbarui oleh proses malam. Silakan coba lagi beberapa menit lagi."
    return "Data kartu belum tersedia. Hubungi pengelola data instansi."
