"""The stack's own secrets, made once per installation and kept owner-only in its folder.

Every Airflow component must share the JWT secret (the api-server signs the tokens the workers
present to its execution API) and the Fernet key (connections and variables are encrypted with
it); the admin's password is written where Airflow's SimpleAuthManager reads it, so it is never
printed to a log as a generated one would be.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from kinerja.stack.config import StackSettings


@dataclass(frozen=True)
class StackSecrets:
    jwt_secret: str
    api_secret_key: str
    fernet_key: str
    admin_password: str


def _new() -> StackSecrets:
    from cryptography.fernet import Fernet

    return StackSecrets(
        jwt_secret=secrets.token_urlsafe(48),
        api_secret_key=secrets.token_urlsafe(32),
        fernet_key=Fernet.generate_key().decode(),
        admin_password=secrets.token_urlsafe(18),
    )


def secrets_file(folder: Path) -> Path:
    return folder / "secrets.json"


def passwords_file(folder: Path) -> Path:
    """SimpleAuthManager's passwords (user -> password, JSON)."""
    return folder / "airflow" / "passwords.json"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text)


def stack_secrets(folder: Path, stack: StackSettings) -> StackSecrets:
    """The installation's secrets, made on first use; the admin's password file kept in step."""
    path = secrets_file(folder)
    if path.exists():
        kept = StackSecrets(**json.loads(path.read_text()))
    else:
        kept = _new()
        _write_private(path, json.dumps(asdict(kept), indent=2) + "\n")
    passwords = passwords_file(folder)
    wanted = {stack.admin_user: kept.admin_password}
    if not passwords.exists() or json.loads(passwords.read_text() or "{}") != wanted:
        _write_private(passwords, json.dumps(wanted) + "\n")
    return kept
