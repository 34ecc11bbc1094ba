"""Single sign-on: the identity providers admins manage, the buttons of the sign-in page, and the
two browser routes of the OpenID Connect flow (docs/identity.md).

`/auth/oidc/{name}` sends the browser to the provider; `/auth/oidc/{name}/callback` is where it
comes back. A failure never signs anyone in: it is logged with its reason and the browser lands
on the sign-in screen with `?sso_error=<code>`, which the screen translates.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from server.api import oidc_schemas as o
from server.api.auth import session_cookie
from server.api.framework import Context, changes, endpoint
from server.auth.oidc import SsoFailure
from server.services import accounts, identity_providers, oidc
from server.services.identity_providers import all_providers

log = logging.getLogger(__name__)
STATE_COOKIE = "cb_sso_state"


@endpoint(
    "GET",
    "/api/identity-providers/public",
    summary="The single sign-on providers the sign-in page offers",
    tag="session",
    auth="none",
    response=o.ProviderButtons,
)
async def public_providers(ctx: Context):
    providers = await all_providers(ctx.db, ctx.settings)
    return {"items": [{"name": p.name, "url": f"/auth/oidc/{p.name}"} for p in providers]}


@endpoint(
    "GET",
    "/api/identity-providers",
    summary="Identity providers (admins)",
    tag="admin",
    response=o.ProviderList,
    errors=(403,),
)
async def list_providers(ctx: Context):
    return {"items": await identity_providers.list_for_admin(ctx.db, ctx.settings, ctx.user)}


@endpoint(
    "POST",
    "/api/identity-providers",
    summary="Add an identity provider (admins)",
    tag="admin",
    body=o.ProviderCreate,
    response=o.ProviderOut,
    status=201,
    errors=(403, 409, 422),
    rate="account",
)
async def create_provider(ctx: Context[o.ProviderCreate]):
    return await identity_providers.create(ctx.db, ctx.settings, ctx.user, ctx.body.model_dump())


@endpoint(
    "PATCH",
    "/api/identity-providers/{provider_id:int}",
    summary="Change an identity provider (admins)",
    tag="admin",
    body=o.ProviderChange,
    response=o.ProviderOut,
    errors=(403, 404, 409, 422),
    rate="account",
)
async def change_provider(ctx: Context[o.ProviderChange], provider_id: int):
    return await identity_providers.update(ctx.db, ctx.settings, ctx.user, provider_id, changes(ctx.body))


@endpoint(
    "DELETE",
    "/api/identity-providers/{provider_id:int}",
    summary="Remove an identity provider (admins)",
    tag="admin",
    status=204,
    errors=(403, 404),
    rate="account",
)
async def delete_provider(ctx: Context, provider_id: int):
    await identity_providers.delete(ctx.db, ctx.user, provider_id)


# --- the browser's round trip through the provider ----------------------------------


def _callback_url(request: Request, name: str) -> str:
    origin = request.app.state.settings.public_origin or str(request.base_url).rstrip("/")
    return f"{origin}/auth/oidc/{quote(name)}/callback"


def _refused(name: str, failure: SsoFailure) -> RedirectResponse:
    log.warning("single sign-on through %r refused: %s (%s)", name, failure.code, failure.reason)
    response = RedirectResponse(f"/signin?sso_error={failure.code}", status_code=303)
    response.delete_cookie(STATE_COOKIE, path="/auth/oidc")
    return response


async def start(request: Request) -> RedirectResponse:
    name = request.path_params["name"]
    settings = request.app.state.settings
    async with request.app.state.sessions() as db:
        try:
            url, state = await oidc.begin(db, settings, name, _callback_url(request, name))
        except SsoFailure as failure:
            return _refused(name, failure)
        await db.commit()
    response = RedirectResponse(url, status_code=303)
    # Lax: the provider sends the browser back with a top-level GET, which carries it.
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=oidc.LOGIN_MINUTES * 60,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/auth/oidc",
    )
    return response


async def callback(request: Request) -> RedirectResponse:
    name = request.path_params["name"]
    settings = request.app.state.settings
    query = {key: request.query_params.get(key) for key in ("state", "code", "error")}
    async with request.app.state.sessions() as db:
        try:
            user = await oidc.finish(
                db, settings, name, query, request.cookies.get(STATE_COOKIE), _callback_url(request, name)
            )
        except SsoFailure as failure:
            await db.commit()  # the state is used up even so: a replay finds nothing
            return _refused(name, failure)
        token = await accounts.start_session(db, user, settings.session_days)
        await db.commit()
    log.info("user %s signed in through %r", user.id, name)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(**session_cookie(settings, token, settings.session_days * 86400))
    response.delete_cookie(STATE_COOKIE, path="/auth/oidc")
    return response


def browser_routes() -> list[Route]:
    """Mounted before the browser app, whose catch-all would otherwise answer these paths."""
    return [
        Route("/auth/oidc/{name}", start, methods=["GET"], name="sso start"),
        Route("/auth/oidc/{name}/callback", callback, methods=["GET"], name="sso callback"),
    ]
