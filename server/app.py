"""Build the Starlette application: API routes, the realtime endpoint, the browser app."""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

import realtime

from server.api import cities, invitations, operations, session, spaces, threads  # noqa: F401 (registers routes)
from server.api import reads  # noqa: F401 (registers routes)
from server.api.framework import error_response, routes
from server.auth import passwords
from server.config import Settings
from server.db.engine import create_engine, session_factory
from server.errors import ApiError, Unavailable

log = logging.getLogger("citybridge")

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}


async def _api_error(request: Request, error: ApiError) -> JSONResponse:
    return error_response(error)


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    code = HTTP_CODES.get(error.status_code, "error")
    message = {404: "No such route.", 405: "This route does not take that method."}.get(error.status_code, error.detail)
    return JSONResponse({"error": {"code": code, "message": message, "fields": {}}},
                        status_code=error.status_code, headers=getattr(error, "headers", None))


def _is_connection_failure(error: Exception) -> bool:
    if isinstance(error, (OperationalError, InterfaceError, ConnectionError, OSError)):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    if _is_connection_failure(error):
        log.warning("database unavailable: %s", error)
        return error_response(Unavailable("The database is unavailable; try again shortly.",
                                          headers={"Retry-After": "2"}))
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"error": {"code": "internal", "message": "Something went wrong on our side.", "fields": {}}},
                        status_code=500)


class SinglePageApp(StaticFiles):
    """The browser app's files; any other non-API path (/spaces/3, /invitations/<token>) gets
    index.html so the app's router can show it. The policy forbids inline script."""

    POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
              "form-action 'self'")

    async def get_response(self, path: str, scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or path.split("/")[0] in ("api", "ws") or "." in path.rsplit("/", 1)[-1]:
                raise
            response = await super().get_response("index.html", scope)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-cache")  # no build step: files carry no hash
        return response


def create_app(settings: Settings, database_url: str) -> Starlette:
    passwords.configure(settings.argon2_memory_kib, settings.argon2_time_cost)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        engine = create_engine(database_url)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        try:
            async with realtime.running(app, database_url):
                yield
        finally:
            await engine.dispose()

    app_routes = routes()
    app_routes.append(realtime.route())
    if settings.frontend_dir.is_dir():
        app_routes.append(Mount("/", SinglePageApp(directory=settings.frontend_dir, html=True), name="frontend"))
    app = Starlette(
        routes=app_routes,
        lifespan=lifespan,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected},
    )
    app.state.settings = settings
    return app
