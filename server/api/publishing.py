"""Publishing practice records to the public knowledge base (docs/public.md)."""

from __future__ import annotations

from pydantic import Field

from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.errors import NotFound
from server.services import publishing


class PublicationOut(s.Answer):
    resource_id: int
    published: bool
    url: str | None = Field(description="The public page, absolute; it answers 410 Gone once unpublished")
    published_at: str | None
    unpublished_at: str | None


class NameConsent(s.Strict):
    public_name_consent: bool


class NameConsentOut(s.Answer):
    public_name_consent: bool


def _absolute(ctx: Context, view: dict) -> dict:
    if view["url"] is not None:
        origin = ctx.settings.public_origin or str(ctx.request.base_url).rstrip("/")
        view = {**view, "url": origin + view["url"]}
    return view


def _enabled(ctx: Context) -> None:
    if not ctx.settings.public_knowledge:
        raise NotFound("The public knowledge base is turned off on this server.")


@endpoint(
    "POST",
    "/api/resources/{resource_id:int}/publish",
    summary="Publish a reviewed practice record to the public knowledge base (moderators of its space)",
    tag="publishing",
    response=PublicationOut,
    errors=(403, 404, 422),
    rate="moderation",
)
async def publish(ctx: Context, resource_id: int):
    _enabled(ctx)
    return _absolute(ctx, await publishing.publish(ctx.db, ctx.user, resource_id))


@endpoint(
    "POST",
    "/api/resources/{resource_id:int}/unpublish",
    summary="Take a practice record off the public knowledge base; its page answers 410 Gone",
    tag="publishing",
    response=PublicationOut,
    errors=(403, 404, 422),
    rate="moderation",
)
async def unpublish(ctx: Context, resource_id: int):
    _enabled(ctx)
    return _absolute(ctx, await publishing.unpublish(ctx.db, ctx.user, resource_id))


@endpoint(
    "GET",
    "/api/resources/{resource_id:int}/publication",
    summary="Whether a resource is published, and its public address",
    tag="publishing",
    response=PublicationOut,
    errors=(404,),
)
async def publication(ctx: Context, resource_id: int):
    return _absolute(ctx, await publishing.status(ctx.db, ctx.user, resource_id))


@endpoint(
    "PUT",
    "/api/me/public-name-consent",
    summary="Consent (or not) to one's name being shown on public pages; without it: 'an official of <city>'",
    tag="publishing",
    body=NameConsent,
    response=NameConsentOut,
    errors=(422,),
    rate="account",
)
async def name_consent(ctx: Context):
    return await publishing.set_name_consent(ctx.db, ctx.user, ctx.body.public_name_consent)
