"""Apply Alembic migrations programmatically (used by `citybridge migrate` and `serve`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database at url up to revision. Safe to run from several processes at once."""
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str) -> None:
    # env.py runs its own event loop, so keep it off ours.
    await asyncio.to_thread(upgrade, url)
