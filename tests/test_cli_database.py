"""Every CLI command that opens the database says which one, and warns when it started an
embedded database that no server runs on (e.g. `citybridge demo` from another directory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from server.cli import _without_password

CITYBRIDGE = str(Path(sys.executable).with_name("citybridge"))


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([CITYBRIDGE, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def plain_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CITYBRIDGE_DATA")}
    return {**env, **extra}


def test_a_command_in_another_directory_warns_that_no_server_uses_its_database(tmp_path):
    first = run(["migrate"], plain_env(), tmp_path)
    data = tmp_path / "citybridge-data"
    assert f"Data directory: {data}\n" in first.stderr
    assert f"Database: embedded PostgreSQL in {data / 'postgres'}, database citybridge" in first.stderr
    assert "created a new, empty embedded database" in first.stderr
    assert "no Citybridge server is running on it" in first.stderr and "CITYBRIDGE_DATA" in first.stderr
    assert "Database is up to date." in first.stdout
    # The database exists now, but still no server runs on it.
    again = run(["migrate"], plain_env(), tmp_path)
    assert "started the embedded database" in again.stderr and "new, empty" not in again.stderr


def test_beside_a_running_server_it_names_the_database_and_does_not_warn(server, data_dir, tmp_path):
    result = run(["migrate"], plain_env(CITYBRIDGE_DATA=str(data_dir)), tmp_path)
    assert f"Data directory: {data_dir}\n" in result.stderr
    assert f"Database: embedded PostgreSQL in {data_dir / 'postgres'}, database citybridge" in result.stderr
    assert "Warning" not in result.stderr


def test_with_database_url_it_names_that_database(database_url, tmp_path):
    result = run(["migrate"], plain_env(DATABASE_URL=database_url, CITYBRIDGE_DATA=str(tmp_path)), tmp_path)
    line = next(line for line in result.stderr.splitlines() if line.startswith("Database: "))
    assert line.endswith(" (DATABASE_URL)") and make_url(line[10:-15]) == make_url(database_url)
    assert "Warning" not in result.stderr


def test_a_database_password_is_not_printed():
    assert _without_password("postgresql://citybridge:s3cret@db.example/citybridge") == (
        "postgresql://citybridge:***@db.example/citybridge"
    )
