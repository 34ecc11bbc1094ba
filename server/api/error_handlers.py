"""How errors become answers: every failure a client can meet gets the one error shape.

ApiError carries its own status. Starlette's 404/405 are reshaped. Anything else is classified:
a file-system failure (503, nothing saved), text PostgreSQL cannot store (422), an id beyond a
column's range (404), the database being unreachable (503 with Retry-After), or a bug (500).
"""

from __future__ import annotations

import errno
import logging

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from server.api.responses import JsonResponse
from server.db.driver import causes
from server.errors import ApiError, Invalid, NotFound, Unavailable
from server.observability import metrics

log = logging.getLogger("citybridge")

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}

# A client that reads field codes asks for them (the browser app does, frontend/api.js); the
# others keep getting one English sentence per field, the shape they were written against.
CODED_PREFERENCE = "errors=coded"


def wants_codes(request: Request) -> bool:
    preferences = request.headers.get("prefer", "")
    return any(part.strip().lower() == CODED_PREFERENCE for part in preferences.split(","))


def error_response(error: ApiError, request: Request | None = None) -> JsonResponse:
    coded = request is not None and wants_codes(request)
    headers = {**error.headers, **({"Preference-Applied": CODED_PREFERENCE} if coded else {})}
    return JsonResponse(error.body(coded), status_code=error.status, headers=headers)


async def api_error(request: Request, error: ApiError) -> JsonResponse:
    return error_response(error, request)


async def http_error(request: Request, error: HTTPException) -> JsonResponse:
    code = HTTP_CODES.get(error.status_code, "error")
    message = {404: "No such route.", 405: "This route does not take that method."}.get(error.status_code, error.detail)
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": {}}},
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
DATABASE_DOWN = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,  # a raw statement on a connection a failure cut off mid-operation
    asyncpg.exceptions.TooManyConnectionsError,
)


# What PostgreSQL answers through SQLAlchemy, to the statements sent straight to asyncpg, and through
# SQLAlchemy's asyncpg adapter unwrapped (server/db/driver.py begins a transaction through it): each
# is classified by the driver error it carries.
DATABASE_ERRORS = (DBAPIError, asyncpg.PostgresError, AsyncAdapt_asyncpg_dbapi.Error)


# Connection exceptions, admin/crash shutdown, "cannot connect now", too many connections.
DOWN_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


# PostgreSQL refuses NUL characters in text (22021) and characters it cannot encode (22P05).
UNSTORABLE_TEXT_SQLSTATES = ("22021", "22P05")


def _sqlstates(error: BaseException):
    return [str(getattr(cause, "sqlstate", "") or "") for cause in causes(error)]


def _is_connection_failure(error: Exception) -> bool:
    if isinstance(error, DATABASE_DOWN):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    # SQLAlchemy wraps driver errors (e.g. "the database system is shutting down" while connecting)
    # in a plain DBAPIError; the driver's exception is further down the chain.
    return any(
        isinstance(cause, DATABASE_DOWN) or str(getattr(cause, "sqlstate", "") or "").startswith(DOWN_SQLSTATES)
        for cause in causes(error)
    )


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
    return (
        isinstance(error, OSError) and not isinstance(error, ConnectionError) and not _raised_by_database_driver(error)
    )


async def unexpected(request: Request, error: Exception) -> JsonResponse:
    if _is_storage_failure(error):
        log.error("file storage failed: %s", error)
        full = error.errno in STORAGE_FULL
        return error_response(
            Unavailable(
                "The server's file storage is full; nothing was saved."
                if full
                else "The server could not write to its file storage; nothing was saved.",
                code="storage_full" if full else "storage_unavailable",
                headers={"Retry-After": "60"},
            ),
            request,
        )
    if isinstance(error, DATABASE_ERRORS) and any(state in UNSTORABLE_TEXT_SQLSTATES for state in _sqlstates(error)):
        return error_response(Invalid("Text may not contain NUL characters.", code="invalid_text"), request)
    if isinstance(error, DATABASE_ERRORS) and (
        "22003" in _sqlstates(error) or any(isinstance(c, OverflowError) for c in causes(error))
    ):
        # An id beyond the column's range (e.g. /api/cities/9999999999) names nothing that exists.
        return error_response(NotFound("No such item."), request)
    if _is_connection_failure(error):
        metrics.DATABASE_UNAVAILABLE.inc()
        log.warning("database unavailable: %s", error)
        return error_response(
            Unavailable("The database is unavailable; try again shortly.", headers={"Retry-After": "2"}), request
        )
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JsonResponse(
        {"error": {"code": "internal", "message": "Something went wrong on our side.", "fields": {}}}, status_code=500
    )


def exception_handlers() -> dict:
    # The database and driver failures are listed by type so Starlette handles them inside the
    # middleware (not in the outermost 500 handler): their answers get the request id, the
    # security headers and the metrics too.
    return {
        ApiError: api_error,
        HTTPException: http_error,
        Exception: unexpected,
        **{kind: unexpected for kind in (*DATABASE_DOWN, *DATABASE_ERRORS)},
    }
