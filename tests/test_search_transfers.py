"""Practice records in transfers, through search (issue 19): the `transfer` facet (`source`,
`adapted`) and `transfer_state`, kept current by the indexer from `transfer.*` events, counted and
filtered among readable documents only, and never moved by a transfer in a space the asker cannot
read.

The world: space A pairs Antwerp (`moderator`) and Da Nang (`member`); space B is Toronto's
(`other`); the network space is read by every signed-in user."""

from __future__ import annotations

from tests.harness import expect
from tests.library_helpers import practice
from tests.test_search_api import search

CODED = {"Prefer": "errors=coded"}


def marks(found: dict) -> tuple[dict, dict]:
    return found["facets"]["transfer"], found["facets"]["transfer_state"]


async def move(client, transfer_id: int, *states: str) -> None:
    for state in states:
        expect(await client.patch(f"/api/transfers/{transfer_id}", json={"state": state}), 200)


async def test_transfer_facets_follow_the_transfer_and_stay_within_readable_spaces(world, database_url):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    a, b, network = world.space_a["id"], world.space_b["id"], world.network["id"]
    source = expect(await world.moderator.post(f"/api/spaces/{a}/resources", json=practice(antwerp)), 201)
    shared = practice(toronto, title="Welcome desks, Toronto")
    open_record = expect(await world.admin.post(f"/api/spaces/{network}/resources", json=shared), 201)
    before = await search(world.member, database_url, q="welcome", kind="practice")
    assert {h["id"] for h in before["hits"]} == {source["id"], open_record["id"]}
    assert marks(before) == ({}, {})

    body = {"source_practice_id": source["id"], "implementing_city_ids": [da_nang], "space_id": a}
    transfer = expect(await world.moderator.post("/api/transfers", json=body), 201)
    found = await search(world.member, database_url, q="welcome", kind="practice")
    assert marks(found) == ({"source": 1}, {"proposed": 1})
    await move(world.moderator, transfer["id"], "planning")  # transfer.updated reindexes the record
    assert marks(await search(world.member, database_url, q="welcome")) == ({"source": 1}, {"planning": 1})
    only = await search(world.member, database_url, q="welcome", transfer="source")
    assert [(h["kind"], h["id"]) for h in only["hits"]] == [("practice", source["id"])]
    assert (await search(world.member, database_url, q="welcome", transfer_state="proposed"))["hits"] == []

    # Toronto's official transfers the network's record from space B, which Da Nang's official does
    # not read: her counts do not move, and nobody's do (a record is marked by its own space's transfers).
    seen_by_member = await search(world.member, database_url, q="welcome")
    seen_by_other = await search(world.other, database_url, q="welcome")
    seen_by_admin = await search(world.admin, database_url, q="welcome")
    elsewhere = {"source_practice_id": open_record["id"], "implementing_city_ids": [antwerp], "space_id": b}
    other_transfer = expect(await world.other.post("/api/transfers", json=elsewhere), 201)
    await move(world.other, other_transfer["id"], "planning", "implementing")
    assert (await search(world.member, database_url, q="welcome"))["facets"] == seen_by_member["facets"]
    assert (await search(world.other, database_url, q="welcome"))["facets"] == seen_by_other["facets"]
    assert (await search(world.admin, database_url, q="welcome"))["facets"] == seen_by_admin["facets"]
    assert marks(seen_by_other) == ({}, {})  # space B holds no practice; A is not hers to count

    # Completed: Da Nang's adapted record is marked too, with the state of the transfer behind it.
    await move(world.moderator, transfer["id"], "implementing", "reviewing")
    plan = f"/api/transfers/{transfer['id']}/plans/{da_nang}"
    adapted = expect(await world.member.post(f"{plan}/complete"), 201)
    found = await search(world.member, database_url, q="welcome", kind="practice")
    assert marks(found) == ({"source": 1, "adapted": 1}, {"reviewing": 2})
    both = await search(world.member, database_url, q="welcome", transfer="adapted,source", transfer_state="reviewing")
    assert {h["id"] for h in both["hits"]} == {source["id"], adapted["id"]}
    await move(world.moderator, transfer["id"], "completed")
    assert marks(await search(world.member, database_url, q="welcome")) == (
        {"source": 1, "adapted": 1},
        {"completed": 2},
    )
    assert marks(await search(world.outsider, database_url, q="welcome")) == ({}, {})  # reads the network only

    wrong = await world.member.get("/api/search", params={"q": "welcome", "transfer": "mentor"}, headers=CODED)
    assert wrong.status_code == 422 and "transfer" in wrong.json()["error"]["fields"]
    wrong = await world.member.get("/api/search", params={"q": "welcome", "transfer_state": "done"})
    assert wrong.status_code == 422
