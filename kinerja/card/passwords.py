"""The card's user store: one JSON file under KINERJA_HOME, readable by its owner only.

It lists who may log in to the card, whichever provider checks who they are: local logins keep
a password hash here; logins of the agency's identity provider (OpenID Connect) are kept without
one, so the password form never admits them.

Passwords are kept as scrypt hashes (hashlib, OpenSSL's implementation) with a random salt per
user; the cost parameters are stored in each hash, so raising them later leaves old hashes
readable. Each user also has a session stamp, renewed whenever the password is set: a cookie
carries the stamp it was issued with, so a new password or a removed user ends every session.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from kinerja.settings import Settings

# OWASP's recommendation for scrypt (2^17, 8, 1): 128 MiB and about a third of a second per
# hash, which is what makes a stolen file slow to attack.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LENGTH = 10


class WeakPassword(ValueError):
    """A password the store refuses to keep."""


@dataclass(frozen=True)
class StoredUser:
    login: str
    password_hash: str
    session_stamp: str
    changed_at: str


def store_file(settings: Settings) -> Path:
    return settings.home_dir / "card" / "pengguna.json"


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p)
    return "$".join(("scrypt", str(n), str(r), str(p), _b64(salt), _b64(digest)))


def verify_password(password: str, password_hash: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = password_hash.split("$")
        if scheme != "scrypt":
            return False
        digest = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(digest, _unb64(expected))


@cache
def _unknown_login_hash() -> str:
    """Verified against when a login is unknown, so that an unknown login takes as long to refuse
    as a wrong password and the timing does not tell which NIPs have an account."""
    return hash_password(secrets.token_urlsafe(16))


# Each hash holds 128 MiB for its duration: a burst of logins (the web server runs them on a pool
# of 40 threads) waits its turn instead of taking gigabytes.
_CONCURRENT_HASHES = threading.BoundedSemaphore(2)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    with _CONCURRENT_HASHES:
        return hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n, dklen=HASH_BYTES
        )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def check_login(login: str) -> None:
    if not login or login.strip() != login:
        raise WeakPassword("a login is a NIP without spaces")


def check_new_password(login: str, password: str) -> None:
    """Refuse what the store would not keep, before anything else changes."""
    check_login(login)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise WeakPassword("a password may not start or end with a space")
    if password == login:
        raise WeakPassword("a password may not be the NIP itself")


class PasswordStore:
    """Logins and their password hashes in one file; every read sees a whole file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def of(cls, settings: Settings) -> PasswordStore:
        return cls(store_file(settings))

    def get(self, login: str) -> StoredUser | None:
        entry = self._read().get(login)
        return None if entry is None else StoredUser(login=login, **entry)

    def logins(self) -> list[str]:
        return sorted(self._read())

    def verify(self, login: str, password: str) -> StoredUser | None:
        """The user when `password` is theirs, else None (unknown login or wrong password)."""
        user = self.get(login)
        # A login without a password (identity provider) is refused as slowly as an unknown one.
        known = user if user is not None and user.password_hash else None
        matches = verify_password(password, known.password_hash if known else _unknown_login_hash())
        return known if matches else None

    def set_password(self, login: str, password: str) -> bool:
        """Create the login or replace its password; True when it is new."""
        check_new_password(login, password)
        return self._store(login, hash_password(password))

    def register(self, login: str) -> bool:
        """Create or renew a login that proves who it is elsewhere (the agency's identity
        provider): no password, so the password form never lets it in, and a fresh session stamp,
        so its open sessions end. True when it is new."""
        check_login(login)
        return self._store(login, password_hash="")

    def _store(self, login: str, password_hash: str) -> bool:
        """Write the login with a fresh session stamp (its open sessions end); True when new."""
        entry = {
            "password_hash": password_hash,
            "session_stamp": secrets.token_urlsafe(16),
            "changed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with self._locked() as users:
            new = login not in users
            users[login] = entry
        return new

    def remove(self, login: str) -> bool:
        """Remove the login; False when there was none."""
        with self._locked() as users:
            return users.pop(login, None) is not None

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))["pengguna"]
        except FileNotFoundError:
            return {}

    @contextmanager
    def _locked(self) -> Iterator[dict[str, dict[str, str]]]:
        """Read, change and write back under an exclusive lock, so that two commands at once do
        not lose each other's change; the file is replaced whole, so the server never reads half."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path.parent.chmod(0o700)
        lock = os.open(
            self.path.with_name(f".{self.path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600
        )
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            users = self._read()
            yield users
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
                json.dump({"pengguna": users}, fh, indent=2, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, self.path)
        finally:
            os.close(lock)
