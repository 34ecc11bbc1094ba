"""The async engine and its session factories: one for work in a transaction, one for reads."""

from __future__ import annotations

import re

import orjson
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

READS = "AUTOCOMMIT"  # the isolation level of a session of reads: no BEGIN, no COMMIT


def create_engine(url: str, **kwargs) -> AsyncEngine:
    # No pre-ping: it costs round trips on every checkout. A connection broken by a database
    # restart fails its request once (answered 503) and the pool discards the rest of its
    # generation, so the next request reconnects.
    # JSON and JSONB columns are decoded by orjson (the stdlib decoder's results, in C).
    options = {"pool_size": 10, "max_overflow": 20, "pool_pre_ping": False, "json_deserializer": orjson.loads}
    options.update(kwargs)
    return create_async_engine(url, **options)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


_CONNECTED = "took_a_connection"


@event.listens_for(Session, "after_begin")
def _took_a_connection(session: Session, _transaction, _connection) -> None:
    session.info[_CONNECTED] = True


def has_work(db: AsyncSession) -> bool:
    """Whether the session took a connection (to commit, or give back) or holds rows to write. A
    request that ran no statement (its caller known from the credential cache, nothing read) needs
    neither commit nor close: each costs switches into SQLAlchemy's greenlet, a tenth of such a
    request's CPU. Objects attached with no statement (server/db/loaded.py) begin the session's
    transaction, but not a connection's."""
    if not db.in_transaction():  # nothing attached, nothing read: the check below builds three sets
        return False
    return db.info.get(_CONNECTED, False) or bool(db.new or db.dirty or db.deleted)


def to_asyncpg_url(url: str) -> str:
    """Accept postgres://, postgresql:// or postgresql+asyncpg:// URLs."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got {url.split(':', 1)[0]}://…")


def asyncpg_dsn(url: str) -> str:
    """The database as asyncpg's own `connect` and pools take it (postgresql://): the LISTEN
    connections, the change-log readers, backups."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose statements each run on their own (no BEGIN, no COMMIT), for requests that only
    read. A statement that writes through one is refused (RuntimeError): its write would not be
    undone with the rest of a failed request, so a route that writes must not be declared a read."""
    event.listen(engine.sync_engine, "before_cursor_execute", _refuse_writes_in_reads)
    return session_factory(engine.execution_options(isolation_level=READS))


def _refuse_writes_in_reads(conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    if conn.get_execution_options().get("isolation_level") != READS:
        return
    head = statement.lstrip()[:6].upper()
    if head in ("SELECT", "SHOW") or (head.startswith("WITH") and not _WRITES.search(statement)):
        return
    raise RuntimeError(f"a read-only request tried to write: {statement[:120]}")


_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
