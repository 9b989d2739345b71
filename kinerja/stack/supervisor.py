"""supervisord, started with deploy/supervisord.conf and spoken to over its UNIX socket
(supervisor's own XML-RPC interface, what `supervisorctl` uses)."""

from __future__ import annotations

import os
import sys
import time
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path

from kinerja.project import DEPLOY_DIR
from kinerja.runtime import run_tool

CONFIG_FILE = DEPLOY_DIR / "supervisord.conf"


@dataclass(frozen=True)
class ProcessState:
    name: str
    state: str  # supervisor's: RUNNING, STARTING, BACKOFF, FATAL, STOPPED, EXITED...
    pid: int
    description: str


def socket_path(folder: Path) -> Path:
    return folder / "supervisor.sock"


def pid_file(folder: Path) -> Path:
    return folder / "supervisord.pid"


def log_dir(folder: Path) -> Path:
    return folder / "logs"


def _proxy(folder: Path):
    from supervisor.xmlrpc import SupervisorTransport

    transport = SupervisorTransport(None, None, serverurl=f"unix://{socket_path(folder)}")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)


def is_running(folder: Path) -> bool:
    if not socket_path(folder).exists():
        return False
    try:
        return _proxy(folder).supervisor.getState()["statename"] == "RUNNING"
    except (OSError, xmlrpc.client.Fault):
        return False


def supervisord_pid(folder: Path) -> int | None:
    try:
        pid = int(pid_file(folder).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def start(folder: Path, env: dict[str, str]) -> None:
    """Start supervisord as a daemon; it returns once the daemon has forked, and every program
    inherits `env`."""
    log_dir(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    supervisord = str(Path(sys.executable).parent / "supervisord")
    run_tool([supervisord, "-c", str(CONFIG_FILE)], env, "supervisord did not start", cwd=folder)


def start_all(folder: Path) -> None:
    """Start every program of this machine that is not running (stopped by hand, or gave up);
    programs this machine does not start (autostart false) stay as they are."""
    proxy = _proxy(folder)
    meant = {c["name"] for c in proxy.supervisor.getAllConfigInfo() if c["autostart"]}
    for process in proxy.supervisor.getAllProcessInfo():
        if process["name"] in meant and process["statename"] not in ("RUNNING", "STARTING"):
            proxy.supervisor.startProcess(process["name"], False)


def processes(folder: Path) -> list[ProcessState]:
    if not is_running(folder):
        return []
    return [
        ProcessState(p["name"], p["statename"], int(p["pid"]), p["description"])
        for p in _proxy(folder).supervisor.getAllProcessInfo()
    ]


def shutdown(folder: Path, timeout_s: float = 180) -> bool:
    """Stop every program and supervisord itself; True when it was running. Waits until the
    daemon has exited (programs get their stopwaitsecs, then SIGKILL to their process group)."""
    pid = supervisord_pid(folder)
    if not is_running(folder):
        return False
    try:
        _proxy(folder).supervisor.shutdown()
    except (OSError, xmlrpc.client.Fault):
        pass
    deadline = time.monotonic() + timeout_s
    while pid is not None and time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        if pid is not None:
            raise RuntimeError(
                f"supervisord (pid {pid}) still runs {timeout_s:.0f} s after shutdown"
            )
    return True
