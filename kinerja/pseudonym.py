"""The installation's secret behind `pegawai_key`, the pseudonymous employee key of BI marts.

`pegawai_key` is md5(secret || nip). A NIP encodes birth date, start month and sex, so anyone who
knows the secret (or guesses it) re-identifies every BI row from a list of NIPs: the secret must
differ per installation and never sit in code, in the warehouse or in Airflow's metadata.

- `KINERJA_PSEUDONYM_KEY`, when set, is the secret (production sets it, as docker-compose does).
- The embedded demo (target duckdb) without it generates one on first use and keeps it in
  `<home>/secrets/pseudonym.key`, readable by its owner only.
- Any other installation refuses to start without it.

dbt never sees the secret as text: the models read it from a session variable (DuckDB:
`getvariable`, set by the dbt-duckdb plugin `kinerja.transform.dbt_duckdb_session`; PostgreSQL:
`current_setting('kinerja.pseudonym_key')`, set through libpq's PGOPTIONS), so compiled SQL, which
Cosmos shows in Airflow's rendered fields and XComs, holds only the variable's name.
"""

from __future__ import annotations

import os
from pathlib import Path

from kinerja.private_files import installation_secret_file
from kinerja.settings import Settings

KEY_VARIABLE = "KINERJA_PSEUDONYM_KEY"
# The PostgreSQL session setting the models read (a custom, dotted setting needs no declaration).
POSTGRES_SETTING = "kinerja.pseudonym_key"
HOW_TO_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class MissingPseudonymKey(RuntimeError):
    """No secret for this installation: nothing may build pseudonymous keys."""


def key_file(settings: Settings) -> Path:
    return settings.home_dir / "secrets" / "pseudonym.key"


def configured_key(settings: Settings) -> str | None:
    """KINERJA_PSEUDONYM_KEY, unless it is unset or empty."""
    if settings.pseudonym_key is None:
        return None
    return settings.pseudonym_key.get_secret_value() or None


def installation_key(settings: Settings) -> str:
    """The secret: KINERJA_PSEUDONYM_KEY, else (embedded demo only) the installation's key file."""
    if key := configured_key(settings):
        return key
    if not settings.embedded:
        raise MissingPseudonymKey(
            f"{KEY_VARIABLE} is not set: a {settings.target} installation needs its own secret "
            f"for pegawai_key; generate one with `{HOW_TO_GENERATE}` and keep it out of the "
            "warehouse and the repository"
        )
    return _read_or_create(key_file(settings))


def _read_or_create(path: Path) -> str:
    key = installation_secret_file(path)
    if not key:
        raise MissingPseudonymKey(
            f"{path} is empty: restore the installation's key or set {KEY_VARIABLE} "
            "(a new key changes every pegawai_key, see README: rotating the pseudonym key)"
        )
    return key


def postgres_options(key: str, existing: str = "") -> str:
    """PGOPTIONS that set the models' session setting on every libpq connection of a process.

    libpq splits PGOPTIONS at spaces unless escaped with a backslash (and a backslash is written
    as two); the key's own bytes never reach a SQL statement or a log line this way.
    """
    escaped = key.replace("\\", "\\\\").replace(" ", "\\ ")
    return " ".join(p for p in (existing, f"-c {POSTGRES_SETTING}={escaped}") if p)


def dbt_session_environment(settings: Settings) -> dict[str, str]:
    """What a process running dbt needs in its environment so the models find the secret.

    On DuckDB the dbt-duckdb plugin reads the secret itself (environment or key file); on
    PostgreSQL libpq passes PGOPTIONS to the server when dbt connects.
    """
    key = installation_key(settings)
    if settings.target == "duckdb":
        return {KEY_VARIABLE: key}
    return {KEY_VARIABLE: key, "PGOPTIONS": postgres_options(key, os.environ.get("PGOPTIONS", ""))}


def hand_key_to_dbt(context: object = None) -> None:
    """Before the dbt producer runs, in the task's own process: give dbt the secret and register
    it with Airflow's secrets masker, so a log line that ever printed it shows `***`.

    Runs at execution time (an operator's `pre_execute`), never at DAG parse time: the secret is
    in no operator argument, rendered field or serialized DAG.
    """
    from airflow.sdk.log import mask_secret

    from kinerja.settings import get_settings

    environment = dbt_session_environment(get_settings())
    mask_secret(environment[KEY_VARIABLE])
    os.environ.update(environment)
