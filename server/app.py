"""Build the Starlette application: API routes, the realtime endpoint, the browser app."""

from __future__ import annotations

import contextlib
import errno
import logging

import asyncpg

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

import realtime
from search import service as search_service

from server.api import cities, invitations, operations, session, spaces, threads, users  # noqa: F401 (registers routes)
from server.api import reads  # noqa: F401 (registers routes)
from server.api import library, moderation  # noqa: F401 (registers routes)
from server.api import search as search_api  # noqa: F401 (registers routes)
from server.api.framework import error_response, routes
from server.auth import passwords
from server.config import Settings
from server.db.engine import create_engine, session_factory
from server.errors import ApiError, Invalid, NotFound, Unavailable
from server.observability import metrics, readiness
from server.observability.middleware import ObservabilityMiddleware
from server.observability.routes import metrics_route

log = logging.getLogger("citybridge")

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}


async def _api_error(request: Request, error: ApiError) -> JSONResponse:
    return error_response(error)


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    code = HTTP_CODES.get(error.status_code, "error")
    message = {404: "No such route.", 405: "This route does not take that method."}.get(error.status_code, error.detail)
    return JSONResponse({"error": {"code": code, "message": message, "fields": {}}},
                        status_code=error.status_code, headers=getattr(error, "headers", None))


STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
DATABASE_DOWN = (OperationalError, InterfaceError, ConnectionError, OSError, asyncpg.PostgresConnectionError,
                 asyncpg.exceptions.OperatorInterventionError, asyncpg.InterfaceError,
                 asyncpg.exceptions.TooManyConnectionsError)


# Connection exceptions, admin/crash shutdown, "cannot connect now", too many connections.
DOWN_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


# PostgreSQL refuses NUL characters in text (22021) and characters it cannot encode (22P05).
UNSTORABLE_TEXT_SQLSTATES = ("22021", "22P05")


def _causes(error: BaseException):
    seen, current = 0, getattr(error, "orig", None) or error.__cause__
    while current is not None and seen < 5:
        yield current
        current, seen = current.__cause__ or current.__context__, seen + 1


def _sqlstates(error: BaseException):
    return [str(getattr(cause, "sqlstate", "") or "") for cause in _causes(error)]


def _is_connection_failure(error: Exception) -> bool:
    if isinstance(error, DATABASE_DOWN):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    # SQLAlchemy wraps driver errors (e.g. "the database system is shutting down" while connecting)
    # in a plain DBAPIError; the driver's exception is further down the chain.
    seen, current = 0, getattr(error, "orig", None) or error.__cause__
    while current is not None and seen < 5:
        if isinstance(current, DATABASE_DOWN) or str(getattr(current, "sqlstate", "") or "").startswith(DOWN_SQLSTATES):
            return True
        current, seen = current.__cause__ or current.__context__, seen + 1
    return False


def _raised_by_database_driver(error: BaseException) -> bool:
    frame = error.__traceback__
    while frame is not None:
        name = frame.tb_frame.f_code.co_filename
        if "/sqlalchemy/" in name or "/asyncpg/" in name:
            return True
        frame = frame.tb_next
    return False


def _is_storage_failure(error: Exception) -> bool:
    """An OSError from the file system (full, read-only, not writable), not from reaching PostgreSQL."""
    return (isinstance(error, OSError) and not isinstance(error, ConnectionError)
            and not _raised_by_database_driver(error))


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    if _is_storage_failure(error):
        log.error("file storage failed: %s", error)
        full = error.errno in STORAGE_FULL
        return error_response(Unavailable(
            "The server's file storage is full; nothing was saved." if full
            else "The server could not write to its file storage; nothing was saved.",
            code="storage_full" if full else "storage_unavailable", headers={"Retry-After": "60"}))
    if isinstance(error, DBAPIError) and any(state in UNSTORABLE_TEXT_SQLSTATES for state in _sqlstates(error)):
        return error_response(Invalid("Text may not contain NUL characters.", code="invalid_text"))
    if isinstance(error, DBAPIError) and ("22003" in _sqlstates(error)
                                          or any(isinstance(c, OverflowError) for c in _causes(error))):
        # An id beyond the column's range (e.g. /api/cities/9999999999) names nothing that exists.
        return error_response(NotFound("No such item."))
    if _is_connection_failure(error):
        metrics.DATABASE_UNAVAILABLE.inc()
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
            async with realtime.running(app, database_url), search_service.running(app, database_url):
                yield
        finally:
            await engine.dispose()

    app_routes = routes()
    app_routes.append(realtime.route())
    app_routes.append(metrics_route())
    if settings.frontend_dir.is_dir():
        app_routes.append(Mount("/", SinglePageApp(directory=settings.frontend_dir, html=True), name="frontend"))
    app = Starlette(
        routes=app_routes,
        lifespan=lifespan,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected,
                            # Handled inside the middleware (not by the outermost 500 handler), so these
                            # answers get the request id, security headers and metrics too.
                            **{kind: _unexpected for kind in (*DATABASE_DOWN, DBAPIError)}},
        middleware=[Middleware(ObservabilityMiddleware, body_max_bytes=settings.body_max_bytes,
                               https=settings.secure_cookies)],
    )
    app.state.settings = settings
    readiness.checks(app)  # parts such as search register theirs: see server/observability/readiness.py
    return app
