"""Password reset, notification preferences and one-click unsubscribe."""

from __future__ import annotations

from server.api import mail_schemas as m
from server.api.framework import Context, changes, endpoint
from server.api.session import client_address
from server.mail import preferences, status
from server.services import password_reset


@endpoint(
    "POST",
    "/api/password-reset",
    summary="Mail a password reset link (the answer is the same whether the address has an account)",
    tag="session",
    auth="none",
    body=m.PasswordResetRequest,
    response=m.Accepted,
    status=202,
    errors=(422, 429),
)
async def request_reset(ctx: Context):
    await password_reset.request(ctx.db, ctx.settings, ctx.body.email, client_address(ctx))
    return {"status": "accepted"}


@endpoint(
    "POST",
    "/api/password-reset/{token}",
    summary="Set a new password with a reset link (single use; ends every session and API token)",
    tag="session",
    auth="none",
    body=m.PasswordResetComplete,
    status=204,
    errors=(404, 422),
)
async def complete_reset(ctx: Context, token: str):
    await password_reset.complete(ctx.db, token, ctx.body.password)


@endpoint(
    "GET",
    "/api/me/notifications",
    summary="My mail notification preferences",
    tag="users",
    response=m.NotificationsOut,
)
async def get_notifications(ctx: Context):
    return await preferences.view(ctx.db, ctx.user)


@endpoint(
    "PATCH",
    "/api/me/notifications",
    summary="Change my mail notification preferences (per space: all, mentions, none; digest frequency)",
    tag="users",
    body=m.NotificationChange,
    response=m.NotificationsOut,
    errors=(422,),
    rate="account",
)
async def patch_notifications(ctx: Context):
    return await preferences.change(ctx.db, ctx.user, changes(ctx.body))


@endpoint(
    "POST",
    "/api/unsubscribe/{token}",
    summary="One-click unsubscribe from a mail's List-Unsubscribe link (RFC 8058; no session)",
    tag="users",
    auth="none",
    response=m.Unsubscribed,
    errors=(404,),
)
async def unsubscribe(ctx: Context, token: str):
    return await preferences.unsubscribe(ctx.db, ctx.settings.secret_key, token)


@endpoint(
    "GET",
    "/api/admin/mail",
    summary="Outgoing mail for admins: relay configured or not, waiting and failed mails, the relay's last error",
    tag="operations",
    response=m.MailStatus,
    errors=(403,),
)
async def mail_status(ctx: Context):
    sender = getattr(ctx.request.app.state, "mail_sender", None)
    return await status.for_admin(ctx.db, ctx.user, ctx.settings, lambda: sender.last_error if sender else None)
