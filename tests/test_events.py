"""The registry of change-log kinds (server/events/): every kind a service records is declared,
documented and listed in docs/architecture.md, payloads have the shapes of the views that build
them, and changelog.record refuses anything else. Run `python -m tests.test_events` to rewrite
the generated list in docs/architecture.md after declaring a kind."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from server import events
from server.db.models import Membership, Message, Resource, Space, Thread, User
from server.services import changelog
from server.services.library import resource_view
from server.services.views import member_view, message_view, space_view, thread_view
from tests.events_helpers import Capture

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- event kinds: generated from server/events/ -->", "<!-- end of event kinds -->"


def render() -> str:
    rows = ["| kind | stream | payload |", "|---|---|---|"]
    for kind, cls in sorted(events.KINDS.items()):
        doc = " ".join(cls.__doc__.split())
        rows.append(f"| `{kind}` | {'one user' if cls.STREAM == 'user' else cls.STREAM} | {doc} |")
    return "\n".join([BEGIN, *rows, END])


def _recorded_classes() -> tuple[set[str], list[str]]:
    """Names of event classes the server code refers to as `events.X`, and the record calls
    whose event is not built from a declared class (a string, a dict...)."""
    names, bad = set(), []
    for path in sorted((ROOT / "server").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "events":
                names.add(node.attr)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "changelog"
            ):
                event = node.args[1] if len(node.args) > 1 else None
                if not (isinstance(event, ast.Call) and isinstance(event.func, ast.Attribute | ast.Name)):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return names, bad


def test_every_kind_a_service_records_is_declared_and_every_declared_kind_is_recorded():
    names, bad = _recorded_classes()
    assert not bad, f"changelog.record called without a declared event instance at {bad}"
    declared = {cls.__name__ for cls in events.KINDS.values()}
    payload_bases = {"Event", "MemberPayload", "SpacePayload", "ThreadPayload", "MessagePayload", "ResourcePayload"}
    helpers = {n for n in names if not isinstance(getattr(events, n, None), type)} & set(vars(events))
    referenced = {n for n in names if n[:1].isupper()} - payload_bases - helpers
    assert referenced <= declared, f"not declared in server/events/: {referenced - declared}"
    assert declared <= referenced, f"declared but recorded nowhere: {declared - referenced}"
    for kind, cls in events.KINDS.items():
        assert re.fullmatch(r"[a-z]+\.[a-z]+", kind) and cls.STREAM in ("space", "user", "conversation")
        assert cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("), f"{kind} is undocumented"


def test_the_docs_list_the_kinds_of_the_registry():
    text = ARCHITECTURE.read_text()
    assert BEGIN in text and END in text, "docs/architecture.md lost its generated event list"
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == render(), "docs/architecture.md's event list is stale: run `python -m tests.test_events`"
    for name in ("library.md", "realtime.md"):
        for kind in re.findall(r"`([a-z]+\.[a-z]+)`", (ROOT / "docs" / name).read_text()):
            if kind.split(".")[0] in {"message", "resource", "flag", "collection", "member", "space", "thread"}:
                assert kind in events.KINDS, f"docs/{name} names undeclared kind {kind}"


def test_payloads_have_the_shapes_of_the_views_that_build_them():
    user = User(id=1, name="A", handle="a", city_id=None)
    message = Message(id=1, thread_id=2, space_id=3, body="b", html="<p>b</p>")
    thread = Thread(id=2, space_id=3, title="t", themes=[], pinned=False, locked=False)
    space = Space(id=3, name="s", description="", themes=[], visibility="members")
    resource = Resource(id=4, space_id=3, kind="link", title="r", summary="", themes=[], url="https://x.org")
    names = lambda cls: {f.name for f in fields(cls)}  # noqa: E731
    assert set(message_view(message, user)) == names(events.MessageCreated)
    assert set(thread_view(thread, user)) == names(events.ThreadCreated)
    assert set(space_view(space, [])) == names(events.SpaceUpdated)
    assert set(member_view(Membership(role="member", state="active"), user)) == names(events.MemberAdded)
    assert set(resource_view(resource, user)) == names(events.ResourceCreated)
    event = events.ResourceCreated(**resource_view(resource, user))
    assert event.data() == resource_view(resource, user)  # the wire format is the view, key for key
    assert events.ResourceHidden(id=4, space_id=3, kind="link", hidden=True).data() == {
        "id": 4,
        "space_id": 3,
        "kind": "link",
        "hidden": True,
    }
    with pytest.raises(ValueError, match="undeclared payload fields"):
        events.parse("message.deleted", {"id": 1, "thread_id": 2, "body": "leaked"})
    with pytest.raises(ValueError, match="undeclared event kind"):
        events.parse("message.exploded", {})


async def test_record_refuses_undeclared_kinds_and_the_wrong_stream(db):
    @dataclass(frozen=True, kw_only=True)
    class Stray(events.Event):
        KIND = "message.created"
        id: int

    with pytest.raises(ValueError, match="undeclared event kind"):
        await changelog.record(db, Stray(id=1), space_id=1)
    with pytest.raises(ValueError, match="stream"):
        await changelog.record(db, events.CollectionDeleted(id=1, space_id=1), user_id=1)
    read = events.ReadUpdated(thread_id=1, space_id=1, last_read_message_id=None, unread=0, mentions=0)
    with pytest.raises(ValueError, match="stream"):
        await changelog.record(db, read, space_id=1)


async def test_capture_sees_the_events_of_a_piece_of_work(world, database_url):
    async with Capture(database_url, space_id=world.space_a["id"]) as log:
        response = await world.member.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Captured", "body": "hello"}
        )
        assert response.status_code == 201
    assert log.kinds() == ["thread.created", "message.created"]
    assert log.events[1]["payload"].body == "hello" and log.events[0]["payload"].title == "Captured"


if __name__ == "__main__":
    current = ARCHITECTURE.read_text()
    start, end = current.index(BEGIN), current.index(END) + len(END)
    ARCHITECTURE.write_text(current[:start] + render() + current[end:])
