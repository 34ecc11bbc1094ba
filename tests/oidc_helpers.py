"""A real OpenID Connect provider for the tests (oidc-provider-mock over HTTP on a free port), and
a browser-like walk through the sign-in flow.

`Provider.tamper` may change the ID token the token endpoint returns, re-signed with the
provider's own key (or another): a provider that answers wrong, as a misconfigured or hostile one
would, while everything else stays the real provider's behaviour.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import flask
import httpx
import oidc_provider_mock
import werkzeug.serving
from authlib import jose as authlib_jose
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.harness import free_port


class Provider:
    def __init__(self) -> None:
        self.app = oidc_provider_mock.app(require_nonce=True)
        with self.app.test_request_context():
            self.app.preprocess_request()
            self.storage = flask.g.oidc_provider_mock_storage
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.tamper: Callable[[dict], tuple[dict, RSAKey | None]] | None = None
        self.server = werkzeug.serving.make_server("127.0.0.1", self.port, self._wsgi, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> Provider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def key(self) -> RSAKey:
        return RSAKey.import_key(self.storage.jwk.as_dict(is_private=True))

    def rotate_key(self) -> None:
        self.storage.jwk = authlib_jose.RSAKey.generate_key(is_private=True)

    def _resign(self, id_token: str) -> str:
        claims = jwt.decode(id_token, self.key()).claims
        claims, key = self.tamper(claims)
        key = key or self.key()
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def _wsgi(self, environ, start_response):
        if self.tamper is None or environ.get("PATH_INFO") != "/oauth2/token":
            return self.app(environ, start_response)
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen.update(status=status, headers=headers)

        data = json.loads(b"".join(self.app(environ, capture)))
        if "id_token" in data:
            data["id_token"] = self._resign(data["id_token"])
        body = json.dumps(data).encode()
        headers = [(k, v) for k, v in seen["headers"] if k.lower() != "content-length"]
        start_response(seen["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]

    async def set_user(self, sub: str, claims: dict) -> None:
        async with httpx.AsyncClient() as client:
            (await client.put(f"{self.issuer}/users/{sub}", json=claims)).raise_for_status()


async def walk(browser: httpx.AsyncClient, name: str, sub: str) -> httpx.Response:
    """Start at /auth/oidc/<name>, pick `sub` on the provider's page, follow the way back; the
    answer of our callback (a redirect to the app or to the sign-in screen with an error)."""
    start = await browser.get(f"/auth/oidc/{name}")
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    if not authorize.startswith("http"):  # refused before reaching the provider
        return start
    async with httpx.AsyncClient() as at_provider:
        picked = await at_provider.post(authorize, data={"sub": sub})
    assert picked.status_code == 302, picked.text
    return await browser.get(picked.headers["location"])


def sso_error(response: httpx.Response) -> str | None:
    location = urlsplit(response.headers.get("location", ""))
    return parse_qs(location.query).get("sso_error", [None])[0] if location.path == "/signin" else None
