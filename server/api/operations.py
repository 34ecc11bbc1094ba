"""Probes and the API description."""

from __future__ import annotations

from sqlalchemy import text

from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.api.openapi import document
from server.errors import Unavailable
from server.observability import readiness


class Readiness(s.Answer):
    status: str
    checks: dict[str, str]
    details: dict[str, dict] = {}


@endpoint("GET", "/healthz", summary="The process is up", tag="operations", auth="none", response=s.Health)
async def healthz(ctx: Context):
    return {"status": "ok"}


@endpoint(
    "GET",
    "/readyz",
    summary="The database and every registered part (search engine, indexer) answer",
    tag="operations",
    auth="none",
    response=Readiness,
    errors=(503,),
)
async def readyz(ctx: Context):
    async def database() -> None:
        await ctx.db.execute(text("SELECT 1"))

    parts = {"database": database, **readiness.checks(ctx.request.app)}
    failures = {name: why for name, check in parts.items() if (why := await readiness.run(name, check))}
    if failures:
        raise Unavailable(
            "Not ready: " + ", ".join(sorted(failures)) + ".",
            code="not_ready",
            fields=failures,
            headers={"Retry-After": "5"},
        )
    details = await readiness.details(ctx.request.app)
    return {"status": "ok", "checks": {name: "ok" for name in parts}, "details": details}


@endpoint("GET", "/api/openapi.json", summary="This document", tag="operations", auth="none")
async def openapi(ctx: Context):
    return document()
