"""How the browser app is delivered: hashed addresses cached for a year, an import map the policy
allows by its hash, every module preloaded, only one locale fetched, and compressed answers."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx

from server.api.frontend import IMMUTABLE, AssetVersions


def _index(server) -> httpx.Response:
    response = httpx.get(f"{server.base_url}/", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    return response


def test_the_policy_allows_exactly_the_import_map_it_is_served_with(server):
    response = _index(server)
    import_map = re.search(r'<script type="importmap">(.*?)</script>', response.text).group(1)
    digest = base64.b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["Cache-Control"] == "no-cache"
    # The map comes before the entry module, or the browser would ignore it.
    assert response.text.index("importmap") < response.text.index('<script type="module"')


def test_hashed_addresses_are_cached_for_a_year_and_plain_ones_revalidated(server):
    page = _index(server).text
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', page)
    assert "/app.js?v=" in page and any(href.startswith("/shell/router.js?v=") for href in preloads)
    assert not any(href.startswith("/i18n/") for href in preloads), "locales load on demand, one at a time"
    assert not any(href.startswith("/screens/") for href in preloads), "screens load when the router asks"
    assert re.search(r'href="/app\.css\?v=[0-9a-f]{16}"', page)
    with httpx.Client(base_url=server.base_url) as client:
        for href in preloads:
            answer = client.get(href)
            assert answer.status_code == 200, href
            assert answer.headers["Cache-Control"] == IMMUTABLE, href
        assert client.get("/app.js").headers["Cache-Control"] == "no-cache"
        assert client.get("/app.js?v=0000000000000000").headers["Cache-Control"] == "no-cache"


def test_a_changed_file_gets_a_new_address(tmp_path):
    (tmp_path / "a.js").write_text("export const a = 1;\n")
    versions = AssetVersions(tmp_path)
    before = versions.current()["a.js"]
    (tmp_path / "a.js").write_text("export const a = 22;\n")
    assert versions.of("a.js") != before
    assert versions.of("missing.js") is None


def test_answers_are_compressed_for_clients_that_accept_it(server):
    with httpx.Client(base_url=server.base_url) as client:
        plain = client.get("/api/openapi.json", headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers
        for encoding in ("br", "gzip"):
            packed = client.get("/api/openapi.json", headers={"Accept-Encoding": encoding})
            assert packed.headers["Content-Encoding"] == encoding
            assert "Accept-Encoding" in packed.headers["Vary"]
            assert int(packed.headers["Content-Length"]) < len(plain.content) / 3
            assert packed.json() == plain.json()
        module = client.get("/i18n/en.js", headers={"Accept-Encoding": "br"})
        assert module.headers["Content-Encoding"] == "br"
