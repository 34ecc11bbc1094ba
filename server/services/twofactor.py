"""Two-factor sign-in: time-based one-time passwords (RFC 6238, via pyotp) and recovery codes.

A code is good for its 30-second step and the steps either side (clock drift), and only once:
the newest step a code was accepted for is kept, and no code of that step or an earlier one is
taken again. Recovery codes are long random strings, so a plain SHA-256 is enough to store them.
"""

from __future__ import annotations

import base64
import hmac
import io
import re
import secrets
import time

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import token_hash
from server.db.models import RecoveryCode, User
from server.errors import Conflict, Invalid, problem
from server.services import accounts

ISSUER = "Citybridge"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_DIGITS = re.compile(r"^\d{6}$")


def _qr_svg_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI for an <img>: no script, allowed by our CSP's img-src."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


async def start_enrolment(db: AsyncSession, user: User) -> dict:
    """A new secret, not yet in force: the person proves their app has it with a code (confirm)."""
    if user.totp_enabled_at is not None:
        raise Conflict("Two-factor sign-in is already on; turn it off first.", code="totp_already_enabled")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    await db.flush()
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return {"secret": user.totp_secret, "otpauth_uri": uri, "qr_svg": _qr_svg_data_uri(uri)}


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // STEP_SECONDS
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue  # this step's code (or an older one) was already used
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _normalise_recovery(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def _new_recovery_code() -> str:
    raw = secrets.token_hex(6)  # 48 bits each: guessing one is hopeless under the sign-in throttle
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


async def accept_code(db: AsyncSession, user: User, code: str) -> bool:
    """True if `code` is a fresh one-time code or an unused recovery code; either is then spent."""
    code = code.strip()
    if user.totp_secret is None:
        return False
    if _DIGITS.match(code):
        step = _matching_step(user.totp_secret, code, user.totp_last_step)
        if step is None:
            return False
        # Compare-and-set: two requests racing with the same code cannot both win.
        won = await db.scalar(
            update(User)
            .where(User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
            .values(totp_last_step=step)
            .returning(User.id)
        )
        return won is not None
    spent = await db.scalar(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == token_hash(_normalise_recovery(code)),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=accounts.now())
        .returning(RecoveryCode.id)
    )
    return spent is not None


async def _require_code(db: AsyncSession, user: User, code: str) -> None:
    """A wrong code is refused after the request's rate-limit count is committed (the `totp` limit)."""
    if not await accept_code(db, user, code):
        await db.commit()
        raise Invalid(
            "This code is not right, or was already used.", code="bad_totp_code", fields={"code": problem("wrong_code")}
        )


async def confirm(db: AsyncSession, user: User, code: str) -> list[str]:
    """Turn two-factor on; answers the recovery codes, which are shown this once."""
    if user.totp_enabled_at is not None:
        raise Conflict("Two-factor sign-in is already on.", code="totp_already_enabled")
    if user.totp_secret is None:
        raise Conflict("Start the enrolment first (POST /api/me/totp).", code="totp_not_started")
    await _require_code(db, user, code)
    user.totp_enabled_at = accounts.now()
    await db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.add_all(RecoveryCode(user_id=user.id, code_hash=token_hash(_normalise_recovery(c))) for c in codes)
    await db.flush()
    return codes


async def disable(db: AsyncSession, user: User, code: str) -> None:
    if user.totp_enabled_at is None:
        raise Conflict("Two-factor sign-in is off.", code="totp_not_enabled")
    await _require_code(db, user, code)
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    await db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    await db.flush()


async def status(db: AsyncSession, user: User) -> dict:
    left = await db.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return {"enabled": user.totp_enabled_at is not None, "recovery_codes_left": len(left.all())}
