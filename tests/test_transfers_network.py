"""The network-wide lineage view (issue 19): `GET /api/lineage?theme=`, every practice record that
spread, as nodes and edges in the shapes of a practice's lineage, trimmed to what the viewer may
read, by theme, and bounded (`truncated`).

The world: space A pairs Antwerp and Da Nang; space B is Toronto's (the `other` official reads B
only); `outsider` reads neither."""

from __future__ import annotations

from server.services import transfer_lineage
from tests.harness import expect
from tests.library_helpers import practice

CODED = {"Prefer": "errors=coded"}


def shape(answer: dict) -> tuple[list, list]:
    return (
        sorted(n["id"] for n in answer["nodes"]),
        sorted((e["source_id"], e["practice_id"] or 0, e["city_id"], e["transfer_id"] or 0) for e in answer["edges"]),
    )


async def network_of_practices(world) -> dict:
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    a, b = world.space_a["id"], world.space_b["id"]
    source = expect(await world.moderator.post(f"/api/spaces/{a}/resources", json=practice(antwerp)), 201)
    body = {"source_practice_id": source["id"], "implementing_city_ids": [da_nang], "space_id": a}
    done = expect(await world.moderator.post("/api/transfers", json=body), 201)
    for state in ("planning", "implementing", "reviewing"):
        expect(await world.moderator.patch(f"/api/transfers/{done['id']}", json={"state": state}), 200)
    adapted = expect(await world.member.post(f"/api/transfers/{done['id']}/plans/{da_nang}/complete"), 201)
    body = {"source_practice_id": source["id"], "implementing_city_ids": [toronto], "space_id": a}
    running = expect(await world.moderator.post("/api/transfers", json=body), 201)
    # In space B: Toronto adapts Da Nang's version (unreadable from B), and a pair about employment.
    toronto_copy = practice(toronto, title="Welcome desks, Toronto", adapted_from=[adapted["id"]])
    copy = expect(await world.admin.post(f"/api/spaces/{b}/resources", json=toronto_copy), 201)
    jobs = expect(
        await world.other.post(
            f"/api/spaces/{b}/resources", json=practice(toronto, title="Job coaching", themes=["employment"])
        ),
        201,
    )
    jobs_copy = practice(antwerp, title="Job coaching, Antwerp", themes=["employment"], adapted_from=[jobs["id"]])
    jobs2 = expect(await world.admin.post(f"/api/spaces/{b}/resources", json=jobs_copy), 201)
    # A practice that never spread is no node.
    expect(await world.moderator.post(f"/api/spaces/{a}/resources", json=practice(antwerp, title="Alone")), 201)
    return {
        "source": source["id"],
        "adapted": adapted["id"],
        "copy": copy["id"],
        "jobs": jobs["id"],
        "jobs2": jobs2["id"],
        "done": done["id"],
        "running": running["id"],
    }


async def test_the_network_lineage_is_what_the_viewer_reads(world):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    n = await network_of_practices(world)
    a_edges = [(n["source"], n["adapted"], da_nang, n["done"]), (n["source"], 0, toronto, n["running"])]
    b_edges = [(n["adapted"], n["copy"], toronto, 0), (n["jobs"], n["jobs2"], antwerp, 0)]

    everything = expect(await world.admin.get("/api/lineage"), 200)
    assert everything["truncated"] is False and everything["theme"] is None
    assert shape(everything) == (
        sorted([n["source"], n["adapted"], n["copy"], n["jobs"], n["jobs2"]]),
        sorted(a_edges + b_edges),
    )
    node = next(x for x in everything["nodes"] if x["id"] == n["adapted"])
    assert node["city"]["id"] == da_nang and node["space_id"] == world.space_a["id"]
    edge = next(e for e in everything["edges"] if e["transfer_id"] == n["done"])
    assert edge["transfer_state"] == "reviewing"
    # The same shapes as a practice's own lineage.
    own = expect(await world.admin.get(f"/api/practices/{n['source']}/lineage"), 200)
    assert set(own["nodes"][0]) == set(everything["nodes"][0]) and set(own["edges"][0]) == set(everything["edges"][0])

    # Da Nang's official reads A: nothing of B, not even the edge from her city's record to Toronto's.
    assert shape(expect(await world.member.get("/api/lineage"), 200)) == (
        sorted([n["source"], n["adapted"]]),
        sorted(a_edges),
    )
    # Toronto's official reads B: the record adapted from an unreadable one has no edge left.
    assert shape(expect(await world.other.get("/api/lineage"), 200)) == (
        sorted([n["jobs"], n["jobs2"]]),
        [(n["jobs"], n["jobs2"], antwerp, 0)],
    )
    assert shape(expect(await world.outsider.get("/api/lineage"), 200)) == ([], [])

    # By theme: the edges one of whose records carries it.
    jobs = expect(await world.admin.get("/api/lineage?theme=employment"), 200)
    assert jobs["theme"] == "employment" and shape(jobs) == (sorted([n["jobs"], n["jobs2"]]), [b_edges[1]])
    housing = expect(await world.member.get("/api/lineage?theme=housing"), 200)
    assert shape(housing) == (sorted([n["source"], n["adapted"]]), sorted(a_edges))
    assert shape(expect(await world.member.get("/api/lineage?theme=employment"), 200)) == ([], [])
    bad = await world.member.get("/api/lineage?theme=astrology", headers=CODED)
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["theme"]["code"] == "not_a_choice"
    assert (await world.member.get("/api/lineage?colour=red")).status_code == 422


async def test_the_network_lineage_is_bounded(world, monkeypatch):
    n = await network_of_practices(world)
    monkeypatch.setattr(transfer_lineage, "NETWORK_NODES", 3)
    cut = expect(await world.admin.get("/api/lineage"), 200)
    assert cut["truncated"] is True and len(cut["nodes"]) <= 3
    ids = {x["id"] for x in cut["nodes"]}
    # Every edge kept has its records among the nodes; the first lineage (by source record) is whole.
    assert all(e["source_id"] in ids and (e["practice_id"] is None or e["practice_id"] in ids) for e in cut["edges"])
    assert {n["source"], n["adapted"]} <= ids
    assert expect(await world.member.get("/api/lineage"), 200)["truncated"] is False  # two nodes fit
