"""The concepts platform admins add to the search vocabulary (server/services/search_vocabulary.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from server.api.framework import Context, endpoint
from server.api.schemas.base import Strict
from server.api.schemas.exact import Integral
from server.services import search_vocabulary


class Editor(BaseModel):
    id: int
    name: str


class VocabularyOut(BaseModel):
    source: str = Field(description="the admins' concepts, in the format of search/data/vocabulary/core.txt")
    version: int = Field(description="grows with each save; send it back with a change")
    concepts: int
    labels: int
    shipped_concepts: int = Field(description="concepts shipped with Citybridge and in the operator's file")
    updated_at: str | None
    updated_by: Editor | None


class VocabularyChange(Strict):
    source: Annotated[str, StringConstraints(max_length=search_vocabulary.MAX_SOURCE_CHARS)]
    version: Annotated[int, Field(ge=0, le=2**31 - 1), Integral] = Field(
        description="the version this change was made from: 409 if another admin saved since"
    )


@endpoint(
    "GET",
    "/api/search/vocabulary",
    summary="The concepts admins added to the search vocabulary (admins)",
    tag="search",
    response=VocabularyOut,
    errors=(403,),
)
async def get_vocabulary(ctx: Context):
    return await search_vocabulary.view(ctx.db, ctx.user, ctx.settings.search_vocabulary)


@endpoint(
    "PUT",
    "/api/search/vocabulary",
    summary="Replace the concepts admins added to the search vocabulary (admins); every node uses them within seconds",
    tag="search",
    body=VocabularyChange,
    response=VocabularyOut,
    errors=(403, 409),
    rate="manage",
)
async def put_vocabulary(ctx: Context[VocabularyChange]):
    saved = await search_vocabulary.save(
        ctx.db, ctx.user, ctx.settings.search_vocabulary, ctx.body.source, ctx.body.version
    )
    await ctx.db.commit()
    await ctx.request.app.state.vocabulary_watch.refresh_quietly()  # this node at once; the others poll
    return saved
