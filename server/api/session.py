"""Signing in and out, the current user, personal API tokens."""

from __future__ import annotations

from server.api import schemas as s
from server.api.auth import SESSION_COOKIE, session_cookie
from server.api.framework import Context, changes, endpoint
from server.auth.tokens import csrf_token
from server.errors import NotFound
from server.services import accounts
from server.services.views import iso, user_view


def client_address(ctx: Context) -> str:
    return ctx.request.client.host if ctx.request.client else "unknown"


@endpoint(
    "POST",
    "/api/session",
    summary="Sign in with email and password",
    tag="session",
    auth="none",
    body=s.SignIn,
    response=s.SessionOut,
    errors=(401, 429),
)
async def sign_in(ctx: Context):
    settings = ctx.settings
    user = await accounts.authenticate(
        ctx.db,
        email=ctx.body.email,
        password=ctx.body.password,
        address=client_address(ctx),
        window_seconds=settings.login_window_seconds,
        max_per_account=settings.login_max_failures_per_account,
        max_per_address=settings.login_max_failures_per_address,
    )
    token = await accounts.start_session(ctx.db, user, settings.session_days)
    ctx.cookies.append(session_cookie(settings, token, settings.session_days * 86400))
    return {"user": user_view(user), "csrf_token": csrf_token(settings.secret_key, token)}


@endpoint("DELETE", "/api/session", summary="Sign out", tag="session", auth="optional", status=204)
async def sign_out(ctx: Context):
    if ctx.caller.session_token:
        await accounts.end_session(ctx.db, ctx.caller.session_token)
    ctx.cookies.append(
        {
            "key": SESSION_COOKIE,
            "value": "",
            "max_age": 0,
            "httponly": True,
            "samesite": "lax",
            "secure": ctx.settings.secure_cookies,
            "path": "/",
        }
    )


@endpoint(
    "GET",
    "/api/me",
    summary="The signed-in user (and the CSRF token of a cookie session)",
    tag="session",
    response=s.MeOut,
)
async def me(ctx: Context):
    token = ctx.caller.session_token
    return {**user_view(ctx.user), "csrf_token": csrf_token(ctx.settings.secret_key, token) if token else None}


@endpoint(
    "PATCH",
    "/api/me",
    summary="Change my name, position, languages or UI locale",
    tag="session",
    body=s.ProfileChange,
    response=s.UserOut,
    rate="account",
)
async def change_me(ctx: Context):
    user = await accounts.update_profile(ctx.db, ctx.user, changes(ctx.body))
    return user_view(user)


def _token_view(token, secret: str | None = None) -> dict:
    return {"id": token.id, "name": token.name, "created_at": iso(token.created_at), "token": secret}


@endpoint(
    "POST",
    "/api/tokens",
    summary="Create a personal API token (shown once)",
    tag="session",
    body=s.TokenCreate,
    response=s.TokenOut,
    status=201,
    rate="account",
)
async def create_token(ctx: Context):
    token, secret = await accounts.create_api_token(ctx.db, ctx.user, ctx.body.name)
    await ctx.db.refresh(token)
    return _token_view(token, secret)


@endpoint("GET", "/api/tokens", summary="My personal API tokens", tag="session", response=s.TokenList)
async def list_tokens(ctx: Context):
    return {"items": [_token_view(t) for t in await accounts.list_api_tokens(ctx.db, ctx.user)]}


@endpoint(
    "DELETE",
    "/api/tokens/{token_id:int}",
    summary="Revoke a personal API token",
    tag="session",
    status=204,
    errors=(404,),
    rate="account",
)
async def revoke_token(ctx: Context, token_id: int):
    if not await accounts.revoke_api_token(ctx.db, ctx.user, token_id):
        raise NotFound("No such token.")
