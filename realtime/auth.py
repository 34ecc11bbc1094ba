"""Who is opening a socket: the same rules as server.api.auth / server.services.accounts
(`api_token_owner`, `user_for_session`), as one direct query batched across sockets
that connect at the same moment (a reconnect storm costs a few queries, not one each)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from server.auth.tokens import token_hash

# server.api.auth: not revoked, not expired, with the read scope, user not deactivated.
_TOKENS = """
SELECT t.token_hash, u.id, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = ANY($1::text[]) AND t.revoked_at IS NULL AND u.deactivated_at IS NULL
  AND t.expires_at > now() AND 'read' = ANY(t.scopes)
"""
# accounts.user_for_session: not expired, user not deactivated.
_SESSIONS = """
SELECT s.token_hash, u.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = ANY($1::text[]) AND s.expires_at > now() AND u.deactivated_at IS NULL
"""


@dataclass(frozen=True, slots=True)
class Identity:
    id: int
    name: str
    credential: str  # the first 16 hex digits of the stored token hash: what a sign-out names


def credential_key(kind: str, secret: str) -> tuple[str, str]:
    return kind, token_hash(secret)


async def lookup(pool: asyncpg.Pool, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Identity]:
    tokens = [h for kind, h in keys if kind == "bearer"]
    sessions = [h for kind, h in keys if kind == "cookie"]
    found: dict[tuple[str, str], Identity] = {}
    for kind, query, hashes in (("bearer", _TOKENS, tokens), ("cookie", _SESSIONS, sessions)):
        if hashes:
            for row in await pool.fetch(query, hashes):
                found[(kind, row[0])] = Identity(row[1], row[2], row[0][:16])
    return found
