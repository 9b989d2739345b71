"""The secret the card's session cookies are signed with: whoever knows it can forge a login.

Kept like the pseudonym key (kinerja.pseudonym): KINERJA_CARD_SESSION_SECRET when set; the
embedded demo (target duckdb) without it generates one into `<home>/secrets/card_session.key`,
owner-only; any other installation refuses to serve. Never a default in code.
"""

from __future__ import annotations

from pathlib import Path

from kinerja.private_files import installation_secret_file
from kinerja.settings import Settings

SECRET_VARIABLE = "KINERJA_CARD_SESSION_SECRET"
HOW_TO_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
MIN_LENGTH = 32  # characters; token_urlsafe(32) gives 43


class MissingSessionSecret(RuntimeError):
    """No usable secret: the card must not start."""


def secret_file(settings: Settings) -> Path:
    return settings.home_dir / "secrets" / "card_session.key"


def session_secret(settings: Settings) -> str:
    configured = settings.card_session_secret
    if configured is not None and configured.get_secret_value():
        secret = configured.get_secret_value()
        source = SECRET_VARIABLE
    elif settings.embedded:
        secret = installation_secret_file(secret_file(settings))
        source = str(secret_file(settings))
    else:
        raise MissingSessionSecret(
            f"{SECRET_VARIABLE} is not set: a {settings.target} installation needs its own secret "
            f"to sign the card's session cookies; generate one with `{HOW_TO_GENERATE}`"
        )
    if len(secret) < MIN_LENGTH:
        raise MissingSessionSecret(
            f"the card's session secret from {source} is {len(secret)} characters long; "
            f"use at least {MIN_LENGTH}, e.g. `{HOW_TO_GENERATE}`"
        )
    return secret
