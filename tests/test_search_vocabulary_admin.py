"""Admins extend the search vocabulary (server/services/search_vocabulary.py): against the real server
and its engine. A concept saved here is in the next query of the node that saved it, and reaches a
node that did not save it through the database within seconds; a bad line is named; a save made from
an older version is refused, not lost."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select

from server.db.models import AuditEntry, User
from server.services import search_vocabulary
from tests.harness import expect
from tests.test_search_api import ids, post_thread, search

URL = "/api/search/vocabulary"
CODED = {"Prefer": "errors=coded"}  # fields as {code, parameters}, as the browser asks


async def test_admins_add_a_concept_and_the_next_search_uses_it(world, database_url, db):
    thread = await post_thread(
        world.member, world.space_a["id"], "Buddies", "Our zorblax scheme pairs each newcomer with a volunteer."
    )
    message = thread["first_message"]["id"]
    assert ids(await search(world.member, database_url, q="quuxine")) == []

    empty = expect(await world.admin.get(URL), 200)
    assert (empty["source"], empty["version"], empty["concepts"], empty["updated_by"]) == ("", 0, 0, None)
    assert empty["shipped_concepts"] >= 48
    expect(await world.member.get(URL), 403)
    expect(await world.member.put(URL, json={"source": "", "version": 0}), 403)
    expect(await world.anonymous.get(URL), 401)

    source = "# our network's words\n[buddy-scheme]\nen: zorblax | buddy scheme\nfr: quuxine\n"
    saved = expect(await world.admin.put(URL, json={"source": source, "version": 0}), 200)
    assert (saved["source"], saved["version"], saved["concepts"], saved["labels"]) == (source, 1, 1, 3)
    assert saved["updated_by"]["id"] == world.admin.user["id"] and saved["updated_at"]
    # The French label finds the English word, on this node, with no wait and no reindex.
    assert ids(await search(world.member, q="quuxine")) == [message]
    # A label added to a shipped concept joins it: "plinthor" now finds what "housing" finds.
    housing = await post_thread(world.member, world.space_a["id"], "Rooms", "Temporary housing for families.")
    more = source + "[housing]\nen: plinthor\n"
    expect(await world.admin.put(URL, json={"source": more, "version": 1}), 200)
    assert housing["first_message"]["id"] in ids(await search(world.member, database_url, q="plinthor"))

    entries = (
        await db.scalars(select(AuditEntry).where(AuditEntry.action == "search.vocabulary").order_by(AuditEntry.id))
    ).all()
    assert [e.details for e in entries] == [{"concepts": 1, "labels": 3}, {"concepts": 2, "labels": 4}]


async def test_a_bad_line_is_named_and_an_older_version_is_refused(world, database_url):
    good = "[buddy-scheme]\nen: zorblax\nfr: quuxine\n"
    expect(await world.admin.put(URL, json={"source": good, "version": 0}), 200)
    for source, line, reason in (
        ("[Buddy Scheme]\nen: zorblax\n", 1, "a concept's name is [lowercase-letters-digits-and-dashes]"),
        ("en: zorblax\n", 1, "labels before the first [concept]"),
        ("[ok]\nen: zorblax\nqq: quuxine\n", 3, "unknown language code 'qq'"),
        ("[ok]\n\nen: zorblax |  | quuxine\n", 3, "an empty label"),
        ("[ok]\nthis is not a line of labels\n", 2, "expected '[concept]' or 'language: label | label'"),
    ):
        error = expect(await world.admin.put(URL, json={"source": source, "version": 1}), 422)["error"]
        assert error["code"] == "invalid_vocabulary", source
        assert error["fields"]["source"] == f"line {line}: {reason}"
        coded = await world.admin.put(URL, json={"source": source, "version": 1}, headers=CODED)
        problem = expect(coded, 422)["error"]["fields"]["source"]
        assert (problem["code"], problem["line"], problem["reason"]) == ("vocabulary_line", line, reason)
    for body, field in (
        ({"source": "x" * (search_vocabulary.MAX_SOURCE_CHARS + 1), "version": 1}, "source"),
        ({"source": good}, "version"),
        ({"source": good, "version": -1}, "version"),
        ({"source": 5, "version": 1}, "source"),
    ):
        assert field in expect(await world.admin.put(URL, json=body), 422)["error"]["fields"]

    # Two admins opened version 1; the first saves, the second is told rather than overwriting.
    expect(await world.admin.put(URL, json={"source": good + "[more]\nen: blorf\n", "version": 1}), 200)
    stale = expect(await world.admin.put(URL, json={"source": "", "version": 1}, headers=CODED), 409)["error"]
    assert stale["code"] == "vocabulary_changed"
    assert (stale["fields"]["version"]["code"], stale["fields"]["version"]["current"]) == ("stale_version", 2)
    kept = expect(await world.admin.get(URL), 200)
    assert (kept["version"], kept["concepts"]) == (2, 2)


async def test_a_change_saved_by_another_node_reaches_this_one_within_seconds(world, database_url, db):
    thread = await post_thread(world.member, world.space_a["id"], "Trees", "The plinthor project greens schoolyards.")
    message = thread["first_message"]["id"]
    admin = await db.scalar(select(User).where(User.id == world.admin.user["id"]))

    async def saved_elsewhere(source: str, version: int) -> None:
        # What another node's PUT does: the service, in a transaction of its own, and nothing else.
        await search_vocabulary.save(db, admin, None, source, version)
        await db.commit()

    async def found(query: str) -> list[int]:
        deadline = time.monotonic() + 20
        while True:
            hits = ids(await search(world.member, database_url, q=query))
            if hits or time.monotonic() > deadline:
                return hits
            await asyncio.sleep(0.25)

    assert ids(await search(world.member, database_url, q="wobbelkram")) == []
    await saved_elsewhere("[schoolyards]\nen: plinthor\nde: wobbelkram\n", 0)
    assert await found("wobbelkram") == [message]
    # Taken away again: the word finds nothing once the node has read the new version.
    await saved_elsewhere("", 1)
    deadline = time.monotonic() + 20
    while ids(await search(world.member, q="wobbelkram")) and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
    assert ids(await search(world.member, q="wobbelkram")) == []
