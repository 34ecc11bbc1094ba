"""Direct conversations between people, and blocking someone from starting them (docs/people.md)."""

from __future__ import annotations

from server import filetypes, storage
from server.api import paging, uploads
from server.api import schemas as s
from server.api.blobs import blob_response
from server.api.framework import Context, endpoint
from server.api.library import content_disposition
from server.errors import Invalid, NotFound, problem
from server.services import conversation_files, conversations, direct_messages, direct_reports


@endpoint(
    "POST",
    "/api/conversations",
    summary="Start a conversation with up to 9 people (an untitled one-to-one that exists already is "
    "answered again, 200)",
    tag="conversations",
    body=s.ConversationCreate,
    response=s.ConversationOut,
    status=201,
    errors=(403, 422, 429),
    rate="conversation",
)
async def start_conversation(ctx: Context[s.ConversationCreate]):
    view, created = await conversations.start(ctx.db, ctx.user, ctx.body.participant_ids, ctx.body.title)
    ctx.status = 201 if created else 200
    return view


@endpoint(
    "GET",
    "/api/conversations",
    summary="My conversations, most recently active first, with unread counts",
    tag="conversations",
    response=s.ConversationList,
)
async def list_conversations(ctx: Context):
    return {"items": await conversations.list_mine(ctx.db, ctx.user)}


@endpoint(
    "GET",
    "/api/conversations/{conversation_id:int}",
    summary="One of my conversations (only participants: anyone else, admins included, gets 404)",
    tag="conversations",
    response=s.ConversationOut,
    errors=(404,),
)
async def get_conversation(ctx: Context, conversation_id: int):
    return await conversations.get(ctx.db, ctx.user, conversation_id)


@endpoint(
    "GET",
    "/api/conversations/{conversation_id:int}/messages",
    summary="Messages of a conversation in id order: the newest page, or forward/backward from a cursor",
    tag="conversations",
    query=s.MessagePage,
    response=s.DirectMessagePage,
    errors=(400, 404),
)
async def list_messages(ctx: Context[None, s.MessagePage], conversation_id: int):
    secret, q = ctx.settings.secret_key, ctx.query
    after, before = paging.message_window(secret, q, first_after=0)
    items = await conversations.list_messages(
        ctx.db, ctx.user, conversation_id, after=after, before=before, limit=q.limit
    )
    return paging.message_page(secret, q, items)


@endpoint(
    "POST",
    "/api/conversations/{conversation_id:int}/messages",
    summary="Post a message; the same client_id twice creates one message",
    tag="conversations",
    body=s.MessageCreate,
    response=s.DirectMessageOut,
    status=201,
    errors=(404, 409, 422, 429),
    rate="post",
    replayable=True,
)
async def post_message(ctx: Context[s.MessageCreate], conversation_id: int):
    body, max_chars = ctx.body, ctx.settings.message_max_chars
    message, created = await conversations.post(
        ctx.db, ctx.user, conversation_id, body.body, body.client_id, max_chars=max_chars
    )
    ctx.replayed = not created
    ctx.status = 201 if created else 200
    return message


@endpoint(
    "PUT",
    "/api/conversations/{conversation_id:int}/read",
    summary="Move my read position forward to this message",
    tag="conversations",
    body=s.ConversationReadMark,
    response=s.ConversationOut,
    errors=(404, 422, 429),
    rate="read",
)
async def mark_read(ctx: Context[s.ConversationReadMark], conversation_id: int):
    return await conversations.mark_read(ctx.db, ctx.user, conversation_id, ctx.body.last_read_message_id)


@endpoint(
    "DELETE",
    "/api/conversations/{conversation_id:int}/participants/me",
    summary="Leave a conversation: from then on it does not exist for me",
    tag="conversations",
    status=204,
    errors=(404, 429),
    rate="edit",
)
async def leave(ctx: Context, conversation_id: int):
    await conversations.leave(ctx.db, ctx.user, conversation_id)


@endpoint(
    "PUT",
    "/api/people/{person_id:int}/block",
    summary="Block a person from starting conversations with me",
    tag="people",
    response=s.BlockOut,
    errors=(404, 422, 429),
    rate="account",
)
async def block(ctx: Context, person_id: int):
    return await conversations.set_block(ctx.db, ctx.user, person_id, blocked=True)


@endpoint(
    "DELETE",
    "/api/people/{person_id:int}/block",
    summary="Unblock a person",
    tag="people",
    response=s.BlockOut,
    errors=(404, 422, 429),
    rate="account",
)
async def unblock(ctx: Context, person_id: int):
    return await conversations.set_block(ctx.db, ctx.user, person_id, blocked=False)


@endpoint(
    "PATCH",
    "/api/conversations/{conversation_id:int}/messages/{message_id:int}",
    summary="Edit my direct message (only its author, like a thread's message)",
    tag="conversations",
    body=s.MessageChange,
    response=s.DirectMessageOut,
    errors=(403, 404, 422, 429),
    rate="edit",
)
async def edit_message(ctx: Context[s.MessageChange], conversation_id: int, message_id: int):
    max_chars = ctx.settings.message_max_chars
    return await direct_messages.edit(ctx.db, ctx.user, conversation_id, message_id, ctx.body.body, max_chars=max_chars)


@endpoint(
    "DELETE",
    "/api/conversations/{conversation_id:int}/messages/{message_id:int}",
    summary="Delete my direct message (only its author: nobody else, admins included)",
    tag="conversations",
    status=204,
    errors=(403, 404, 429),
    rate="edit",
)
async def delete_message(ctx: Context, conversation_id: int, message_id: int):
    await direct_messages.delete(ctx.db, ctx.user, conversation_id, message_id)


@endpoint(
    "PUT",
    "/api/conversations/{conversation_id:int}/messages/{message_id:int}/reactions/{emoji}",
    summary="React to a direct message",
    tag="conversations",
    response=s.ReactionsOut,
    errors=(404, 422, 429),
    rate="reaction",
)
async def add_reaction(ctx: Context, conversation_id: int, message_id: int, emoji: str):
    return await direct_messages.react(ctx.db, ctx.user, conversation_id, message_id, emoji, add=True)


@endpoint(
    "DELETE",
    "/api/conversations/{conversation_id:int}/messages/{message_id:int}/reactions/{emoji}",
    summary="Take back my reaction to a direct message",
    tag="conversations",
    response=s.ReactionsOut,
    errors=(404, 422, 429),
    rate="reaction",
)
async def remove_reaction(ctx: Context, conversation_id: int, message_id: int, emoji: str):
    return await direct_messages.react(ctx.db, ctx.user, conversation_id, message_id, emoji, add=False)


@endpoint(
    "POST",
    "/api/conversations/{conversation_id:int}/files",
    summary="Post a file into a conversation (multipart/form-data: `file`, optional `body`): its type is read "
    "from its content, as for the library; it arrives as a direct message with `file`",
    tag="conversations",
    form=s.DirectFileForm,
    response=s.DirectMessageOut,
    status=201,
    errors=(400, 404, 413, 422, 429),
    rate="upload",
)
async def post_file(ctx: Context, conversation_id: int):
    await conversations.access(ctx.db, ctx.user, conversation_id)  # before reading a byte of the file
    store = storage.from_settings(ctx.settings)
    upload = await uploads.receive(ctx.request, store, max_bytes=ctx.settings.upload_max_bytes)
    blob = upload.blob
    try:
        unknown = set(upload.fields) - {"body"}
        if unknown or len(upload.fields.get("body", [])) > 1:
            bad = sorted(unknown) or ["body"]
            raise Invalid("Send the file and at most one body.", fields={k: problem("unknown_field") for k in bad})
        detected, name = await uploads.checked_file(upload)
        message = await conversation_files.post(
            ctx.db,
            ctx.user,
            conversation_id,
            key=blob.key(),
            name=name,
            size=blob.size,
            content_type=detected.content_type,
            body=(upload.fields.get("body") or [""])[0],
            max_chars=ctx.settings.message_max_chars,
        )
        blob.commit()
    except BaseException:
        blob.discard()
        raise
    return message


@endpoint(
    "GET",
    "/api/conversations/{conversation_id:int}/files/{file_id:int}",
    summary="Download a file of a conversation (current participants only: anyone else, admins included, gets 404)",
    tag="conversations",
    errors=(404,),
)
async def download_file(ctx: Context, conversation_id: int, file_id: int):
    file = await conversation_files.open_download(ctx.db, ctx.user, conversation_id, file_id)
    store = storage.from_settings(ctx.settings)
    if not store.exists(file.key):
        raise NotFound("The file is missing from storage.", code="file_missing")
    media_type = file.content_type + ("; charset=utf-8" if file.content_type in (filetypes.TEXT, filetypes.CSV) else "")
    disposition = {"Content-Disposition": content_disposition(file.name)}
    return blob_response(store, file.key, media_type, "private, max-age=0, must-revalidate", **disposition)


@endpoint(
    "POST",
    "/api/conversations/{conversation_id:int}/messages/{message_id:int}/report",
    summary="Report someone's direct message to the platform admins: they see that message, its author, "
    "the reason and me, nothing else of the conversation (the same report twice while open: 200)",
    tag="conversations",
    body=s.DirectReportCreate,
    response=s.DirectReportOut,
    status=201,
    errors=(404, 422, 429),
    rate="flag",
)
async def report_message(ctx: Context[s.DirectReportCreate], conversation_id: int, message_id: int):
    view, created = await direct_reports.report(ctx.db, ctx.user, conversation_id, message_id, ctx.body.reason)
    ctx.status = 201 if created else 200
    return view


@endpoint(
    "GET",
    "/api/conversation-reports",
    summary="Reported direct messages, newest first (platform admins): each shows only the reported message",
    tag="conversations",
    query=s.DirectReportQuery,
    response=s.DirectReportList,
    errors=(400, 403),
)
async def list_reports(ctx: Context[None, s.DirectReportQuery]):
    return {"items": await direct_reports.list_reports(ctx.db, ctx.user, ctx.query.state)}


@endpoint(
    "POST",
    "/api/conversation-reports/{report_id:int}/resolve",
    summary="Resolve or dismiss a reported direct message (platform admins)",
    tag="conversations",
    body=s.DirectReportResolve,
    response=s.DirectReportOut,
    errors=(403, 404, 409, 422, 429),
    rate="moderation",
)
async def resolve_report(ctx: Context[s.DirectReportResolve], report_id: int):
    return await direct_reports.resolve(ctx.db, ctx.user, report_id, ctx.body.action, ctx.body.note)
