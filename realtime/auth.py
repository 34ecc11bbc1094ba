"""Who is opening a socket (docs/realtime.md, "Connecting"): the rules of server.api.auth /
server.services.accounts, through `accounts.users_for_credentials`, their batched SQL form, which
sockets that connect at the same moment share (a reconnect storm costs a few queries, not one each)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from server.auth.tokens import token_hash
from server.services.accounts import users_for_credentials


@dataclass(frozen=True, slots=True)
class Identity:
    id: int
    name: str
    credential: str  # the first 16 hex digits of the stored token hash: what a sign-out names
    has_totp: bool = True
    city_requires_totp: bool = False

    def held_for_enrolment(self, platform_requires_totp: bool) -> bool:
        """server.api.auth.check_totp_policy's rule: where two-factor is required, an account
        without it may only enrol, and a socket is not enrolling."""
        return not self.has_totp and (platform_requires_totp or self.city_requires_totp)


def credential_key(kind: str, secret: str) -> tuple[str, str]:
    return kind, token_hash(secret)


async def lookup(pool: asyncpg.Pool, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Identity]:
    found = await users_for_credentials(pool, keys)
    return {
        key: Identity(user_id, name, key[1][:16], has_totp, city_requires)
        for key, (user_id, name, has_totp, city_requires) in found.items()
    }
