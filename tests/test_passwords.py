"""Password strength (issue 11, point 11): common and context-derived passwords are refused
wherever a password is set, with a stable code and a reason for the field."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from server.auth.passwords import HINTS
from tests.conftest import PASSWORD
from tests.harness import expect


@pytest.mark.parametrize(
    "weak",
    [
        "password",  # among the most common
        "aaaaaaaa",  # a repeat
        "qwertyuiop",  # a keyboard walk
        "sofianowak1",  # the person's name
        "Wroclaw2024!",  # the email's domain and a year
    ],
)
async def test_accepting_an_invitation_refuses_weak_passwords(world, clients, weak):
    invitation = expect(
        await world.admin.post(
            "/api/invitations", json={"email": "sofia@wroclaw.test", "space_id": world.space_a["id"]}
        ),
        201,
    )
    path = f"/api/invitations/{invitation['token']}/accept"
    refused = await clients().post(path, json={"name": "Sofia Nowak", "password": weak})
    error = expect(refused, 422)["error"]
    assert error["code"] == "weak_password" and error["fields"]["password"].startswith("This password is too easy")
    # Nothing was created: the invitation still works with a strong password.
    expect(await clients().post(path, json={"name": "Sofia Nowak", "password": PASSWORD}), 200)


def _create_admin(database_url: str, data_dir, password: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CITYBRIDGE_DATA": str(data_dir),
        "CITYBRIDGE_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "CITYBRIDGE_ARGON2_MEMORY_KIB": "1024",
        "CITYBRIDGE_ARGON2_TIME_COST": "1",
    }
    command = ["create-admin", "--email", "root@citybridge.test", "--name", "Rita Root", "--password", password]
    return subprocess.run(
        [sys.executable, "-c", "from server.cli import main; main()", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_create_admin_refuses_weak_passwords(world, database_url, tmp_path, clients):
    for weak in ("citybridge1", "ritaroot2024"):
        refused = _create_admin(database_url, tmp_path, weak)
        assert refused.returncode != 0 and "too easy to guess" in refused.stderr, refused.stderr
    accepted = _create_admin(database_url, tmp_path, PASSWORD)
    assert accepted.returncode == 0, accepted.stderr
    expect(await clients().sign_in("root@citybridge.test", PASSWORD), 200)


async def test_the_browser_gets_why_a_password_is_weak_as_a_code(world, clients):
    """zxcvbn's English warning reaches the browser as a hint code it translates, never as words."""
    invitation = expect(
        await world.admin.post("/api/invitations", json={"email": "kai@wroclaw.test", "space_id": world.space_a["id"]}),
        201,
    )
    refused = await clients().post(
        f"/api/invitations/{invitation['token']}/accept",
        json={"name": "Kai Brandt", "password": "aaaaaaaaaa"},
        headers={"Prefer": "errors=coded"},
    )
    problem = expect(refused, 422)["error"]["fields"]["password"]
    assert problem["code"] == "too_guessable" and problem["hint"] == "repeated_character"
    changed = await world.member.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "password1"},
        headers={"Prefer": "errors=coded"},
    )
    problem = expect(changed, 422)["error"]["fields"]["new_password"]
    assert problem["code"] == "too_guessable" and problem["hint"] == "very_common"


def test_every_hint_of_zxcvbn_is_a_translated_code():
    from tests.test_error_codes import translations

    hints = {f"api.hint.{code}" for code in HINTS.values()}
    for language in ("en", "fr", "es"):
        assert hints <= set(translations(language)), language
