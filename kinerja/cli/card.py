"""`kinerja card serve` and `kinerja card user add|remove`: every employee's own card (kinerja.card)."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from kinerja.cli.common import BadArgument, TargetOpt, console, fail, settings_for

app = typer.Typer(help="Every employee's own card: a read-only web page.", no_args_is_help=True)
user_app = typer.Typer(
    help="The card's logins and their scope (the card's user store).", no_args_is_help=True
)
app.add_typer(user_app, name="user")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (the reverse proxy's side)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    root_path: str = typer.Option(
        "", help="Sub-path the reverse proxy serves the card under, e.g. /kartu."
    ),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1", help="Proxies whose X-Forwarded-* headers are trusted (comma-separated)."
    ),
    target: TargetOpt = None,
) -> None:
    """Serve the card until stopped; refuses to start without a session secret."""
    import uvicorn

    from kinerja.card.app import create_app
    from kinerja.card.auth import CardAuthMisconfigured
    from kinerja.card.session_secret import MissingSessionSecret

    settings = settings_for(target=target)
    try:
        application = create_app(settings)
    except (MissingSessionSecret, CardAuthMisconfigured) as exc:
        fail(f"kinerja card serve: {exc}", 1)
    console.print(
        f"Kartu Kinerja on http://{host}:{port}{root_path}/ ({settings.target} warehouse)",
        markup=False,
    )
    uvicorn.run(
        application,
        host=host,
        port=port,
        root_path=root_path,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        log_level="info",
    )


@user_app.command("add")
def user_add(
    nip: str = typer.Argument(help="The employee's NIP: their login and their own card."),
    unit: str | None = typer.Option(
        None, help="kode_unit of the unit they lead: they also see its subtree's cards."
    ),
    target: TargetOpt = None,
) -> None:
    """Add a login, or give it a new password (which ends its sessions).

    The password is read from the prompt, or from one line of stdin when that is not a terminal.
    With KINERJA_CARD_AUTH=oidc no password is asked: the agency's identity provider proves who
    logs in, and this command says which NIPs may and what each sees.
    """
    from kinerja.card.passwords import WeakPassword
    from kinerja.card.users import add_user

    settings = settings_for(target=target)
    password = _read_password() if settings.card_auth == "local" else None
    try:
        added = add_user(settings, nip, password, kode_unit=unit)
    except WeakPassword as exc:
        raise BadArgument(str(exc)) from None
    if password is None:
        what = "added for the identity provider" if added.new else "renewed (its sessions end)"
    else:
        what = "added" if added.new else "given a new password (its sessions end)"
    sees = f"their own card and unit {unit}'s subtree" if unit else "their own card"
    console.print(f"{escape(nip)} {what}; sees {escape(sees)}")
    if not added.known_employee:
        console.print(
            f"note: {escape(nip)} is not in marts.dim_pegawai yet; the card shows nothing "
            "until a night has loaded them"
        )


@user_app.command("remove")
def user_remove(nip: str, target: TargetOpt = None) -> None:
    """Remove a login and its scope: its sessions end at once."""
    from kinerja.card.users import remove_user

    removed, scopes = remove_user(settings_for(target=target), nip)
    if not removed and not scopes:
        fail(f"kinerja card user remove: no login {nip}", 1)
    console.print(f"{escape(nip)} removed ({scopes} scope(s) revoked)")


def _read_password() -> str:
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    # One line from a pipe or file (`printf '%s\n' "$PASSWORD" | kinerja card user add NIP`):
    # never an argument, which `ps` and shell history would show.
    return sys.stdin.readline().rstrip("\r\n")
