"""Opaque random tokens: only their SHA-256 is stored, so a database leak leaks no credential."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, session_token: str) -> str:
    """The CSRF token is bound to the session, so it needs no storage of its own."""
    return hmac.new(secret_key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, session_token: str, candidate: str) -> bool:
    return hmac.compare_digest(csrf_token(secret_key, session_token), candidate)
