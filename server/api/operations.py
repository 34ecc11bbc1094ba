"""Probes and the API description."""

from __future__ import annotations

from sqlalchemy import text

from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.api.openapi import document
from server.errors import Unavailable


@endpoint("GET", "/healthz", summary="The process is up", tag="operations", auth="none", response=s.Health)
async def healthz(ctx: Context):
    return {"status": "ok"}


@endpoint("GET", "/readyz", summary="The database answers", tag="operations", auth="none", response=s.Health,
          errors=(503,))
async def readyz(ctx: Context):
    try:
        await ctx.db.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the database means "not ready"
        raise Unavailable(f"The database is not reachable: {type(error).__name__}") from None
    return {"status": "ok"}


@endpoint("GET", "/api/openapi.json", summary="This document", tag="operations", auth="none")
async def openapi(ctx: Context):
    return document()
