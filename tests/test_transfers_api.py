"""Practice transfers over HTTP (issue 19): the state machine with its 409s, who may do what, the
plan, milestones, log and indicators refused when wrong, completion into an adapted practice record,
and the lineage trimmed to what the viewer may read.

The world: space A pairs Antwerp (the mentor: its moderator writes the source record) and Da Nang
(`member`); Toronto's official (`other`) is added to A where a test needs a second implementing city."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import invite_user
from tests.harness import expect
from tests.library_helpers import practice

CODED = {"Prefer": "errors=coded"}


async def source_record(world, **changes) -> dict:
    antwerp = world.cities[0]["id"]
    return expect(
        await world.moderator.post(f"/api/spaces/{world.space_a['id']}/resources", json=practice(antwerp, **changes)),
        201,
    )


async def propose(client, world, source: dict, city_ids: list[int], **extra) -> dict:
    body = {"source_practice_id": source["id"], "implementing_city_ids": city_ids, "space_id": world.space_a["id"]}
    return expect(await client.post("/api/transfers", json={**body, **extra}), 201)


async def move(client, transfer_id: int, *states: str) -> dict:
    answer = {}
    for state in states:
        answer = expect(await client.patch(f"/api/transfers/{transfer_id}", json={"state": state}), 200)
    return answer


def fields_of(response) -> dict:
    return {k: v["code"] for k, v in response.json()["error"]["fields"].items()}


async def test_state_machine_over_http(world):
    da_nang = world.cities[1]["id"]
    source = await source_record(world)
    transfer = await propose(world.moderator, world, source, [da_nang], starts_on="2026-01-01", ends_on="2028-12-31")
    assert transfer["state"] == "proposed" and transfer["next_states"] == ["planning", "stopped"]
    assert (
        transfer["mentor_city_id"] == world.cities[0]["id"]
        and transfer["coordinator"]["id"] == world.moderator.user["id"]
    )
    assert transfer["source_practice"]["id"] == source["id"] and transfer["can_change_state"] is True
    plan = expect(await world.member.get(f"/api/transfers/{transfer['id']}/plans/{da_nang}"), 200)
    # The template, due from the start: understand (+90), midpoint, end of learning, sharing.
    assert [(m["key"], m["due_on"]) for m in plan["milestones"]] == [
        ("transfer_plan", str(date(2026, 1, 1) + timedelta(days=90))),
        ("midpoint", str(date(2026, 1, 1) + timedelta(days=365))),
        ("end_of_learning", str(date(2026, 1, 1) + timedelta(days=730))),
        ("sharing", str(date(2026, 1, 1) + timedelta(days=820))),
    ]
    url = f"/api/transfers/{transfer['id']}"
    skipped = await world.moderator.patch(url, json={"state": "implementing"})
    assert skipped.status_code == 409 and skipped.json()["error"]["code"] == "conflict"
    unknown = await world.moderator.patch(url, json={"state": "finished"}, headers=CODED)
    assert unknown.status_code == 422 and fields_of(unknown) == {"state": "not_a_choice"}
    backwards = await world.moderator.patch(url, json={"ends_on": "2025-12-31"}, headers=CODED)
    assert backwards.status_code == 422 and fields_of(backwards) == {"ends_on": "must_be_after"}
    answer = await move(world.moderator, transfer["id"], "planning", "implementing")
    assert answer["state"] == "implementing" and answer["next_states"] == ["reviewing", "stopped"]
    early = await world.member.post(f"{url}/plans/{da_nang}/complete")
    assert early.status_code == 409, early.text
    assert (await move(world.moderator, transfer["id"], "stopped"))["next_states"] == []
    for state in ("reviewing", "completed", "proposed"):
        assert (await world.moderator.patch(url, json={"state": state})).status_code == 409
    stopped = await world.member.post(f"{url}/plans/{da_nang}/complete")
    assert stopped.status_code == 409 and "stopped" in stopped.json()["error"]["message"]
    assert expect(await world.member.get(url), 200)["state"] == "stopped"


async def test_a_proposal_is_checked(world):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    source = await source_record(world)
    base = {"source_practice_id": source["id"], "implementing_city_ids": [da_nang], "space_id": world.space_a["id"]}

    async def refused(client, status, **changes):
        response = await client.post("/api/transfers", json={**base, **changes}, headers=CODED)
        assert response.status_code == status, response.text
        return fields_of(response) if status == 422 else response.json()["error"]["code"]

    assert await refused(world.member, 422, implementing_city_ids=[antwerp]) == {"implementing_city_ids": "mentor_city"}
    assert await refused(world.member, 422, implementing_city_ids=[da_nang, da_nang]) == {
        "implementing_city_ids": "repeated"
    }
    assert await refused(world.member, 422, implementing_city_ids=[]) == {"implementing_city_ids": "too_few"}
    assert await refused(world.member, 422, implementing_city_ids=[da_nang, 999999]) == {
        "implementing_city_ids": "unknown_ids"
    }
    assert await refused(world.member, 422, starts_on="2026-05-01", ends_on="2026-04-30") == {
        "ends_on": "must_be_after"
    }
    link = expect(
        await world.moderator.post(
            f"/api/spaces/{world.space_a['id']}/resources",
            json={"kind": "link", "title": "Desk", "url": "https://example.org/desk"},
        ),
        201,
    )
    assert await refused(world.member, 422, source_practice_id=link["id"]) == {"source_practice_id": "not_a_practice"}
    # A record in space B does not exist for Da Nang's official in A.
    elsewhere = expect(
        await world.other.post(f"/api/spaces/{world.space_b['id']}/resources", json=practice(toronto)), 201
    )
    assert await refused(world.member, 422, source_practice_id=elsewhere["id"]) == {"source_practice_id": "not_found"}
    assert await refused(world.other, 404) == "not_found"  # space A: unreadable, so absent
    # The outsider reads the network space but is no member of it.
    assert await refused(world.outsider, 403, space_id=world.network["id"]) == "not_a_member"
    network_body = {**base, "space_id": world.network["id"]}
    response = await world.admin.post("/api/transfers", json=network_body)
    assert response.status_code == 201  # the admin may post anywhere and reads the source
    assert expect(await world.outsider.get(f"/api/transfers/{response.json()['id']}"), 200)["source_practice"] is None
    forbidden = await world.outsider.patch(f"/api/transfers/{response.json()['id']}", json={"state": "planning"})
    assert forbidden.status_code == 403


async def test_who_may_do_what(world, clients):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    a = world.space_a["id"]
    expect(await world.admin.put(f"/api/spaces/{a}/members/{world.other.user['id']}", json={"role": "member"}), 200)
    mentor = await invite_user(world.admin, clients, a, "mentor@antwerpen.test", "Marc Mentor", city_id=antwerp)
    source = await source_record(world)
    transfer = await propose(world.member, world, source, [da_nang, toronto])  # Da Nang's official coordinates
    url = f"/api/transfers/{transfer['id']}"
    plan = {"local_context": "Port city, first arrivals since 2019.", "indicators": []}
    comment = {"kind": "comment", "notes": "Our desk started with two agencies."}
    adaptation = {"kind": "adaptation", "field": "partners", "change": "The province runs it.", "reason": "Law"}
    # (client, city, PUT plan, adaptation, comment)
    expected = [
        (world.member, toronto, 200, 201, 201),  # the coordinator edits every plan
        (world.other, toronto, 200, 201, 201),  # Toronto's official, its own plan
        (world.other, da_nang, 403, 403, 403),  # ...not Da Nang's
        (mentor, da_nang, 403, 403, 201),  # the mentor city comments only
        (world.moderator, da_nang, 403, 403, 201),  # the moderator is from Antwerp: a mentor official
        (world.admin, da_nang, 200, 201, 201),
        (world.outsider, da_nang, 404, 404, 404),
        (world.anonymous, da_nang, 401, 401, 401),
    ]
    for client, city, put, adapt, remark in expected:
        got = (
            (await client.put(f"{url}/plans/{city}", json=plan)).status_code,
            (await client.post(f"{url}/plans/{city}/log", json=adaptation)).status_code,
            (await client.post(f"{url}/plans/{city}/log", json=comment)).status_code,
        )
        assert got == (put, adapt, remark), (client.user and client.user["name"], city, got)
    milestone = expect(await world.member.get(f"{url}/plans/{toronto}"), 200)["milestones"][0]
    assert (await world.other.patch(f"/api/milestones/{milestone['id']}", json={"state": "done"})).status_code == 200
    assert (await mentor.patch(f"/api/milestones/{milestone['id']}", json={"state": "open"})).status_code == 403
    assert (await world.outsider.patch(f"/api/milestones/{milestone['id']}", json={"state": "open"})).status_code == 404
    # Readers read; the state belongs to the coordinator and the space's moderators.
    seen = expect(await mentor.get(f"{url}/plans/{da_nang}"), 200)
    assert (seen["can_edit"], seen["can_comment"]) == (False, True)
    assert len(expect(await mentor.get(f"{url}/plans/{toronto}/log"), 200)["items"]) == 4  # two each
    assert (await world.other.patch(url, json={"state": "planning"})).status_code == 403
    assert (await mentor.patch(url, json={"state": "planning"})).status_code == 403
    expect(await world.member.patch(url, json={"state": "planning"}), 200)  # the coordinator: not audited
    audit = expect(await world.moderator.get(f"/api/spaces/{a}/audit"), 200)["items"]
    assert [e for e in audit if e["target_kind"] == "transfer"] == []
    expect(await world.moderator.patch(url, json={"state": "implementing"}), 200)  # a moderator: audited
    audit = [e for e in expect(await world.moderator.get(f"/api/spaces/{a}/audit"), 200)["items"]]
    entry = next(e for e in audit if e["target_kind"] == "transfer")
    assert entry["action"] == "transfer.updated" and entry["target_id"] == transfer["id"]
    assert (
        entry["details"]["state"] == ["planning", "implementing"] and entry["actor"]["id"] == world.moderator.user["id"]
    )
    # A plan of a city that does not implement the transfer does not exist.
    assert (await world.member.get(f"{url}/plans/{antwerp}")).status_code == 404
    listed = expect(await mentor.get(f"/api/transfers?city={toronto}"), 200)
    assert [t["id"] for t in listed["items"]] == [transfer["id"]]
    assert expect(await world.other.get(f"/api/transfers?space={world.space_b['id']}"), 200)["items"] == []
    assert expect(await world.outsider.get("/api/transfers"), 200)["items"] == []


async def test_plan_milestones_and_log_refuse_bad_input(world):
    da_nang, toronto_thread_space = world.cities[1]["id"], world.space_b["id"]
    source = await source_record(world)
    transfer = await propose(world.moderator, world, source, [da_nang])
    plan_url = f"/api/transfers/{transfer['id']}/plans/{da_nang}"

    async def fields(method, url, body):
        response = await world.member.request(method, url, json=body, headers=CODED)
        assert response.status_code == 422, response.text
        return fields_of(response)

    indicator = {"name": "Newcomers registered in week one", "unit": "%", "baseline": 20, "target": 60}
    no_unit = {k: v for k, v in indicator.items() if k != "unit"}
    assert await fields("PUT", plan_url, {"indicators": [no_unit]}) == {"indicators.0.unit": "required"}
    assert await fields("PUT", plan_url, {"indicators": [{**indicator, "unit": "  "}]}) == {
        "indicators.0.unit": "required"
    }
    assert await fields("PUT", plan_url, {"indicators": [indicator, indicator]}) == {"indicators": "repeated"}
    assert await fields("PUT", plan_url, {"risks": "x", "owner": 1}) == {"owner": "unknown_field"}
    measured = {**indicator, "measurements": [{"on": "2026-09-01", "value": 35}, {"on": "2026-03-01", "value": 28}]}
    saved = expect(
        await world.member.put(plan_url, json={"stakeholders": "OCMW, schools", "indicators": [measured]}), 200
    )
    assert [m["on"] for m in saved["indicators"][0]["measurements"]] == ["2026-03-01", "2026-09-01"]
    assert saved["stakeholders"] == "OCMW, schools" and saved["updated_by"]["id"] == world.member.user["id"]

    milestones = f"{plan_url}/milestones"
    assert await fields("POST", milestones, {"title": "Study visit"}) == {"due_on": "required"}
    assert await fields("POST", milestones, {"title": "Visit", "due_on": "2026-13-01"}) == {"due_on": "invalid_date"}
    assert await fields(
        "POST", milestones, {"title": "Visit", "due_on": "2026-06-01", "owner_id": world.other.user["id"]}
    ) == {"owner_id": "not_found"}
    thread_b = expect(
        await world.other.post(f"/api/spaces/{toronto_thread_space}/threads", json={"title": "Jobs", "body": "x"}), 201
    )
    assert await fields(
        "POST", milestones, {"title": "V", "due_on": "2026-06-01", "evidence": [{"thread_id": thread_b["id"]}]}
    ) == {"evidence": "unknown_ids"}
    added = expect(
        await world.member.post(
            milestones,
            json={
                "title": "Study visit to Antwerp",
                "due_on": "2026-06-01",
                "owner_id": world.member.user["id"],
                "evidence": [{"resource_id": source["id"]}, {"url": "https://example.org/report"}],
            },
        ),
        201,
    )
    assert added["key"] is None and added["owner"]["id"] == world.member.user["id"] and added["state"] == "open"
    assert [e.get("resource_id") or e.get("url") for e in added["evidence"]] == [
        source["id"],
        "https://example.org/report",
    ]
    assert await fields("PATCH", f"/api/milestones/{added['id']}", {"state": "closed"}) == {"state": "not_a_choice"}
    assert await fields("PATCH", f"/api/milestones/{added['id']}", {"state": None}) == {"state": "not_null"}
    done = expect(await world.member.patch(f"/api/milestones/{added['id']}", json={"state": "done"}), 200)
    assert done["state"] == "done" and done["overdue"] is False
    assert (await world.member.patch("/api/milestones/999999", json={"state": "done"})).status_code == 404

    log = f"{plan_url}/log"
    assert await fields("POST", log, {"kind": "adaptation", "change": "x"}) == {"field": "required"}
    assert await fields("POST", log, {"kind": "adaptation", "field": "colour", "change": "x"}) == {
        "field": "not_a_choice"
    }
    assert await fields("POST", log, {"kind": "comment", "notes": " "}) == {"notes": "required"}
    assert await fields("POST", log, {"kind": "note", "notes": "x"}) == {"kind": "not_a_choice"}


async def test_completion_makes_the_adapted_record_with_the_log(world):
    da_nang = world.cities[1]["id"]
    source = await source_record(world, summary="One desk for registration, housing and language classes.")
    transfer = await propose(world.moderator, world, source, [da_nang], starts_on="2026-01-01")
    url = f"/api/transfers/{transfer['id']}/plans/{da_nang}"
    indicator = {"name": "Registered in week one", "unit": "%", "baseline": 20, "target": 60}
    indicator["measurements"] = [{"on": "2027-01-15", "value": 41.5}]
    plan = {
        "local_context": "Da Nang receives labour migrants since 2019.",
        "adaptations": "One desk in the district office rather than the town hall.",
        "stakeholders": "District People's Committee, DOLISA",
        "indicators": [indicator],
    }
    expect(await world.member.put(url, json=plan), 200)
    entry = {"kind": "adaptation", "field": "partners", "change": "DOLISA instead of VDAB", "reason": "Who runs jobs"}
    expect(await world.member.post(f"{url}/log", json=entry), 201)
    expect(await world.moderator.post(f"{url}/log", json={"kind": "comment", "notes": "Start small."}), 201)
    await move(world.moderator, transfer["id"], "planning", "implementing", "reviewing")
    record = expect(await world.member.post(f"{url}/complete"), 201)
    assert record["kind"] == "practice" and record["city_id"] == da_nang and record["space_id"] == world.space_a["id"]
    assert [r["id"] for r in record["adapted_from"]] == [source["id"]]
    assert record["title"] == source["title"] and record["summary"] == source["summary"]
    details = record["practice"]
    assert details["review_status"] == "draft" and details["context"] == plan["local_context"]
    assert "DOLISA instead of VDAB" in details["lessons_learned"] and "Who runs jobs" in details["lessons_learned"]
    assert "Start small." in details["lessons_learned"] and plan["adaptations"] in details["lessons_learned"]
    assert "Registered in week one (%): baseline 20, target 60; measured 41.5 on 2027-01-15" in details["results"]
    assert details["process"] == source["practice"]["process"] and details["period_start"] == "2026-01"
    again = await world.member.post(f"{url}/complete")
    assert again.status_code == 409
    seen = expect(await world.member.get(f"/api/resources/{source['id']}"), 200)
    assert [r["id"] for r in seen["adapted_by"]] == [record["id"]]
    got = expect(await world.member.get(url), 200)
    assert got["practice_id"] == record["id"] and got["completed_at"]
    # Completing does not end the transfer: the coordinator (or a moderator) does.
    done = await move(world.moderator, transfer["id"], "completed")
    assert done["plans"][0]["practice_id"] == record["id"]


async def test_lineage_is_trimmed_to_what_the_viewer_reads(world):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    source = await source_record(world)
    transfer = await propose(world.moderator, world, source, [da_nang])
    await move(world.moderator, transfer["id"], "planning", "implementing", "reviewing")
    adapted = expect(await world.member.post(f"/api/transfers/{transfer['id']}/plans/{da_nang}/complete"), 201)
    # Toronto adapts Da Nang's version in space B, which Da Nang's official in A does not read.
    third = practice(toronto, title="Welcome desks, Toronto", adapted_from=[adapted["id"]])
    toronto_record = expect(await world.admin.post(f"/api/spaces/{world.space_b['id']}/resources", json=third), 201)
    running = await propose(world.moderator, world, source, [toronto])  # still proposed: no record yet

    def shape(answer):
        return (
            sorted((n["id"], n["city_id"]) for n in answer["nodes"]),
            sorted(
                (e["source_id"], e["practice_id"] or 0, e["city_id"], e["transfer_id"] or 0) for e in answer["edges"]
            ),
        )

    everything = expect(await world.admin.get(f"/api/practices/{source['id']}/lineage"), 200)
    assert shape(everything) == (
        sorted([(source["id"], antwerp), (adapted["id"], da_nang), (toronto_record["id"], toronto)]),
        sorted(
            [
                (source["id"], adapted["id"], da_nang, transfer["id"]),
                (adapted["id"], toronto_record["id"], toronto, 0),
                (source["id"], 0, toronto, running["id"]),
            ]
        ),
    )
    edge = next(e for e in everything["edges"] if e["transfer_id"] == transfer["id"])
    assert edge["transfer_state"] == "reviewing"
    # From the middle, the same graph.
    assert shape(expect(await world.admin.get(f"/api/practices/{adapted['id']}/lineage"), 200)) == shape(everything)
    # Da Nang's official reads space A only: Toronto's record is left out, with its edge.
    member_view = expect(await world.member.get(f"/api/practices/{source['id']}/lineage"), 200)
    assert shape(member_view) == (
        sorted([(source["id"], antwerp), (adapted["id"], da_nang)]),
        sorted([(source["id"], adapted["id"], da_nang, transfer["id"]), (source["id"], 0, toronto, running["id"])]),
    )
    # Toronto's official reads space B only: the start in A does not exist; from their own record
    # the walk stops at the unreadable record it was adapted from.
    assert (await world.other.get(f"/api/practices/{source['id']}/lineage")).status_code == 404
    own = expect(await world.other.get(f"/api/practices/{toronto_record['id']}/lineage"), 200)
    assert shape(own) == ([(toronto_record["id"], toronto)], [])
    assert (await world.outsider.get(f"/api/practices/{source['id']}/lineage")).status_code == 404
    link = expect(
        await world.moderator.post(
            f"/api/spaces/{world.space_a['id']}/resources",
            json={"kind": "link", "title": "Desk", "url": "https://example.org/desk"},
        ),
        201,
    )
    assert (await world.member.get(f"/api/practices/{link['id']}/lineage")).status_code == 404
