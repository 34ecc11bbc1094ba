"""A small declarative layer over Starlette routes.

Each endpoint declares its method, path, who may call it, and the pydantic
models of its query, body and answer. From that one declaration come input
validation (always in the error shape of DESIGN.md), authentication, CSRF,
the database transaction, and the OpenAPI document, which therefore cannot
drift from what the code does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic

from pydantic import BaseModel, RootModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from typing_extensions import TypeVar

from server.api import limits, validation
from server.api.auth import Caller, authenticate_request, check_totp_policy
from server.api.cross_site import UNSAFE, check_request_origin_and_type, is_multipart
from server.api.responses import JsonResponse
from server.config import Settings
from server.db import driver
from server.db.engine import has_work
from server.db.models import User
from server.errors import (
    BadRequest,
    Invalid,
    PayloadTooLarge,
    Problem,
    Unauthorized,
    problem,
)
from server.services import ratelimit

# Any by default: a handler that has not yet named its models stays unchecked rather than wrong.
BodyT = TypeVar("BodyT", default=Any)
QueryT = TypeVar("QueryT", default=Any)


@dataclass
class Context(Generic[BodyT, QueryT]):
    """What a handler gets. `Context[s.MessageCreate, s.Page]` types `body` and `query` as the
    endpoint's declared models; `None` where it declares none."""

    request: Request
    db: AsyncSession
    caller: Caller
    body: BodyT = None  # type: ignore[assignment]
    query: QueryT = None  # type: ignore[assignment]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[dict] = field(default_factory=list)
    # A handler sets this when the request repeated work already done (an idempotent retry):
    # a `replayable` endpoint's rate limit does not count it.
    replayed: bool = False
    # A `replayable` endpoint's handler may count the request itself (count_now), before it writes,
    # once it knows the request is no retry: its writes may then commit on their own (messages.post).
    counted: bool = False
    endpoint: Endpoint | None = None

    @property
    def user(self) -> User:
        """The signed-in user: endpoints with auth="user" only (the framework has checked)."""
        if self.caller.user is None:
            raise Unauthorized("Sign in first.", code="not_signed_in")
        return self.caller.user

    @property
    def signed_in(self) -> User | None:
        """The user if signed in, for endpoints with auth="optional"."""
        return self.caller.user

    @property
    def settings(self) -> Settings:
        return self.request.app.state.settings

    async def count_now(self) -> None:
        """Count the request against its endpoint's rate limit now, committed at once (429 if over),
        instead of after the handler; call it before writing anything."""
        await _count(self, self.endpoint, alone=True)
        self.counted = True


Handler = Callable[..., Awaitable[Any]]


@dataclass
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: str  # "user": signed in; "optional"; "none"
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    errors: tuple[int, ...]
    raw_body: bool = False
    # A multipart/form-data alternative to the JSON body: the handler reads the stream itself
    # (ctx.request); the model only documents the form fields in the OpenAPI document.
    form: type[BaseModel] | None = None
    # The named limit of server/services/ratelimit.py this endpoint counts against (see _count).
    rate: str | None = None
    # The limit of the multipart alternative (`form`), when it differs: an upload is not a link.
    form_rate: str | None = None
    # Counted after the handler, unless it set ctx.replayed: an idempotent retry is free.
    replayable: bool = False
    # The JSON body may be left out (empty): the handler then gets ctx.body None.
    body_optional: bool = False

    # A GET that writes (a row made on first use): it runs in a transaction like any write.
    writes: bool = False

    @property
    def reads_only(self) -> bool:
        """A GET that declares no write: its session refuses to write (server/db/engine.py
        read_session_factory). A GET's rate-limit count is one raw statement that commits by itself."""
        return self.method == "GET" and not self.writes


ENDPOINTS: list[Endpoint] = []


def endpoint(
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    auth: str = "user",
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    raw_body: bool = False,
    form: type[BaseModel] | None = None,
    rate: str | None = None,
    form_rate: str | None = None,
    replayable: bool = False,
    body_optional: bool = False,
    writes: bool = False,
):
    for name in (rate, form_rate):
        if name is not None and name not in ratelimit.LIMITS:
            raise ValueError(f"{method} {path}: no rate limit named {name!r} in server/services/ratelimit.py")
    if rate is not None and 429 not in errors:
        errors = (*errors, 429)

    def register(handler: Handler) -> Handler:
        ENDPOINTS.append(
            Endpoint(
                method,
                path,
                handler,
                summary,
                tag,
                auth,
                body,
                query,
                response,
                status,
                errors,
                raw_body,
                form,
                rate=rate,
                form_rate=form_rate,
                replayable=replayable,
                body_optional=body_optional,
                writes=writes,
            )
        )
        return handler

    return register


def _fields(error: ValidationError, tagged_union: bool = False) -> dict[str, Problem]:
    return validation.field_problems(error, tagged_union)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _nul_fields(value: Any, path: str = "") -> dict[str, Problem]:
    """PostgreSQL text cannot hold NUL; name every field that has one."""
    if isinstance(value, str):
        return {path or "body": problem("nul_character")} if "\x00" in value else {}
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return {}
    found: dict[str, Problem] = {}
    for key, item in items:
        found.update(_nul_fields(item, f"{path}.{key}" if path else str(key)))
    return found


def _no_nul(parsed: BaseModel) -> BaseModel:
    fields = _nul_fields(parsed.model_dump())
    if fields:
        raise Invalid("Text may not contain NUL characters.", code="invalid_text", fields=fields)
    return parsed


def parse_body(model: type[BaseModel], raw: bytes, optional: bool = False) -> BaseModel | None:
    if not raw.strip():
        if optional:
            return None
        raise BadRequest("The request body is empty; send a JSON object.", code="empty_body")
    try:
        return _no_nul(model.model_validate_json(raw))
    except ValidationError as error:
        if (deep := limits.too_deep(error)) is not None:
            raise deep from None
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise BadRequest("The request body is not valid JSON.", code="malformed_json") from None
        raise Invalid(
            "Some fields are not valid.", fields=_fields(error, tagged_union=issubclass(model, RootModel))
        ) from None


def parse_query(model: type[BaseModel], request: Request) -> BaseModel:
    params = request.query_params
    # One pass over the pairs: getlist() per key would be quadratic in the number of parameters.
    counts = Counter(key for key, _ in params.multi_items())
    repeated = [k for k, n in counts.items() if n > 1]
    if repeated:
        raise Invalid("Give each query parameter once.", fields={k: problem("repeated") for k in repeated})
    try:
        return _no_nul(model.model_validate(dict(params)))
    except ValidationError as error:
        raise Invalid("Some query parameters are not valid.", fields=_fields(error)) from None


async def _count(ctx: Context, ep: Endpoint, *, alone: bool = False) -> None:
    """Count the request against the endpoint's rate limit, in its transaction; a refusal rolls back
    nothing else, since nothing else ran. A GET has no transaction (it only reads): its count commits
    by itself, without waiting for the WAL flush, and stands even if the request then fails. `alone`
    (Context.count_now): committed by itself too, before the handler writes."""
    name = ep.form_rate if ep.form_rate is not None and is_multipart(ctx.request) else ep.rate
    if name is not None and ctx.caller.user is not None:
        per_minute = ctx.settings.rate_limits.get(name, ratelimit.LIMITS[name].per_minute)
        await ratelimit.hit(ctx.db, ctx.caller.user.id, name, per_minute, durable=ep.method != "GET", alone=alone)


async def _handle(ctx: Context, ep: Endpoint, path_params: dict) -> Any:
    """Run the handler with its rate limit: counted before, so a refused request does no work, or
    (replayable endpoints) after, so that a retry the handler recognises is free; a refusal then
    rolls the handler's work back with the transaction."""
    if not ep.replayable:
        await _count(ctx, ep)
    result = await ep.handler(ctx, **path_params)
    if ep.replayable and not ctx.replayed and not ctx.counted:
        await _count(ctx, ep)
    return result


def _make_route(ep: Endpoint) -> Route:
    async def run(request: Request) -> Response:
        limits.check_request(request)
        settings = request.app.state.settings
        # The session takes a connection at its first statement; a request that runs none (no
        # credential to look up, nothing read) neither commits nor closes one. A read (a GET that
        # declares no write) runs each statement on its own: under READ COMMITTED each statement of a
        # transaction sees its own snapshot anyway, so BEGIN and COMMIT were two round trips that
        # changed nothing.
        state = request.app.state
        db = state.read_sessions() if ep.reads_only else state.sessions()
        try:
            caller = await authenticate_request(request, db, settings)
            if ep.auth == "user" and caller.user is None:
                raise Unauthorized("Sign in first.", code="not_signed_in")
            if ep.method in UNSAFE and caller.via == "cookie" and ep.auth != "none":
                caller.check_csrf(request, settings)
            check_request_origin_and_type(ep, request, caller, settings)
            check_totp_policy(caller, settings, ep.path)
            ctx = Context(request=request, db=db, caller=caller, status=ep.status, endpoint=ep)
            if ep.query is not None:
                ctx.query = parse_query(ep.query, request)
            elif request.scope["query_string"] and request.query_params:
                raise Invalid(
                    "This route takes no query parameters.",
                    fields={k: problem("unknown_parameter") for k in request.query_params.keys()},
                )
            if ep.body is not None and not (ep.form is not None and is_multipart(request)):
                ctx.body = parse_body(ep.body, await _read_body(request, settings.request_max_bytes), ep.body_optional)
            result = await _handle(ctx, ep, request.path_params)
            if has_work(db):  # (also rows added but never flushed)
                await db.commit()
        except BaseException as error:
            await driver.discard_if_cut_off(db, error)
            raise
        finally:
            if has_work(db):  # failed or cancelled: roll back, and the connection goes back
                await db.close()
        if isinstance(result, Response):
            return result
        if result is None and ctx.status == 204:
            response: Response = Response(status_code=204, headers=ctx.headers)
        else:
            response = JsonResponse(result, status_code=ctx.status, headers=ctx.headers)
        for cookie in ctx.cookies:
            response.set_cookie(**cookie)
        return response

    run.__name__ = ep.handler.__name__
    return Route(ep.path, run, methods=[ep.method], name=f"{ep.method} {ep.path}")


# --- the route table -----------------------------------------------------------


class TokenConvertor(Convertor[str]):
    """`{name:token}`: a link's secret, which has a letter or a sign besides digits (as every
    `secrets.token_urlsafe` of ours does), so `/api/invitations/12` is the invitation with id 12
    and never also a token: one path, one meaning, and an Allow header that says so."""

    regex = "[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("token", TokenConvertor())


class _Unmatched:
    """What answers a request that no endpoint takes at /api/... (or at an endpoint's path outside
    it). If the path is an endpoint's for another method, 405 with an Allow header naming every
    method of every endpoint at that path (Starlette names only the first route's); otherwise 404,
    in the error shape, whatever the method (the browser app's files answer 405 to all but GET).
    An ASGI app rather than a function, so that Starlette routes every method to it."""

    def __init__(self, table: list[Route]) -> None:
        self.table = table

    async def __call__(self, scope, receive, send) -> None:
        allowed: set[str] = set()
        for route in self.table:
            if route.matches(scope)[0] != Match.NONE:
                allowed |= route.methods or set()
        if allowed:
            raise HTTPException(405, headers={"Allow": ", ".join(sorted(allowed))})
        raise HTTPException(404)


def routes() -> list[Route]:
    table = [_make_route(ep) for ep in ENDPOINTS]
    fallback = _Unmatched(list(table))
    # Endpoints outside /api (/healthz, /readyz) get the same 405 for their other methods.
    outside = sorted({ep.path for ep in ENDPOINTS if not ep.path.startswith("/api/")})
    return [
        *table,
        *(Route(path, fallback, name=f"* {path}") for path in outside),
        Route("/api", fallback, name="api"),
        Route("/api/{rest:path}", fallback, name="api/*"),
    ]


def changes(body: BaseModel) -> dict:
    """The fields a PATCH sent. An explicit null is refused rather than silently ignored."""
    sent = body.model_dump(exclude_unset=True)
    nulls = sorted(k for k, v in sent.items() if v is None)
    if nulls:
        raise Invalid("These fields cannot be null.", fields={k: problem("not_null") for k in nulls})
    if not sent:
        raise Invalid("Send at least one field to change.", code="nothing_to_change")
    return sent
