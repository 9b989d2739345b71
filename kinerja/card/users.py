"""A card login and its warehouse scope are added and removed together: a user with a password
but no scope sees an empty page, a scope without a user is a door nobody should hold open."""

from __future__ import annotations

from dataclasses import dataclass

from kinerja.card.passwords import PasswordStore, check_login, check_new_password
from kinerja.settings import Settings
from kinerja.warehouse import connect
from kinerja.warehouse.access import grant_scope, revoke_scope


@dataclass(frozen=True)
class UserAdded:
    nip: str
    kode_unit: str | None
    new: bool
    known_employee: bool  # the NIP is in marts.dim_pegawai (False before the first night)


def add_user(
    settings: Settings, nip: str, password: str | None, kode_unit: str | None = None
) -> UserAdded:
    """Create the login `nip` (or give it a new password, which ends its sessions) and make its
    scope exactly its own card, plus unit `kode_unit`'s subtree for a supervisor.

    Without a password the login is the identity provider's to prove (KINERJA_CARD_AUTH=oidc):
    the same scope, no password kept."""
    if password is None:
        check_login(nip)
    else:
        check_new_password(nip, password)
    store = PasswordStore.of(settings)
    with connect(settings) as wh:
        revoke_scope(wh, nip)
        grant_scope(wh, nip, nip=nip)
        if kode_unit:
            grant_scope(wh, nip, kode_unit=kode_unit)
        known = wh.table_exists("marts", "dim_pegawai") and bool(
            wh.scalar("select count(*) from marts.dim_pegawai where nip = :n", {"n": nip})
        )
    new = store.register(nip) if password is None else store.set_password(nip, password)
    return UserAdded(nip=nip, kode_unit=kode_unit, new=new, known_employee=known)


def remove_user(settings: Settings, nip: str) -> tuple[bool, int]:
    """Remove the login and its scope; (whether there was a login, scopes removed)."""
    removed = PasswordStore.of(settings).remove(nip)
    with connect(settings) as wh:
        scopes = revoke_scope(wh, nip)
    return removed, scopes
