"""Every core route, walked by every role.

Roles: admin; moderator, member and bearer (the member by API token) of space A;
other (a member of space B only); outsider (signed in, member of nothing); anonymous.
Space A and B are members-only: to anyone outside them they do not exist (404).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from server.api.framework import ENDPOINTS
from tests.harness import expect

ROLES = ("admin", "moderator", "member", "bearer", "other", "outsider", "anonymous")
_unique = itertools.count()


def everyone(status: int, anonymous: int = 401) -> dict:
    return {**{r: status for r in ROLES}, "anonymous": anonymous}


def in_space_a(readers: int, others: int = 404, **overrides) -> dict:
    base = {
        "admin": readers,
        "moderator": readers,
        "member": readers,
        "bearer": readers,
        "other": others,
        "outsider": others,
        "anonymous": 401,
    }
    return {**base, **overrides}


@dataclass
class Case:
    method: str
    path: str  # formatted with the ids of the world
    expected: dict
    body: Callable[[dict], dict] | None = None
    setup: Callable | None = None  # async (world, ids) -> None, run before every role
    ids_key: str = field(default="")

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}{(' ' + self.ids_key) if self.ids_key else ''}"


async def _add_other_to_a(world, ids):
    expect(await world.admin.put(f"/api/spaces/{ids['a']}/members/{ids['other_user']}", json={"role": "member"}), 200)


async def _suspend_member_from_a(world, ids):
    expect(
        await world.admin.post(f"/api/spaces/{ids['a']}/members/{ids['member_user']}/suspend", json={"reason": "x"}),
        200,
    )


async def _fresh_invitation(world, ids):
    invitation = expect(
        await world.admin.post(
            "/api/invitations", json={"email": f"fresh{next(_unique)}@example.test", "space_id": ids["a"]}
        ),
        201,
    )
    ids["invitation"] = invitation["id"]


async def _deactivate_other(world, ids):
    # Before every role, so that the admin's reactivation always has something to undo.
    response = await world.admin.post(f"/api/users/{ids['other_user']}/deactivate", json={})
    assert response.status_code in (200, 409), response.text


async def _fresh_message(world, ids):
    message = expect(
        await world.member.post(f"/api/threads/{ids['thread_a']}/messages", json={"body": "to be deleted"}), 201
    )
    ids["fresh_message"] = message["id"]


def participants(status: int) -> dict:
    """A conversation of member and other: only they (member also by token) read it; admin included, the rest 404."""
    return {**everyone(404), "member": status, "bearer": status, "other": status}


async def _fresh_conversation(world, ids):
    body = {"participant_ids": [ids["other_user"]], "title": f"Topic {next(_unique)}"}
    ids["fresh_conversation"] = expect(await world.member.post("/api/conversations", json=body), 201)["id"]


async def _fresh_direct_message(world, ids):
    """A message of member's in the conversation, new before every role (deleting it is tested)."""
    url = f"/api/conversations/{ids['conversation']}/messages"
    ids["direct_message"] = expect(await world.member.post(url, json={"body": "Mine, @other"}), 201)["id"]


async def _direct_file(world, ids):
    if "direct_file" not in ids:
        form = {"file": ("plan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
        posted = await world.member.post(f"/api/conversations/{ids['conversation']}/files", files=form)
        ids["direct_file"] = expect(posted, 201)["file"]["id"]


async def _their_direct_message(world, ids):
    """A message of other's in the conversation, new before every role (each reports it once)."""
    url = f"/api/conversations/{ids['conversation']}/messages"
    ids["their_message"] = expect(await world.other.post(url, json={"body": "Theirs"}), 201)["id"]


async def _direct_report(world, ids):
    """An open report (by other, of a fresh message of member's), new before every role."""
    await _fresh_direct_message(world, ids)
    url = f"/api/conversations/{ids['conversation']}/messages/{ids['direct_message']}/report"
    ids["direct_report"] = expect(await world.other.post(url, json={"reason": "Spam"}), 201)["id"]


def admins_only(status: int) -> dict:
    return {**everyone(403), "admin": status}


def author_only(status: int) -> dict:
    """A direct message of member's: member (also by token) may; the other participant 403; the rest 404."""
    return {**participants(status), "other": 403}


async def _transfer(world, ids, *, by=None, states=()):
    """A fresh transfer in space A of an Antwerp record to Da Nang, proposed by the moderator (its
    coordinator) unless `by` says who; moved along `states`; with its first milestone."""
    client = by(world) if by else world.moderator
    source = expect(
        await world.moderator.post(
            f"/api/spaces/{ids['a']}/resources",
            json={
                "kind": "practice",
                "title": f"Welcome desk {next(_unique)}",
                "summary": "One desk for newcomers.",
                "city_id": ids["city"],
                "themes": ["integration"],
                "language": "en",
            },
        ),
        201,
    )
    body = {"source_practice_id": source["id"], "implementing_city_ids": [ids["city2"]], "space_id": ids["a"]}
    transfer = expect(await client.post("/api/transfers", json=body), 201)
    for state in states:
        expect(await world.moderator.patch(f"/api/transfers/{transfer['id']}", json={"state": state}), 200)
    plan = expect(await world.moderator.get(f"/api/transfers/{transfer['id']}/plans/{ids['city2']}"), 200)
    ids.update(source=source["id"], transfer=transfer["id"], milestone=plan["milestones"][0]["id"])


async def _transfer_by_member(world, ids):
    await _transfer(world, ids, by=lambda w: w.member)


async def _transfer_in_review(world, ids):
    await _transfer(world, ids, states=("planning", "implementing", "reviewing"))


def plan_editors(status: int, **overrides) -> dict:
    """The coordinator (the moderator), Da Nang's official (member, bearer) and admins; 404 outside A."""
    return in_space_a(status, **overrides)


TRANSFER = "/api/transfers/{transfer}"
PLAN = TRANSFER + "/plans/{city2}"

CASES = [
    Case("GET", "/healthz", everyone(200, 200)),
    Case("GET", "/readyz", everyone(200, 200)),
    Case("GET", "/api/openapi.json", everyone(200, 200)),
    Case("GET", "/api/me", everyone(200)),
    Case("PATCH", "/api/me", everyone(200), body=lambda ids: {"position": "Policy advisor"}),
    # A token cannot mint tokens (issue 11, point 13).
    Case("POST", "/api/tokens", {**everyone(201), "bearer": 403}, body=lambda ids: {"name": "script"}),
    Case("GET", "/api/tokens", everyone(200)),
    Case("GET", "/api/me/notifications", everyone(200)),
    Case("PATCH", "/api/me/notifications", everyone(200), body=lambda ids: {"digest": "weekly"}),
    Case("GET", "/api/admin/mail", {**everyone(403), "admin": 200}),
    Case("GET", "/api/identity-providers/public", everyone(200, 200)),
    Case("GET", "/api/search/vocabulary", {**everyone(403), "admin": 200}),
    Case(
        "PUT", "/api/search/vocabulary", {**everyone(403), "admin": 200}, body=lambda ids: {"source": "", "version": 0}
    ),
    Case("POST", "/api/users/{other_user}/deactivate", {**everyone(403), "admin": 200}, body=lambda ids: {}),
    # Denied roles run first; before each, `other` is deactivated, so its own session is over (401).
    Case(
        "POST",
        "/api/users/{other_user}/reactivate",
        {**everyone(403), "admin": 200, "other": 401},
        body=lambda ids: {},
        setup=_deactivate_other,
    ),
    Case("DELETE", "/api/session", everyone(204, 204)),
    Case("GET", "/api/cities", everyone(200)),
    Case(
        "POST",
        "/api/cities",
        {**everyone(403), "admin": 201},
        body=lambda ids: {"name": f"Cúcuta {next(_unique)}", "country": "Colombia", "profile": "newer"},
    ),
    Case("GET", "/api/cities/{city}", everyone(200)),
    Case("PATCH", "/api/cities/{city}", {**everyone(403), "admin": 200}, body=lambda ids: {"region": "Flanders"}),
    # The city's two-factor rule: admins, and the city's editors (none in this world; tests/test_twofactor_policy.py).
    Case("PATCH", "/api/cities/{city}", {**everyone(403), "admin": 200}, body=lambda ids: {"require_totp": False}),
    Case("GET", "/api/cities/{city}/profile", everyone(200)),
    Case("PATCH", "/api/cities/{city}/profile", {**everyone(403), "admin": 200}, body=lambda ids: {"year": 2024}),
    # The moderator is an official of city 0; the others are not (409) or may not grant (403).
    Case("PUT", "/api/cities/{city}/editors/{moderator_user}", {**everyone(403), "admin": 200}),
    Case("DELETE", "/api/cities/{city}/editors/{moderator_user}", {**everyone(403), "admin": 200}),
    Case("GET", "/api/spaces", everyone(200)),
    Case(
        "POST",
        "/api/spaces",
        {**everyone(403), "admin": 201},
        body=lambda ids: {"name": "New pair", "city_ids": [ids["city"], ids["city2"]]},
    ),
    Case("GET", "/api/spaces/{a}", in_space_a(200)),
    Case("GET", "/api/spaces/{network}", everyone(200)),
    Case(
        "PATCH",
        "/api/spaces/{a}",
        in_space_a(200, member=403, bearer=403),
        body=lambda ids: {"description": "Housing and welcome"},
        ids_key="description",
    ),
    Case(
        "PATCH",
        "/api/spaces/{a}",
        in_space_a(403, admin=200),
        body=lambda ids: {"visibility": "members"},
        ids_key="visibility",
    ),
    Case("GET", "/api/spaces/{a}/members", in_space_a(200)),
    Case(
        "PUT",
        "/api/spaces/{a}/members/{outsider_user}",
        in_space_a(200, member=403, bearer=403),
        body=lambda ids: {"role": "member"},
        ids_key="as member",
    ),
    Case(
        "PUT",
        "/api/spaces/{a}/members/{outsider_user}",
        in_space_a(403, admin=200),
        body=lambda ids: {"role": "moderator"},
        ids_key="as moderator",
    ),
    # Only admins change a moderator's role (the moderator included: stepping down is leaving).
    Case(
        "PUT",
        "/api/spaces/{a}/members/{moderator_user}",
        in_space_a(403, admin=200),
        body=lambda ids: {"role": "member"},
        ids_key="demote a moderator",
    ),
    # PUT never lifts a suspension (reinstate does); the suspended member no longer sees the space.
    Case(
        "PUT",
        "/api/spaces/{a}/members/{member_user}",
        in_space_a(409, member=404, bearer=404),
        body=lambda ids: {"role": "member"},
        setup=_suspend_member_from_a,
        ids_key="suspended",
    ),
    # "other" is added to A before each role, so "other" may leave (204) like any member.
    Case(
        "DELETE",
        "/api/spaces/{a}/members/{other_user}",
        in_space_a(204, member=403, bearer=403, other=204),
        setup=_add_other_to_a,
    ),
    Case(
        "POST",
        "/api/invitations",
        in_space_a(201, member=403, bearer=403),
        body=lambda ids: {"email": f"new{next(_unique)}@example.test", "space_id": ids["a"], "role": "member"},
        ids_key="member",
    ),
    Case(
        "POST",
        "/api/invitations",
        in_space_a(403, admin=201),
        body=lambda ids: {"email": f"new{next(_unique)}@example.test", "space_id": ids["a"], "role": "moderator"},
        ids_key="moderator",
    ),
    Case("GET", "/api/spaces/{a}/invitations", in_space_a(200, member=403, bearer=403)),
    Case(
        "DELETE",
        "/api/invitations/{invitation}",
        in_space_a(204, member=403, bearer=403, other=404),
        setup=_fresh_invitation,
    ),
    Case("GET", "/api/users?q=oli", {**everyone(403), "admin": 200, "moderator": 200}),
    # Moderators need a few characters: the lookup is not a directory to page through.
    Case("GET", "/api/users?q=a", {**everyone(403), "admin": 200, "moderator": 422}),
    Case("GET", "/api/people?theme=housing", everyone(200)),
    Case("GET", "/api/people/{member_user}", everyone(200)),
    # Nobody has a photo here: the gate is tested; who sees a photo is in tests/test_profile_photos.py.
    Case("GET", "/api/people/{member_user}/photo", everyone(404)),
    Case("DELETE", "/api/me/photo", everyone(200)),
    Case(
        "POST",
        "/api/conversations",
        {**everyone(201), "other": 422},
        body=lambda ids: {"participant_ids": [ids["other_user"]], "title": f"Topic {next(_unique)}"},
    ),
    Case("GET", "/api/conversations", everyone(200)),
    Case("GET", "/api/conversations/{conversation}", participants(200)),
    Case("GET", "/api/conversations/{conversation}/messages", participants(200)),
    Case("POST", "/api/conversations/{conversation}/messages", participants(201), body=lambda ids: {"body": "Hi"}),
    Case(
        "PATCH",
        "/api/conversations/{conversation}/messages/{direct_message}",
        author_only(200),
        body=lambda ids: {"body": "Edited"},
        setup=_fresh_direct_message,
    ),
    Case(
        "DELETE",
        "/api/conversations/{conversation}/messages/{direct_message}",
        author_only(204),
        setup=_fresh_direct_message,
    ),
    Case(
        "PUT",
        "/api/conversations/{conversation}/messages/{direct_message}/reactions/%F0%9F%91%8D",
        participants(200),
        setup=_fresh_direct_message,
    ),
    Case(
        "DELETE",
        "/api/conversations/{conversation}/messages/{direct_message}/reactions/%F0%9F%91%8D",
        participants(200),
        setup=_fresh_direct_message,
    ),
    Case(
        "POST",
        "/api/conversations/{conversation}/messages/{their_message}/report",
        {**participants(201), "other": 422},
        body=lambda ids: {"reason": "Abusive"},
        setup=_their_direct_message,
    ),
    Case("GET", "/api/conversation-reports", admins_only(200)),
    Case(
        "POST",
        "/api/conversation-reports/{direct_report}/resolve",
        admins_only(200),
        body=lambda ids: {"action": "dismiss"},
        setup=_direct_report,
    ),
    Case(
        "GET",
        "/api/conversations/{conversation}/files/{direct_file}",
        participants(200),
        setup=_direct_file,
    ),
    Case(
        "PUT",
        "/api/conversations/{conversation}/read",
        participants(200),
        body=lambda ids: {"last_read_message_id": 1},
    ),
    Case(
        "DELETE",
        "/api/conversations/{fresh_conversation}/participants/me",
        participants(204),
        setup=_fresh_conversation,
    ),
    Case("PUT", "/api/people/{outsider_user}/block", {**everyone(200), "outsider": 422}),
    Case("DELETE", "/api/people/{outsider_user}/block", {**everyone(200), "outsider": 422}),
    Case("GET", "/api/spaces/{a}/threads", in_space_a(200)),
    Case(
        "POST",
        "/api/spaces/{a}/threads",
        in_space_a(201),
        body=lambda ids: {"title": "Language classes", "body": "Who runs yours?"},
    ),
    Case(
        "POST",
        "/api/spaces/{network}/threads",
        {**everyone(403), "admin": 201},
        body=lambda ids: {"title": "Open question", "body": "Anyone?"},
    ),
    Case("GET", "/api/threads/{thread_a}", in_space_a(200)),
    Case("GET", "/api/threads/{thread_b}", {**in_space_a(404), "admin": 200, "other": 200}),
    Case("PATCH", "/api/threads/{thread_a}", in_space_a(200), body=lambda ids: {"title": "Renamed"}, ids_key="title"),
    Case(
        "PATCH",
        "/api/threads/{thread_a}",
        in_space_a(200, member=403, bearer=403),
        body=lambda ids: {"pinned": True},
        ids_key="pinned",
    ),
    Case("GET", "/api/threads/{thread_a}/messages", in_space_a(200)),
    Case("POST", "/api/threads/{thread_a}/messages", in_space_a(201), body=lambda ids: {"body": "Hello"}),
    Case(
        "PATCH",
        "/api/messages/{message_a}",
        in_space_a(200, admin=403, moderator=403),
        body=lambda ids: {"body": f"edited {next(_unique)}"},
    ),
    Case("GET", "/api/messages/{message_a}/history", in_space_a(200)),
    Case("DELETE", "/api/messages/{fresh_message}", in_space_a(204), setup=_fresh_message),
    Case("PUT", "/api/messages/{message_a}/reactions/%F0%9F%8E%89", in_space_a(200)),
    Case("DELETE", "/api/messages/{message_a}/reactions/%F0%9F%8E%89", in_space_a(200)),
    Case(
        "POST",
        "/api/transfers",
        in_space_a(201),
        body=lambda ids: {
            "source_practice_id": ids["source"],
            "implementing_city_ids": [ids["city2"]],
            "space_id": ids["a"],
        },
        setup=_transfer,
    ),
    Case("GET", "/api/transfers?space={a}", everyone(200), setup=_transfer),
    Case("GET", TRANSFER, in_space_a(200), setup=_transfer),
    # The state: the coordinator (here the moderator) and moderators, not Da Nang's official.
    Case(
        "PATCH",
        TRANSFER,
        in_space_a(200, member=403, bearer=403),
        body=lambda ids: {"state": "planning"},
        setup=_transfer,
    ),
    Case(
        "PATCH",
        TRANSFER,
        in_space_a(200),
        body=lambda ids: {"state": "planning"},
        setup=_transfer_by_member,
        ids_key="by its coordinator or a moderator",
    ),
    Case("GET", PLAN, in_space_a(200), setup=_transfer),
    Case("PUT", PLAN, plan_editors(200), body=lambda ids: {"risks": "Turnover"}, setup=_transfer),
    # Coordinated by Da Nang's official: the moderator, from the mentor city, only comments.
    Case(
        "PUT",
        PLAN,
        plan_editors(200, moderator=403),
        body=lambda ids: {"risks": "Turnover"},
        setup=_transfer_by_member,
        ids_key="mentor official",
    ),
    Case(
        "POST",
        PLAN + "/milestones",
        plan_editors(201),
        body=lambda ids: {"title": "Study visit", "due_on": "2027-03-01"},
        setup=_transfer,
    ),
    Case(
        "PATCH", "/api/milestones/{milestone}", plan_editors(200), body=lambda ids: {"state": "done"}, setup=_transfer
    ),
    Case("GET", PLAN + "/log", in_space_a(200), setup=_transfer),
    Case(
        "POST",
        PLAN + "/log",
        plan_editors(201, moderator=403),
        body=lambda ids: {"kind": "adaptation", "field": "partners", "change": "The district runs it."},
        setup=_transfer_by_member,
        ids_key="adaptation",
    ),
    Case(
        "POST",
        PLAN + "/log",
        plan_editors(201),
        body=lambda ids: {"kind": "comment", "notes": "Start with two agencies."},
        setup=_transfer_by_member,
        ids_key="comment",
    ),
    Case("POST", PLAN + "/complete", plan_editors(201), setup=_transfer_in_review),
    Case("GET", "/api/practices/{source}/lineage", in_space_a(200), setup=_transfer),
    Case(
        "GET", "/api/lineage?theme=housing", everyone(200), setup=_transfer
    ),  # trimmed: tests/test_transfers_network.py
]


def test_every_core_route_is_walked():
    core_tags = {"session", "invitations", "cities", "spaces", "threads", "messages", "operations", "users"}
    core_tags |= {"people", "conversations", "transfers"}
    # Walked elsewhere: sign-in (test_session), the invitation link (test_spaces_and_invitations), a token.
    elsewhere = {
        ("POST", "/api/session"),
        ("POST", "/api/invitations/{token}/accept"),
        ("GET", "/api/invitations/{token:token}"),
        ("DELETE", "/api/tokens/{token_id:int}"),
        # Mail links, walked in tests/test_mail.py: they need a mailed token and are throttled per address.
        ("POST", "/api/password-reset"),
        ("POST", "/api/password-reset/{token}"),
        ("POST", "/api/unsubscribe/{token}"),
        ("POST", "/api/email-change/{token}"),  # tests/test_email_change.py
        ("PUT", "/api/me/photo"),  # a multipart upload: tests/test_profile_photos.py
        ("POST", "/api/conversations/{conversation_id:int}/files"),  # multipart: tests/test_conversation_files.py
    }
    concrete = [(c.method, re.sub(r"{\w+}", "1", c.path.split("?")[0])) for c in CASES]
    for ep in ENDPOINTS:
        if ep.tag not in core_tags or (ep.method, ep.path) in elsewhere:
            continue
        pattern = re.compile("^" + re.sub(r"{[^}]+}", "[^/]+", ep.path) + "$")
        assert any(m == ep.method and pattern.match(p) for m, p in concrete), (
            f"{ep.method} {ep.path} is not in the authorization matrix"
        )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
async def test_route_by_role(case: Case, world):
    thread_a = expect(
        await world.member.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Housing", "body": "First"}
        ),
        201,
    )
    thread_b = expect(
        await world.other.post(f"/api/spaces/{world.space_b['id']}/threads", json={"title": "Jobs", "body": "First"}),
        201,
    )
    conversation = expect(
        await world.member.post("/api/conversations", json={"participant_ids": [world.other.user["id"]]}), 201
    )
    ids = {
        "conversation": conversation["id"],
        "a": world.space_a["id"],
        "b": world.space_b["id"],
        "network": world.network["id"],
        "city": world.cities[0]["id"],
        "city2": world.cities[1]["id"],
        "thread_a": thread_a["id"],
        "thread_b": thread_b["id"],
        "message_a": thread_a["first_message"]["id"],
        "other_user": world.other.user["id"],
        "outsider_user": world.outsider.user["id"],
        "moderator_user": world.moderator.user["id"],
        "member_user": world.member.user["id"],
    }
    failures = []
    # Allowed roles last, so a denied attempt never meets state an allowed one changed.
    order = sorted(ROLES, key=lambda r: case.expected[r] < 300)
    for role in order:
        if case.setup:
            await case.setup(world, ids)
        client = getattr(world, role)
        body = case.body(ids) if case.body else None
        response = await client.request(case.method, case.path.format(**ids), json=body)
        if response.status_code != case.expected[role]:
            failures.append(f"{role}: expected {case.expected[role]}, got {response.status_code} {response.text[:200]}")
        if response.status_code >= 400:
            error = response.json()["error"]
            assert set(error) == {"code", "message", "fields"} and error["message"]
    assert not failures, "\n".join(failures)
