"""Who is logging in: a provider turns credentials into the card's user (`pengguna`), the name
the warehouse's row-level scopes are granted to (an employee's NIP for local passwords).

Providers are chosen by KINERJA_CARD_AUTH. Only the local password store exists today; an agency
with an identity provider would add an OpenID Connect provider here (its login is a redirect, not
a form, so it would bring its own routes), mapping a verified claim to the NIP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kinerja.card.passwords import PasswordStore
from kinerja.settings import Settings


@dataclass(frozen=True)
class Identity:
    """A logged-in user: the scope name, and a stamp that changes when their credentials do."""

    pengguna: str
    stamp: str


class PasswordProvider(Protocol):
    def authenticate(self, login: str, password: str) -> Identity | None:
        """The identity when the credentials are right, else None (never says which part failed)."""

    def still_valid(self, identity: Identity) -> bool:
        """False once the login is removed or its credentials changed: the session ends."""


@dataclass(frozen=True)
class LocalPasswords:
    store: PasswordStore

    def authenticate(self, login: str, password: str) -> Identity | None:
        user = self.store.verify(login, password)
        return None if user is None else Identity(user.login, user.session_stamp)

    def still_valid(self, identity: Identity) -> bool:
        user = self.store.get(identity.pengguna)
        return user is not None and user.session_stamp == identity.stamp


def provider_for(settings: Settings) -> PasswordProvider:
    if settings.card_auth == "local":
        return LocalPasswords(PasswordStore.of(settings))
    raise ValueError(f"KINERJA_CARD_AUTH={settings.card_auth!r}: no such provider")
