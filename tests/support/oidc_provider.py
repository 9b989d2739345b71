"""A real OpenID Connect provider on this machine for the card's tests: oidc-provider-mock (Flask
and Authlib: discovery, authorization form, token endpoint, RS256-signed ID tokens, JWKS,
end-session), served by werkzeug on a thread, issuer http://localhost:<port>.

It records what the card sent it: the authorization requests' parameters and the token
requests' forms, so a test can check PKCE (the provider itself does not enforce it)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import oidc_provider_mock
import werkzeug.serving
from werkzeug.wrappers import Request

CLIENT_ID = "kartu-kinerja"
CLIENT_SECRET = "rahasia-klien-kartu-uji"


@dataclass
class Provider:
    issuer: str
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)


class _Recorder:
    def __init__(self, app, provider: Provider) -> None:
        self.app, self.provider = app, provider

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/oauth2/authorize" and request.method == "GET":
            self.provider.authorize_requests.append(dict(request.args))
        if request.path == "/oauth2/token":
            body = request.get_data()
            environ["wsgi.input"] = io.BytesIO(body)  # for the provider to read it again
            environ["CONTENT_LENGTH"] = str(len(body))
            self.provider.token_requests.append(
                {k: v[0] for k, v in parse_qs(body.decode()).items()}
            )
        return self.app(environ, start_response)


@contextmanager
def oidc_provider(users: dict[str, dict[str, object]]) -> Iterator[Provider]:
    """The provider with `users` (subject -> claims) ready on its login form; nonce required."""
    app = oidc_provider_mock.app(
        require_nonce=True,
        user_claims=[oidc_provider_mock.User(sub=sub, claims=c) for sub, c in users.items()],
    )
    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    provider = Provider(issuer=f"http://localhost:{server.server_port}")
    server.app = _Recorder(app, provider)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
