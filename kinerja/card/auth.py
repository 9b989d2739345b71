"""Who is logging in: a provider turns credentials into the card's user (`pengguna`), the name
the warehouse's row-level scopes are granted to (an employee's NIP).

Providers are chosen by KINERJA_CARD_AUTH: `local` checks a password against the card's user
store; `oidc` takes the NIP from a claim of an ID token the agency's identity provider signed
(kinerja.card.oidc runs that redirect flow). Either way one rule decides who gets in and what they
see: the login must be in the card's user store (`kinerja card user add`), and its scope is what
that command granted in akses.lingkup (its own card, plus a unit's subtree for a supervisor). A
valid identity-provider account without a card login is refused, never given a default scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from kinerja.card.oidc_config import CardAuthMisconfigured, OidcConfig, oidc_config
from kinerja.card.passwords import PasswordStore
from kinerja.settings import Settings

__all__ = [
    "CardAuthMisconfigured",
    "Identity",
    "LocalPasswords",
    "OidcLogins",
    "Provider",
    "provider_for",
]


@dataclass(frozen=True)
class Identity:
    """A logged-in user: the scope name, and a stamp that changes when their credentials do."""

    pengguna: str
    stamp: str


class Provider(Protocol):
    def still_valid(self, identity: Identity) -> bool:
        """False once the login is removed or its credentials changed: the session ends."""


def _current(store: PasswordStore, identity: Identity) -> bool:
    user = store.get(identity.pengguna)
    return user is not None and user.session_stamp == identity.stamp


@dataclass(frozen=True)
class LocalPasswords:
    store: PasswordStore

    def authenticate(self, login: str, password: str) -> Identity | None:
        """The identity when the credentials are right, else None (never says which part failed)."""
        user = self.store.verify(login, password)
        return None if user is None else Identity(user.login, user.session_stamp)

    def still_valid(self, identity: Identity) -> bool:
        return _current(self.store, identity)


@dataclass(frozen=True)
class OidcLogins:
    store: PasswordStore
    config: OidcConfig

    def nip_from(self, claims: Mapping[str, object]) -> str | None:
        """The NIP a verified ID token names in the configured claim: a non-empty string
        without surrounding spaces, else None (a number, a list or a blank is no NIP)."""
        value = claims.get(self.config.nip_claim)
        if not isinstance(value, str) or not value or value.strip() != value:
            return None
        return value

    def identity_for(self, claims: Mapping[str, object]) -> Identity | None:
        """The card user the verified claims name, or None when the claim is missing or names
        no card login (the identity provider knows them; the card was not told to let them in)."""
        nip = self.nip_from(claims)
        user = None if nip is None else self.store.get(nip)
        return None if user is None else Identity(user.login, user.session_stamp)

    def still_valid(self, identity: Identity) -> bool:
        return _current(self.store, identity)


def provider_for(settings: Settings) -> LocalPasswords | OidcLogins:
    """The provider KINERJA_CARD_AUTH names; CardAuthMisconfigured names a missing setting."""
    store = PasswordStore.of(settings)
    if settings.card_auth == "local":
        return LocalPasswords(store)
    if settings.card_auth == "oidc":
        return OidcLogins(store, oidc_config(settings))
    raise CardAuthMisconfigured(f"KINERJA_CARD_AUTH={settings.card_auth!r}: no such provider")
