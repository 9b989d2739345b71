"""The card's OpenID Connect login: the authorization code flow with PKCE against the agency's
identity provider, through Authlib's Starlette client.

`GET /masuk/oidc` sends the browser to the provider with a fresh state, nonce and PKCE challenge
(S256); `GET /masuk/oidc/kembali` takes the code back, checks the state, redeems the code with the
PKCE verifier and the client secret, verifies the ID token's signature against the provider's
published keys (JWKS) and its issuer, audience (this client), expiry and nonce, and reads the NIP
from the configured claim (kinerja.card.auth.OidcLogins decides whether that NIP may log in).

Why a cookie of its own for the login in progress: the card's session cookie is SameSite=Strict,
so the browser withholds it from the provider's redirect back (a cross-site navigation). The
state, nonce and verifier ride in a short-lived signed cookie, SameSite=Lax (sent on that top-level
GET, on no cross-site subrequest), HttpOnly, limited to the callback's path, and deleted there.
For the same reason the callback answers with a page that moves on to the card by itself: a
redirect would still count as part of the provider's cross-site navigation, without the session.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from itsdangerous import BadData, URLSafeTimedSerializer
from joserfc.errors import JoseError

from kinerja.card.auth import Identity, OidcLogins

log = logging.getLogger(__name__)

TRANSACTION_COOKIE = "kinerja_kartu_masuk"
TRANSACTION_SECONDS = 600  # time to log in at the provider
HTTP_TIMEOUT_SECONDS = 10
CLOCK_LEEWAY_SECONDS = 60  # clock skew tolerated on exp/iat between the provider and the card


class LoginRefused(Exception):
    """The login does not go through; `message` is shown to the person (Bahasa Indonesia)."""

    def __init__(self, status_code: int, message: str, reason: str) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.message = message


INVALID_REQUEST = (
    "Permintaan masuk tidak sah atau sudah kedaluwarsa. Silakan masuk lagi dari halaman ini."
)
NOT_REGISTERED = (
    "Akun Anda di penyedia identitas instansi belum terdaftar untuk Kartu Kinerja, atau tidak "
    "membawa NIP. Hubungi pengelola kepegawaian instansi."
)
DENIED = "Masuk dibatalkan atau ditolak oleh penyedia identitas instansi."
UNAVAILABLE = "Penyedia identitas instansi tidak dapat dihubungi. Silakan coba lagi nanti."


class OidcFlow:
    """The redirect flow of one card application; the provider's metadata and keys are fetched
    once and kept (keys again when a token names an unknown key, i.e. after a rotation)."""

    def __init__(self, logins: OidcLogins, secret: str) -> None:
        self.logins = logins
        self.config = logins.config
        self.client: Any = OAuth().register(
            name="kinerja",
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            server_metadata_url=self.config.metadata_url,
            client_kwargs={
                "scope": self.config.scope,
                "code_challenge_method": "S256",
                "timeout": HTTP_TIMEOUT_SECONDS,
            },
        )
        self._signer = URLSafeTimedSerializer(secret, salt="kinerja.card.oidc.masuk")
        # Origins the card's forms may lead to: logout posts to the card, which redirects to the
        # provider's end-session endpoint, and CSP's form-action governs that redirect too.
        self.form_origins: set[str] = {_origin(self.config.issuer)}

    async def metadata(self) -> Mapping[str, Any]:
        try:
            metadata = await self.client.load_server_metadata()
        except (httpx2.HTTPError, ValueError) as exc:
            raise LoginRefused(503, UNAVAILABLE, f"provider metadata: {exc}") from exc
        if metadata.get("issuer") != self.config.issuer:
            # OpenID Connect Discovery 1.0, section 4.3: the issuer must be the one configured.
            raise LoginRefused(
                503,
                UNAVAILABLE,
                f"the provider names itself {metadata.get('issuer')!r}, "
                f"KINERJA_CARD_OIDC_ISSUER is {self.config.issuer!r}",
            )
        algorithms = metadata.get("id_token_signing_alg_values_supported")
        if isinstance(algorithms, list) and "none" in algorithms:
            # Authlib verifies with whatever the document lists: an unsigned token is never one.
            metadata["id_token_signing_alg_values_supported"] = [
                a for a in algorithms if a != "none"
            ]
        if end := metadata.get("end_session_endpoint"):
            self.form_origins.add(_origin(end))
        return metadata

    async def start(self) -> tuple[str, str]:
        """The provider's authorization URL, and the login-in-progress cookie's value."""
        await self.metadata()
        request = await self.client.create_authorization_url(self.config.redirect_uri)
        transaction = {
            "state": request["state"],
            "nonce": request["nonce"],
            "verifier": request["code_verifier"],
        }
        return request["url"], self._signer.dumps(transaction)

    async def finish(self, query: Mapping[str, str], cookie: str | None) -> tuple[Identity, str]:
        """The identity the provider vouches for and its ID token (kept for logout), or
        LoginRefused."""
        if error := query.get("error"):
            raise LoginRefused(401, DENIED, f"the provider answered {error!r}")
        transaction = self._transaction(cookie)
        state, code = query.get("state") or "", query.get("code") or ""
        if not code or not hmac.compare_digest(state.encode(), transaction["state"].encode()):
            raise LoginRefused(400, INVALID_REQUEST, "state does not match the login in progress")
        await self.metadata()
        try:
            token = await self.client.fetch_access_token(
                redirect_uri=self.config.redirect_uri,
                code=code,
                code_verifier=transaction["verifier"],
            )
        except httpx2.HTTPError as exc:
            raise LoginRefused(503, UNAVAILABLE, f"token endpoint: {exc}") from exc
        except (AuthlibBaseError, ValueError) as exc:
            raise LoginRefused(400, INVALID_REQUEST, f"the code was refused: {exc}") from exc
        claims = await self.verify_id_token(token, transaction["nonce"])
        identity = self.logins.identity_for(claims)
        if identity is None:
            # Never logged with the value: it may be personal data, or someone probing NIPs.
            raise LoginRefused(
                403, NOT_REGISTERED, f"claim {self.config.nip_claim!r} names no card login"
            )
        return identity, token["id_token"]

    async def verify_id_token(self, token: Mapping[str, Any], nonce: str) -> Mapping[str, object]:
        """The claims of the token response's ID token once its signature verifies against the
        provider's keys and its issuer, audience, expiry and nonce are this login's."""
        if "id_token" not in token:
            raise LoginRefused(400, INVALID_REQUEST, "the token response has no ID token")
        await self.metadata()  # checked and stripped of "none" before Authlib reads it
        try:
            return await self.client.parse_id_token(
                dict(token),
                nonce=nonce,
                claims_options=self._claims_options(),
                leeway=CLOCK_LEEWAY_SECONDS,
            )
        except httpx2.HTTPError as exc:
            raise LoginRefused(503, UNAVAILABLE, f"provider keys: {exc}") from exc
        except (JoseError, AuthlibBaseError, ValueError) as exc:
            raise LoginRefused(400, INVALID_REQUEST, f"ID token refused: {exc!r}") from exc

    async def logout_url(self, id_token: str | None) -> str | None:
        """Where to end the provider's session too, when it advertises an end-session endpoint;
        None when it does not or cannot be reached (the card's session is gone either way)."""
        try:
            metadata = await self.metadata()
        except LoginRefused as exc:
            log.warning("logout without the provider: %s", exc)
            return None
        if not metadata.get("end_session_endpoint"):
            return None
        logout = await self.client.create_logout_url(
            post_logout_redirect_uri=self.config.post_logout_uri,
            id_token_hint=id_token,
            client_id=self.config.client_id,
        )
        return logout["url"]

    def _transaction(self, cookie: str | None) -> dict[str, str]:
        if not cookie:
            raise LoginRefused(400, INVALID_REQUEST, "no login in progress in this browser")
        try:
            transaction = self._signer.loads(cookie, max_age=TRANSACTION_SECONDS)
        except BadData as exc:
            raise LoginRefused(400, INVALID_REQUEST, f"login cookie refused: {exc}") from exc
        if not isinstance(transaction, dict) or not all(
            isinstance(transaction.get(k), str) for k in ("state", "nonce", "verifier")
        ):
            raise LoginRefused(400, INVALID_REQUEST, "login cookie incomplete")
        return transaction

    def _claims_options(self) -> dict[str, dict[str, Any]]:
        # Authlib checks iss only by default and aud only through azp: both are pinned here.
        return {
            "iss": {"essential": True, "value": self.config.issuer},
            "aud": {"essential": True, "value": self.config.client_id},
            "exp": {"essential": True},
            "nonce": {"essential": True},
        }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
