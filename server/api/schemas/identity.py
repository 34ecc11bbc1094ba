"""A person's own security and data: password, sessions, two-factor, export and erasure."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from server.api.schemas.base import Answer, Password, Strict

CurrentPassword = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=32)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class PasswordChange(Strict):
    current_password: CurrentPassword
    new_password: Password
    sign_out_others: bool = False


class PasswordChanged(Answer):
    signed_out: int = Field(description="Other sessions and API tokens that ended")


class DeviceSession(Answer):
    id: int
    browser: str = Field(description='Read from the User-Agent, e.g. "Firefox on Windows"')
    user_agent: str | None
    address: str | None
    created_at: str
    last_used_at: str | None
    expires_at: str
    current: bool = Field(description="The session making this request")


class DeviceSessionList(Answer):
    items: list[DeviceSession]


class AccountAction(Strict):
    reason: Reason = ""


class AccountState(Answer):
    id: int
    deactivated: bool


class TotpEnrolment(Answer):
    secret: str = Field(description="Base32, for typing into an authenticator app")
    otpauth_uri: str
    qr_svg: str = Field(description="The otpauth URI as a QR code: an SVG data: URI for an <img>")


class TotpCode(Strict):
    code: Code


class RecoveryCodes(Answer):
    recovery_codes: list[str] = Field(description="Shown this once; each works once instead of a code")


class TotpStatus(Answer):
    enabled: bool
    recovery_codes_left: int
    required: bool = Field(description="The platform or the person's city requires two-factor sign-in")


class ExportOut(Answer):
    id: int
    state: Literal["pending", "ready", "failed", "downloaded", "expired"]
    progress: int = Field(description="Percent done")
    created_at: str
    expires_at: str
    url: str = Field(description="Where to ask for its state")
    download_url: str | None = Field(description="When ready: a single-use link, for this person only")


class Erase(Strict):
    password: CurrentPassword
