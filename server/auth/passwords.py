"""Argon2id password hashing, run off the event loop because it is deliberately slow."""

from __future__ import annotations

import asyncio
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.errors import Invalid, Problem

_hasher = PasswordHasher()


def configure(memory_kib: int, time_cost: int) -> None:
    global _hasher
    _hasher = PasswordHasher(memory_cost=memory_kib, time_cost=time_cost)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the account does not exist, so that the answer
# takes as long for an unknown email as for a wrong password.
_DUMMY: str | None = None


async def waste_time(password: str) -> None:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = await hash_password("not a real password")
    await verify_password(_DUMMY, password)


# zxcvbn's own ceiling; a longer password is judged by its start, which is at worst stricter.
_ESTIMATE_CHARS = 72
# zxcvbn's "safely unguessable" scores: 3 (about 10^8 guesses) and up.
MIN_SCORE = 3


def _context(name: str, email: str) -> list[str]:
    """Words an attacker who knows the person and the site tries first."""
    local, _, domain = email.lower().partition("@")
    words = [name, name.replace(" ", ""), local, *re.split(r"[^a-z0-9]+", local), *domain.split("."), "citybridge"]
    words += name.lower().split()
    return [word for word in words if len(word) >= 3]


# zxcvbn's warnings (English only) as stable hint codes the browser translates (`api.hint.*`).
HINTS = {
    "Straight rows of keys are easy to guess.": "keyboard_row",
    "Short keyboard patterns are easy to guess.": "keyboard_pattern",
    'Repeats like "aaa" are easy to guess.': "repeated_character",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "repeated_pattern",
    'Sequences like "abc" or "6543" are easy to guess.': "sequence",
    "Recent years are easy to guess.": "recent_year",
    "Dates are often easy to guess.": "date",
    "This is a top-10 common password.": "very_common",
    "This is a top-100 common password.": "very_common",
    "This is a very common password.": "very_common",
    "This is similar to a commonly used password.": "similar_to_common",
    "A word by itself is easy to guess.": "single_word",
    "Names and surnames by themselves are easy to guess.": "name",
    "Common names and surnames are easy to guess.": "name",
}


def weakness(password: str, *, name: str, email: str) -> Problem | None:
    """Why a password is too easy to guess (common, patterned, or made of the person's name or
    email), or None if it is strong enough: field code `too_guessable` with zxcvbn's warning as a
    `hint` code ("" when it gives none or one we do not know)."""
    from zxcvbn import zxcvbn  # a large dictionary: loaded the first time a password is set

    result = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=_context(name, email))
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"]["warning"]
    sentence = "This password is too easy to guess" + (f": {warning}" if warning else ".")
    return Problem("too_guessable", {"hint": HINTS.get(warning, "")}, note=sentence)


async def check_strength(password: str, *, name: str, email: str) -> None:
    """Refuse a weak password with 422, code `weak_password` and a reason for the field."""
    reason = await asyncio.to_thread(weakness, password, name=name, email=email)
    if reason is not None:
        raise Invalid(
            f"{reason} Use a longer passphrase of a few unrelated words, not your name or email.",
            code="weak_password",
            fields={"password": reason},
        )
