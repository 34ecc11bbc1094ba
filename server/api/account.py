"""A person's own security (password, signed-in devices, two-factor) and admins cutting someone off."""

from __future__ import annotations

from server.api import mail_schemas as m
from server.api.auth import totp_required
from server.api.framework import Context, endpoint
from server.api.schemas import identity as si
from server.mail import email_change
from server.services import sessions, twofactor


@endpoint(
    "POST",
    "/api/me/password",
    summary="Change my password (the current one is required); optionally sign out everywhere else",
    tag="account",
    body=si.PasswordChange,
    response=si.PasswordChanged,
    errors=(422,),
    rate="account",
)
async def change_password(ctx: Context[si.PasswordChange, None]):
    body = ctx.body
    ended = await sessions.change_password(
        ctx.db,
        ctx.user,
        body.current_password,
        body.new_password,
        sign_out_others=body.sign_out_others,
        keep_session=ctx.caller.session_token,
    )
    return {"signed_out": ended}


@endpoint("GET", "/api/me/sessions", summary="My signed-in devices", tag="account", response=si.DeviceSessionList)
async def list_sessions(ctx: Context):
    return {"items": await sessions.list_sessions(ctx.db, ctx.user, ctx.caller.session_token)}


@endpoint(
    "DELETE",
    "/api/me/sessions/{session_id:int}",
    summary="Sign out one of my devices (its open connections close)",
    tag="account",
    status=204,
    errors=(404,),
    rate="account",
)
async def end_session(ctx: Context, session_id: int):
    await sessions.end_session(ctx.db, ctx.user, session_id)


async def _account_state(user) -> dict:
    return {"id": user.id, "deactivated": user.deactivated_at is not None}


@endpoint(
    "POST",
    "/api/users/{user_id:int}/deactivate",
    summary="Deactivate a person (admins): every session, token and connection ends at once, on every node",
    tag="users",
    body=si.AccountAction,
    response=si.AccountState,
    errors=(403, 404, 409),
    rate="manage",
)
async def deactivate(ctx: Context[si.AccountAction, None], user_id: int):
    return await _account_state(await sessions.deactivate(ctx.db, ctx.user, user_id, ctx.body.reason))


@endpoint(
    "POST",
    "/api/users/{user_id:int}/reactivate",
    summary="Let a deactivated person sign in again (admins); their old sessions and tokens stay ended",
    tag="users",
    body=si.AccountAction,
    response=si.AccountState,
    errors=(403, 404, 409),
    rate="manage",
)
async def reactivate(ctx: Context[si.AccountAction, None], user_id: int):
    return await _account_state(await sessions.reactivate(ctx.db, ctx.user, user_id, ctx.body.reason))


@endpoint("GET", "/api/me/totp", summary="Is two-factor sign-in on for me", tag="account", response=si.TotpStatus)
async def totp_status(ctx: Context):
    return {**await twofactor.status(ctx.db, ctx.user), "required": totp_required(ctx.user, ctx.settings)}


@endpoint(
    "POST",
    "/api/me/totp",
    summary="Start two-factor enrolment: a new secret, its otpauth URI and QR code (not in force until confirmed)",
    tag="account",
    response=si.TotpEnrolment,
    errors=(409,),
    rate="totp",
)
async def start_totp(ctx: Context):
    return await twofactor.start_enrolment(ctx.db, ctx.user)


@endpoint(
    "POST",
    "/api/me/totp/confirm",
    summary="Turn two-factor sign-in on with a code from the app; answers the recovery codes, once",
    tag="account",
    body=si.TotpCode,
    response=si.RecoveryCodes,
    errors=(409, 422),
    rate="totp",
)
async def confirm_totp(ctx: Context[si.TotpCode, None]):
    return {"recovery_codes": await twofactor.confirm(ctx.db, ctx.user, ctx.body.code)}


@endpoint(
    "DELETE",
    "/api/me/totp",
    summary="Turn two-factor sign-in off (a current code or a recovery code is required)",
    tag="account",
    body=si.TotpCode,
    status=204,
    errors=(409, 422),
    rate="totp",
)
async def disable_totp(ctx: Context[si.TotpCode, None]):
    await twofactor.disable(ctx.db, ctx.user, ctx.body.code)


@endpoint(
    "POST",
    "/api/me/email",
    summary="Change my email: the password is required; a link goes to the new address (the change happens "
    "when it is used) and a notice to the current one",
    tag="account",
    body=m.EmailChangeRequest,
    response=m.Accepted,
    status=202,
    errors=(409, 422, 429),
    rate="account",
)
async def request_email_change(ctx: Context[m.EmailChangeRequest, None]):
    await email_change.request(ctx.db, ctx.settings, ctx.user, ctx.body.new_email, ctx.body.password)
    return {"status": "sent"}


@endpoint(
    "POST",
    "/api/email-change/{token}",
    summary="Confirm an email change with the link mailed to the new address (single use, short-lived)",
    tag="session",
    auth="none",
    response=m.EmailChanged,
    errors=(404, 409),
)
async def confirm_email_change(ctx: Context, token: str):
    user = await email_change.confirm(ctx.db, token)
    return {"email": user.email}
