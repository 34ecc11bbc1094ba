"""Publishing practice records to the public knowledge base (docs/public.md)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.api import practice_links  # noqa: F401  (registers a practice's attachment and translation routes)
from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.errors import NotFound
from server.services import publishing


class PublicationOut(s.Answer):
    kind: str = Field(description="resource, collection or thread")
    id: int
    published: bool
    url: str | None = Field(description="The public page, absolute; it answers 410 Gone once unpublished")
    published_at: str | None = None
    unpublished_at: str | None = None
    attachment_ids: list[int] | None = Field(
        None, description="Practice records: the attached documents the public may download (while published)"
    )


class PublishPractice(s.Strict):
    """Optional: leave the body out to publish the practice with all its current attachments."""

    attachment_ids: Annotated[
        list[s.Id],
        Field(
            max_length=200,
            description="The attached documents to publish with the practice, each one of its current "
            "attachments; [] for none. Publishing again while published changes only this choice.",
        ),
    ]


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


WHAT = {
    "resource": ("resources", "resource_id", "a reviewed practice record"),
    "collection": ("collections", "collection_id", "a collection (its published practices only)"),
    "thread": ("threads", "thread_id", "a thread as a read-only page (consenting authors' visible messages only)"),
}


def _named(name: str, handler):
    handler.__name__ = handler.__qualname__ = name  # one operationId per route in the OpenAPI document
    return handler


def _routes(kind: str) -> None:
    plural, param, what = WHAT[kind]
    base = f"/api/{plural}/{{{param}:int}}"

    async def publish(ctx: Context, **ids: int):
        _enabled(ctx)
        chosen = ctx.body.attachment_ids if ctx.body is not None else None
        return _absolute(ctx, await publishing.publish(ctx.db, ctx.user, kind, ids[param], attachment_ids=chosen))

    async def unpublish(ctx: Context, **ids: int):
        _enabled(ctx)
        return _absolute(ctx, await publishing.unpublish(ctx.db, ctx.user, kind, ids[param]))

    async def publication(ctx: Context, **ids: int):
        return _absolute(ctx, await publishing.status(ctx.db, ctx.user, kind, ids[param]))

    common = {"tag": "publishing", "response": PublicationOut}
    endpoint(
        "POST",
        f"{base}/publish",
        summary=f"Publish {what} to the public knowledge base (moderators of its space)",
        errors=(403, 404, 422),
        rate="moderation",
        body=PublishPractice if kind == "resource" else None,
        body_optional=True,
        **common,
    )(_named(f"publish_{kind}", publish))
    endpoint(
        "POST",
        f"{base}/unpublish",
        summary=f"Take {what} off the public knowledge base; its page answers 410 Gone",
        errors=(403, 404, 422),
        rate="moderation",
        **common,
    )(_named(f"unpublish_{kind}", unpublish))
    endpoint("GET", f"{base}/publication", summary=f"Whether {what} is published, and where", errors=(404,), **common)(
        _named(f"{kind}_publication", publication)
    )


for _kind in WHAT:
    _routes(_kind)


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
