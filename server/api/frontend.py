"""The browser app's static files, served at /.

There is no build step, so the app's modules keep their names; index.html is written per request
with every module and stylesheet addressed by a content hash (`/app.js?v=3f2a…`), which is cached
for a year, and an import map that sends each module's plain imports to its hashed address. A
changed file gets a new address at once; an unchanged one is never asked for again. The modules
app.js imports statically (directly or not) are preloaded, so the boot graph arrives in one round
of requests, not one per level; screens stay loaded on demand by the router."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import posixpath
import re
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

IMMUTABLE = "public, max-age=31536000, immutable"
POLICY = (
    "default-src 'self'; script-src 'self' {import_map}; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
ENTRY = "app.js"
STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}/[^"']+)["']""", re.M)


class AssetVersions:
    """Content hashes of the app's .js and .css files, recomputed when a file changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._seen: dict[str, tuple[int, int, str]] = {}

    def current(self) -> dict[str, str]:
        names = sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.suffix in (".js", ".css"))
        return {name: digest for name in names if (digest := self.of(name)) is not None}

    def of(self, name: str) -> str | None:
        """The hash of one file as it is now (a stat; read again only when it changed)."""
        try:
            stat = (self.root / name).stat()
        except OSError:
            return None
        known = self._seen.get(name)
        if known is None or known[:2] != (stat.st_mtime_ns, stat.st_size):
            digest = hashlib.sha256((self.root / name).read_bytes()).hexdigest()[:16]
            known = self._seen[name] = (stat.st_mtime_ns, stat.st_size, digest)
        return known[2]


def boot_modules(root: Path, entry: str = ENTRY) -> list[str]:
    """The modules the entry imports statically, directly or through others (not `import()`)."""
    found, todo = set(), [entry]
    while todo:
        name = todo.pop()
        if name in found or not (root / name).is_file():
            continue
        found.add(name)
        for target in STATIC_IMPORT.findall((root / name).read_text(encoding="utf-8")):
            todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), target)))
    return sorted(found)


def render_index(template: str, versions: dict[str, str], boot: list[str]) -> tuple[str, str]:
    """index.html with hashed addresses, the import map and preloads; and the policy allowing that map."""
    address = {name: f"/{name}?v={digest}" for name, digest in versions.items()}
    import_map = json.dumps(
        {"imports": {f"/{name}": url for name, url in address.items() if name.endswith(".js")}}, separators=(",", ":")
    )
    preloads = "".join(
        f'  <link rel="modulepreload" href="{html.escape(url)}">\n' for name, url in address.items() if name in boot
    )
    page = template
    for name, url in address.items():
        page = page.replace(f'="/{name}"', f'="{html.escape(url)}"')
    # The map comes before anything that loads a module; the preloads after the stylesheets.
    page = page.replace(
        '<meta charset="utf-8">', f'<meta charset="utf-8">\n  <script type="importmap">{import_map}</script>', 1
    )
    page = page.replace("</head>", f"{preloads}</head>", 1)
    digest = base64.b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
    return page, POLICY.format(import_map=f"'sha256-{digest}'")


class SinglePageApp(StaticFiles):
    """The browser app's files; any other non-API path (/spaces/3, /invitations/<token>) gets
    index.html so the app's router can show it. The policy forbids inline script but the import map."""

    def __init__(self, *, directory: Path, **kwargs) -> None:
        super().__init__(directory=directory, **kwargs)
        self.versions = AssetVersions(Path(directory))
        self.template_path = Path(directory) / "index.html"

    async def get_response(self, path: str, scope) -> Response:
        if path in ("", ".", "index.html"):
            return self._index()
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or path.split("/")[0] in ("api", "ws") or "." in path.rsplit("/", 1)[-1]:
                raise
            return self._index()
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        asked = _query_version(scope)
        fresh = asked is not None and asked == self.versions.of(path)
        response.headers.setdefault("Cache-Control", IMMUTABLE if fresh else "no-cache")
        return response

    def _index(self) -> Response:
        root = self.template_path.parent
        page, policy = render_index(
            self.template_path.read_text(encoding="utf-8"), self.versions.current(), boot_modules(root)
        )
        headers = {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
        return HTMLResponse(page, headers=headers)


def _query_version(scope) -> str | None:
    for pair in scope.get("query_string", b"").decode("latin-1").split("&"):
        key, _, value = pair.partition("=")
        if key == "v":
            return value
    return None
