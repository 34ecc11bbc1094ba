"""The app's router: Starlette's, with each request tried against the routes that can match it.

Starlette tries the routes in turn, a regular expression each, until one matches; with some two
hundred routes, a request near the end of the list (posting a message is number 165) spent more
time finding its route than in many of its statements. Here a request is tried only against the
routes whose literal leading segments agree with its own first two segments, in their original
order, so the first match is the one Starlette would have found. A request that none of them takes
(404, 405 for a method, a redirect for a trailing slash) goes to Starlette's full scan, which
answers exactly as before.
"""

from __future__ import annotations

import functools

from starlette.routing import Router, get_route_path
from starlette.types import Receive, Scope, Send

_SEGMENTS = 2
_MAX_GROUPS = 4096  # distinct first segments remembered; beyond that (random paths) the full scan answers


def _literal_prefix(route) -> tuple[str, ...]:
    """A route's leading literal path segments (at most two); () for one that may match anything."""
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path.startswith("/"):
        return ()
    prefix: list[str] = []
    for segment in path.split("/")[1 : _SEGMENTS + 1]:
        if "{" in segment:
            break
        prefix.append(segment)
    return tuple(prefix)


class IndexedRouter(Router):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._prefixes = [(route, _literal_prefix(route)) for route in self.routes]
        self._groups: dict[tuple[str, ...], Router] = {}
        self._full_scan = functools.partial(Router.app, self)

    def _group(self, segments: tuple[str, ...]) -> Router:
        group = self._groups.get(segments)
        if group is None:
            candidates = [route for route, prefix in self._prefixes if segments[: len(prefix)] == prefix]
            group = Router(candidates, redirect_slashes=False, default=self._full_scan)
            if len(self._groups) < _MAX_GROUPS:
                self._groups[segments] = group
        return group

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or len(self._prefixes) != len(self.routes):  # routes added later: plain
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        segments = tuple(get_route_path(scope).split("/")[1 : _SEGMENTS + 1])
        await self._group(segments).app(scope, receive, send)
