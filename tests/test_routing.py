"""The indexed router (server/api/routing.py) picks, for every path, the route Starlette's full scan picks."""

from __future__ import annotations

import re

from starlette.routing import Match

from server.app import create_app

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _concrete(path: str) -> str:
    path = re.sub(r"\{[^}]*:path\}", "a/b", path)
    path = re.sub(r"\{[^}]*:int\}", "7", path)
    return re.sub(r"\{[^}]*\}", "abc", path)


def _first(routes, scope) -> tuple[object, Match] | None:
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route, match
        if match is Match.PARTIAL and partial is None:
            partial = (route, match)
    return partial


def test_every_route_is_found_as_the_full_scan_finds_it(settings):
    router = create_app(settings, "postgresql+asyncpg://nobody@127.0.0.1:1/none").router
    paths = {_concrete(getattr(route, "path", "/") or "/") for route in router.routes}
    paths |= {p + "/" for p in paths} | {p.rstrip("/") or "/" for p in paths}
    paths |= {"/", "/nowhere", "/api/nowhere", "/api/threads/7/nowhere", "/p", "/p/antwerp/x/y/z"}
    checked = 0
    for path in sorted(paths):
        segments = tuple(path.split("/")[1:3])
        for kind, methods in (("http", METHODS), ("websocket", (None,))):
            for method in methods:
                scope = {"type": kind, "path": path, "root_path": "", "method": method, "headers": []}
                expected = _first(router.routes, scope)
                found = _first(router._group(segments).routes, scope)
                # The group either finds the same route, or finds none and hands over to the full scan.
                assert found is None or found == expected, (path, method, found, expected)
                if expected is not None and expected[1] is Match.FULL:
                    assert found == expected, (path, method)  # every real route is in its group
                checked += 1
    assert checked > 1000
