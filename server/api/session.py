"""Signing in and out, the current user, personal API tokens."""

from __future__ import annotations

from server.api import schemas as s
from server.api.auth import SESSION_COOKIE, session_cookie
from server.api.framework import Context, changes, endpoint
from server.auth.tokens import csrf_token, device_cookie
from server.errors import Forbidden, NotFound
from server.services import accounts, identity_providers, profiles, signin
from server.services.views import iso, user_view

DEVICE_COOKIE = "cb_device"


def client_address(ctx: Context) -> str:
    # The peer, or the visitor's address as told by a proxy in CITYBRIDGE_TRUSTED_PROXIES (uvicorn
    # rewrites the peer only for those): a client cannot pick its address for the throttle.
    return ctx.request.client.host if ctx.request.client else "unknown"


def _device_cookie(settings, user_id: int) -> dict:
    return {
        "key": DEVICE_COOKIE,
        "value": device_cookie(settings.secret_key, user_id),
        "max_age": settings.device_cookie_days * 86400,
        "httponly": True,
        "samesite": "strict",
        "secure": settings.secure_cookies,
        "path": "/api/session",
    }


@endpoint(
    "POST",
    "/api/session",
    summary="Sign in with email and password",
    tag="session",
    auth="none",
    body=s.SignIn,
    response=s.SessionOut,
    errors=(401, 403, 429),
)
async def sign_in(ctx: Context):
    settings = ctx.settings
    await identity_providers.refuse_password_if_required(ctx.db, settings, ctx.body.email)
    user, device = await signin.authenticate(
        ctx.db,
        email=ctx.body.email,
        password=ctx.body.password,
        address=client_address(ctx),
        device_cookie=ctx.request.cookies.get(DEVICE_COOKIE),
        secret_key=settings.secret_key,
        limits=signin.Limits.from_settings(settings),
        totp_code=ctx.body.totp_code,  # two-factor (docs/identity.md)
    )
    token = await accounts.start_session(
        ctx.db,
        user,
        settings.session_days,
        user_agent=ctx.request.headers.get("user-agent"),  # for the person's list of devices
        address=client_address(ctx),
    )
    ctx.cookies.append(session_cookie(settings, token, settings.session_days * 86400))
    if device is None:  # this browser becomes a known device of the account
        ctx.cookies.append(_device_cookie(settings, user.id))
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
    return {**profiles.own_view(ctx.user), "csrf_token": csrf_token(ctx.settings.secret_key, token) if token else None}


@endpoint(
    "PATCH",
    "/api/me",
    summary="Change my name, UI locale or profile (office, position, languages, expertise, bio, time zone) "
    "and who sees each profile field",
    tag="session",
    body=s.ProfileChange,
    response=s.OwnProfileOut,
    rate="account",
)
async def change_me(ctx: Context):
    return profiles.own_view(await profiles.update_own(ctx.db, ctx.user, changes(ctx.body)))


def _token_view(token, secret: str | None = None) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "created_at": iso(token.created_at),
        "expires_at": iso(token.expires_at),
        "last_used_at": iso(token.last_used_at),
        "scopes": list(token.scopes),
        "token": secret,
    }


@endpoint(
    "POST",
    "/api/tokens",
    summary="Create a personal API token (shown once)",
    tag="session",
    body=s.TokenCreate,
    response=s.TokenOut,
    status=201,
    errors=(403, 422),
    rate="account",
)
async def create_token(ctx: Context):
    if ctx.caller.via == "bearer":
        # A leaked token must not be able to outlive its own revocation by minting others.
        raise Forbidden("API tokens cannot create tokens; sign in to create one.", code="token_cannot_mint")
    body = ctx.body
    token, secret = await accounts.create_api_token(
        ctx.db, ctx.user, body.name, body.scopes, body.expires_in_days, ctx.settings.token_max_days
    )
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
