"""Each person's own data: take it away (export), or take themselves away (erasure)."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from server import storage
from server.api.auth import SESSION_COOKIE
from server.api.framework import Context, endpoint
from server.api.responses import JsonResponse
from server.api.schemas import identity as si
from server.services import data_export, erasure


@endpoint(
    "POST",
    "/api/me/export",
    summary="Start building a zip of everything about me; the answer says where to follow it",
    tag="account",
    response=si.ExportOut,
    status=202,
    rate="account",
)
async def start_export(ctx: Context):
    export, new = await data_export.start(ctx.db, ctx.user, ctx.settings.export_hours)
    answer = data_export.view(export)
    await ctx.db.commit()  # the builder, run after the answer, must find the row
    app = ctx.request.app
    task = (
        BackgroundTask(
            data_export.build,
            app.state.sessions,
            storage.from_settings(ctx.settings),
            ctx.settings.data_dir,
            export.id,
        )
        if new
        else None
    )
    return JsonResponse(answer, status_code=202, headers={"Location": answer["url"]}, background=task)


@endpoint(
    "GET",
    "/api/me/export/{export_id:int}",
    summary="The state of my export, and its single-use download link once ready",
    tag="account",
    response=si.ExportOut,
    errors=(404,),
)
async def export_state(ctx: Context, export_id: int):
    return data_export.view(await data_export.find(ctx.db, ctx.user, export_id))


def _remove(path) -> None:
    path.unlink(missing_ok=True)


@endpoint(
    "GET",
    "/api/me/export/{export_id:int}/download",
    summary="Download my export as a zip: once, by me only, before it expires",
    tag="account",
    response=None,
    errors=(404, 409),
    writes=True,  # the single-use link is spent, under the export's row lock
)
async def download_export(ctx: Context, export_id: int):
    path = await data_export.claim_download(ctx.db, ctx.user, export_id, ctx.settings.data_dir)
    await ctx.db.commit()  # spent before a byte leaves, so a second request cannot also get it
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"citybridge-export-{export_id}.zip",
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(_remove, path),
    )


@endpoint(
    "DELETE",
    "/api/me",
    summary='Erase my account: I become a "former member", and every session and token ends',
    tag="account",
    body=si.Erase,
    status=204,
    errors=(409, 422),
    rate="account",
)
async def erase_me(ctx: Context[si.Erase, None]):
    await erasure.erase(ctx.db, ctx.user, ctx.body.password, remove_bodies=ctx.settings.erasure_removes_bodies)
    ctx.cookies.append({"key": SESSION_COOKIE, "value": "", "max_age": 0, "httponly": True, "path": "/"})
