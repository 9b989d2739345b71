"""The card's OpenID Connect settings, checked before the card serves: a missing or malformed one
is named in the error, instead of a login that fails later at the identity provider."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from kinerja.settings import Settings

CALLBACK_PATH = "/masuk/oidc/kembali"  # relative to the redirect base, as the app serves it
LOGIN_PATH = "/masuk"  # where the provider sends the browser back after logout


class CardAuthMisconfigured(ValueError):
    """The card's authentication settings are incomplete or wrong: the card must not start."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    nip_claim: str
    scope: str
    redirect_uri: str  # registered at the provider as the client's redirect URI
    post_logout_uri: str  # registered as its post-logout redirect URI

    @property
    def metadata_url(self) -> str:
        # OpenID Connect Discovery 1.0, section 4: the issuer plus the well-known path.
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"


def oidc_config(settings: Settings) -> OidcConfig:
    secret = settings.card_oidc_client_secret
    required = {
        "KINERJA_CARD_OIDC_ISSUER": settings.card_oidc_issuer,
        "KINERJA_CARD_OIDC_CLIENT_ID": settings.card_oidc_client_id,
        "KINERJA_CARD_OIDC_CLIENT_SECRET": secret.get_secret_value() if secret else None,
        "KINERJA_CARD_OIDC_REDIRECT_BASE": settings.card_oidc_redirect_base,
    }
    missing = [name for name, value in required.items() if not (value or "").strip()]
    if missing:
        raise CardAuthMisconfigured(
            f"KINERJA_CARD_AUTH=oidc needs {', '.join(missing)} (README: Every employee's own "
            "card > Logging in through the agency's identity provider)"
        )
    issuer = _url("KINERJA_CARD_OIDC_ISSUER", settings.card_oidc_issuer or "")
    base = _url("KINERJA_CARD_OIDC_REDIRECT_BASE", settings.card_oidc_redirect_base or "")
    claim = settings.card_oidc_nip_claim.strip()
    if not claim:
        raise CardAuthMisconfigured(
            "KINERJA_CARD_OIDC_NIP_CLAIM is empty: name the ID token claim that holds the NIP"
        )
    if "openid" not in settings.card_oidc_scope.split():
        raise CardAuthMisconfigured(
            f"KINERJA_CARD_OIDC_SCOPE={settings.card_oidc_scope!r} lacks 'openid': without it "
            "the provider issues no ID token"
        )
    base = base.rstrip("/")
    return OidcConfig(
        issuer=issuer,
        client_id=(settings.card_oidc_client_id or "").strip(),
        client_secret=required["KINERJA_CARD_OIDC_CLIENT_SECRET"] or "",
        nip_claim=claim,
        scope=settings.card_oidc_scope,
        redirect_uri=base + CALLBACK_PATH,
        post_logout_uri=base + LOGIN_PATH,
    )


def _url(name: str, value: str) -> str:
    """An absolute https URL without query or fragment; plain http only on this machine's
    loopback, where nothing crosses a network (a test's provider, a developer's)."""
    value = value.strip()
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError as exc:
        raise CardAuthMisconfigured(f"{name}={value!r} is not a URL: {exc}") from None
    if parts.scheme not in ("https", "http") or not host:
        raise CardAuthMisconfigured(f"{name}={value!r} is not an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise CardAuthMisconfigured(f"{name}={value!r} may not carry a query or a fragment")
    if parts.scheme == "http" and not _loopback(host):
        raise CardAuthMisconfigured(
            f"{name}={value!r} must use https: codes, tokens and cookies would cross the "
            "network in clear (plain http is accepted for localhost only)"
        )
    return value


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
