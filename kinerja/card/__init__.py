"""Every employee's own card: a small read-only web page (FastAPI, Jinja2, served by uvicorn).

An employee logs in and sees their latest score with its band and reasons, what the model is for
and not for, their attendance, discipline counters, training hours and any warning about them; a
supervisor also sees the cards of their unit's subtree. Every query runs in the login's own
row-level scope (kinerja.warehouse.access.scoped_session), never over the restricted marts whole.

- `app`: the web application and its routes
- `auth`: pluggable authentication providers: local passwords, or OpenID Connect
- `oidc`, `oidc_config`: the OpenID Connect login flow (Authlib) and its checked settings
- `passwords`: the card's user store (who may log in; password hashes for local logins), a file
  under KINERJA_HOME
- `session_secret`: the per-installation secret session cookies are signed with
- `data`: what a card shows, read from the warehouse
- `users`: adding and removing logins together with their warehouse scope
"""
