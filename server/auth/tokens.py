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


def _device_mac(secret_key: str, user_id: int, device: str) -> str:
    return hmac.new(secret_key.encode(), f"device:{user_id}:{device}".encode(), hashlib.sha256).hexdigest()


def device_cookie(secret_key: str, user_id: int) -> str:
    """A known-device mark for one account: a random id and its MAC, so it needs no storage and
    cannot be forged. It only lifts the lock-outs a stranger can cause; it is no credential."""
    device = secrets.token_urlsafe(16)
    return f"{device}.{_device_mac(secret_key, user_id, device)}"


def known_device(secret_key: str, user_id: int, cookie: str | None) -> str | None:
    """The device id of a valid known-device cookie for this account, else None."""
    device, _, mac = (cookie or "").partition(".")
    if not device or len(device) > 32 or not hmac.compare_digest(_device_mac(secret_key, user_id, device), mac):
        return None
    return device
