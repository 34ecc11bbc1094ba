"""Argon2id password hashing, run off the event loop because it is deliberately slow."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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
