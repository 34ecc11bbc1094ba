"""The async engine and session factory."""

from __future__ import annotations

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


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


def to_asyncpg_url(url: str) -> str:
    """Accept postgres://, postgresql:// or postgresql+asyncpg:// URLs."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got {url.split(':', 1)[0]}://…")
