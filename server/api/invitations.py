"""Inviting officials into a space, and accepting an invitation."""

from __future__ import annotations

from server.api import schemas as s
from server.api.auth import session_cookie
from server.api.framework import Context, endpoint
from server.auth.tokens import csrf_token
from server.mail import transactional
from server.services import accounts, invitations
from server.services.views import user_view


@endpoint(
    "POST",
    "/api/invitations",
    summary="Invite an official to a space by email",
    tag="invitations",
    body=s.InvitationCreate,
    response=s.InvitationOut,
    status=201,
    errors=(403, 404, 409, 422),
    rate="invitation",
)
async def invite(ctx: Context):
    data = await invitations.invite(ctx.db, ctx.user, ctx.body.model_dump(), days=ctx.settings.invitation_days)
    await transactional.invitation(ctx.db, ctx.settings, ctx.user, data)  # the link is still answered too
    return data


@endpoint(
    "POST",
    "/api/invitations/{token}/accept",
    summary="Accept an invitation (new officials set name and password)",
    tag="invitations",
    auth="optional",
    body=s.InvitationAccept,
    response=s.SessionOut,
    errors=(401, 404, 409, 422),
)
async def accept(ctx: Context, token: str):
    user = await invitations.accept(
        ctx.db, token, name=ctx.body.name, password=ctx.body.password, signed_in=ctx.signed_in
    )
    session = ctx.caller.session_token
    if session is None:
        session = await accounts.start_session(ctx.db, user, ctx.settings.session_days)
        ctx.cookies.append(session_cookie(ctx.settings, session, ctx.settings.session_days * 86400))
    return {"user": user_view(user), "csrf_token": csrf_token(ctx.settings.secret_key, session)}


@endpoint(
    "GET",
    "/api/invitations/{token:token}",
    summary="What an invitation link invites to (for the accept screen)",
    tag="invitations",
    auth="optional",
    response=s.InvitationPreview,
    errors=(404, 405),  # 405: digits only are an invitation's id (DELETE), never a token
)
async def preview(ctx: Context, token: str):
    return await invitations.preview(ctx.db, token)


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/invitations",
    summary="Pending invitations of a space (moderators)",
    tag="invitations",
    response=s.InvitationList,
    errors=(403, 404),
)
async def list_pending(ctx: Context, space_id: int):
    return {"items": await invitations.list_pending(ctx.db, ctx.user, space_id)}


@endpoint(
    "DELETE",
    "/api/invitations/{invitation_id:int}",
    summary="Withdraw a pending invitation (moderators)",
    tag="invitations",
    status=204,
    errors=(403, 404, 405),  # 405: a token at this place is read with GET
    rate="invitation",
)
async def revoke(ctx: Context, invitation_id: int):
    await invitations.revoke(ctx.db, ctx.user, invitation_id)
