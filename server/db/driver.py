"""The asyncpg connection under a session, for the few hot statements that skip SQLAlchemy.

SQLAlchemy's execution path (execution context, result processing, a greenlet switch per await)
cost more CPU than the statements themselves on the post route (issue 21). A statement sent here
runs in the session's transaction, after the session's pending ORM writes, and its errors are
asyncpg's own (server/api/error_handlers.py answers them as it answers SQLAlchemy's).
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.util import await_only

_BEGIN = text("SELECT 1")
log = logging.getLogger("citybridge")


async def connection(db: AsyncSession) -> asyncpg.Connection:
    """The session's asyncpg connection, inside the session's transaction (if it has one: see
    server/api/framework.py on reads)."""
    return await db.run_sync(_in_transaction)  # one switch into SQLAlchemy's greenlet, not four


def _in_transaction(session) -> asyncpg.Connection:
    session.flush()  # pending ORM rows first: raw statements see them and their foreign keys hold
    conn = session.connection()
    raw = conn.connection.driver_connection
    # SQLAlchemy begins lazily, on its first statement; a session of reads (server/api/framework.py)
    # has no transaction to begin.
    if not raw.is_in_transaction() and conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        adapter = conn.connection.dbapi_connection
        if getattr(adapter, "_transaction", False) is None and hasattr(adapter, "_start_transaction"):
            # The dialect's own BEGIN, as its first statement would send it: one round trip, where a
            # statement to make it begin (below, for a dialect without it) costs two.
            await_only(adapter._start_transaction())
        else:
            conn.execute(_BEGIN)
    return raw


async def connection_as_is(db: AsyncSession) -> asyncpg.Connection:
    """The session's asyncpg connection without beginning a transaction: a statement sent before the
    session's first ORM statement commits by itself. For a request's first look-up (who is calling),
    so that a request which reads nothing else costs one round trip instead of BEGIN, it and COMMIT:
    the transaction begins at the session's first statement, and a commit with none is no round trip."""
    return await db.run_sync(_driver_connection)  # one switch into SQLAlchemy's greenlet, not two


def _driver_connection(session) -> asyncpg.Connection:
    return session.connection().connection.driver_connection


# What a statement may have been cut off by, leaving its connection mid-operation: a cancelled request
# (the client went away, a timeout), a server that went away. SQLAlchemy invalidates a connection it
# saw fail under its own statements, not one whose raw statement failed (or was cancelled) here, and
# not one that failed with asyncpg's InternalClientError when its server process was terminated
# mid-transaction (sqlalchemy/sqlalchemy#13241): put back in the pool, its next user meets "cannot
# switch to state 12; another operation (2) is in progress".
_CUT_OFF = (
    asyncio.CancelledError,
    TimeoutError,
    OSError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    asyncpg.PostgresConnectionError,
)


async def discard_if_cut_off(db: AsyncSession, error: BaseException) -> None:
    """Close the session's connection for good, not back into the pool, after an error that may have
    left it mid-operation."""
    if db.in_transaction() and any(isinstance(cause, _CUT_OFF) for cause in causes(error)):
        try:
            await db.invalidate()
        except Exception:  # a connection already gone may fail to close: the request's own error is the answer
            log.debug("discarding a cut-off connection failed", exc_info=True)


def causes(error: BaseException):
    """The error and what it wraps, outermost first: SQLAlchemy's DBAPIError wraps the driver's
    (`orig`), and a raised error carries what it was raised from or during."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__
