"""`kinerja stack up|down|status`: bring the production stack up idempotently, wait until every
health check passes, and say where each UI is."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from kinerja.settings import Settings
from kinerja.stack import supervisor
from kinerja.stack.config import StackSettings
from kinerja.stack.environment import stack_environment
from kinerja.stack.health import Check, health
from kinerja.stack.prepare import StackRefused, check_settings, prepare
from kinerja.stack.secrets import passwords_file, stack_secrets
from kinerja.stack.supervisor import ProcessState

HEALTH_POLL_S = 1.0


class StackUnhealthy(Exception):
    """The stack started but did not pass its health checks in time."""

    def __init__(self, status: StackStatus) -> None:
        failing = [f"{c.name}: {c.detail}" for c in status.checks if not c.healthy]
        super().__init__(
            "not healthy after the start timeout: "
            + "; ".join(failing)
            + f" (logs in {status.log_dir})"
        )
        self.status = status


@dataclass
class StackStatus:
    folder: Path
    running: bool
    processes: list[ProcessState] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    airflow_url: str = ""
    mlflow_url: str = ""
    admin_user: str = ""
    started_now: bool = False
    start_s: float | None = None

    @property
    def healthy(self) -> bool:
        return self.running and bool(self.checks) and all(c.healthy for c in self.checks)

    @property
    def log_dir(self) -> Path:
        return supervisor.log_dir(self.folder)

    @property
    def password_file(self) -> Path:
        return passwords_file(self.folder)


# The variables that configure the stack's programs; the rest of the shell's (PWD, SHLVL...)
# may differ between two `up`s of the same stack.
CONFIGURING = ("KINERJA_", "AIRFLOW", "MLFLOW_", "DBT_")


def _fingerprint(env: dict[str, str]) -> str:
    kept = {k: v for k, v in env.items() if k.startswith(CONFIGURING)}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()


def _fingerprint_file(folder: Path) -> Path:
    return folder / "environment.sha256"


def _status(settings: Settings, stack: StackSettings, folder: Path, checks: bool) -> StackStatus:
    running = supervisor.is_running(folder)
    return StackStatus(
        folder=folder,
        running=running,
        processes=supervisor.processes(folder) if running else [],
        checks=health(stack) if running and checks else [],
        airflow_url=stack.airflow_url,
        mlflow_url=stack.mlflow_url,
        admin_user=stack.admin_user,
    )


def status(settings: Settings, stack: StackSettings) -> StackStatus:
    return _status(settings, stack, stack.folder(settings), checks=True)


def up(settings: Settings, stack: StackSettings) -> StackStatus:
    """Start what is not running and wait for every check; a stack already up with the same
    settings is left as it is (programs stopped by hand are started again)."""
    started = time.monotonic()
    check_settings(settings)
    folder = stack.folder(settings)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = stack_environment(settings, stack, folder, stack_secrets(folder, stack))
    fingerprint = _fingerprint(env)
    started_now = not supervisor.is_running(folder)
    if started_now:
        prepare(settings, stack, env)
        supervisor.start(folder, env)
        _fingerprint_file(folder).write_text(fingerprint)
    else:
        recorded = _fingerprint_file(folder)
        if recorded.exists() and recorded.read_text() != fingerprint:
            raise StackRefused(
                f"the stack in {folder} runs with other settings: `kinerja stack down` first"
            )
        supervisor.start_all(folder)
    deadline = started + stack.start_timeout_s
    while True:
        result = _status(settings, stack, folder, checks=True)
        if result.healthy:
            break
        if time.monotonic() > deadline:
            raise StackUnhealthy(result)
        time.sleep(HEALTH_POLL_S)
    result.started_now = started_now
    result.start_s = time.monotonic() - started
    return result


def down(settings: Settings, stack: StackSettings) -> bool:
    """Stop every program and supervisord; False when nothing was running."""
    return supervisor.shutdown(stack.folder(settings))
