"""City profiles, city editors, and who sees needs and offers (issue 18), against the real server."""

from __future__ import annotations

from sqlalchemy import select

from server.db.models import AuditEntry
from tests.events_helpers import Capture
from tests.harness import expect

ANTWERP = {
    "year": 2023,
    "population": {"value": 530_000, "year": 2023},
    "population_trend": "growing",
    "migration": {
        "main_origins": ["Morocco", "Netherlands", "Poland"],
        "arrivals_per_year": {"value": 9_000, "year": 2023},
        "foreign_born_share": {"value": 31.5, "year": 2023},
        "arrival_types": ["labour", "family", "asylum"],
    },
    "languages": ["nl", "fr", "en"],
    "offices": [{"name": "Integration service", "email": "integratie@antwerpen.test"}],
}


CODED = {"Prefer": "errors=coded"}


async def test_city_editors_edit_their_own_city_with_history_audit_and_events(world, db, database_url):
    antwerp, da_nang = world.cities[0]["id"], world.cities[1]["id"]
    moderator = world.moderator.user["id"]  # an official of Antwerp
    # Before the role, the official may not edit; an official of another city cannot be given it.
    refused = expect(await world.moderator.patch(f"/api/cities/{antwerp}/profile", json=ANTWERP), 403)
    assert refused["error"]["code"] == "not_a_city_editor"
    wrong = expect(await world.admin.put(f"/api/cities/{da_nang}/editors/{moderator}"), 409)
    assert wrong["error"]["code"] == "not_an_official"
    assert expect(await world.member.put(f"/api/cities/{antwerp}/editors/{moderator}"), 403)
    assert expect(await world.admin.put(f"/api/cities/{antwerp}/editors/{moderator}"), 200) == {"user_ids": [moderator]}

    async with Capture(database_url, space_id=world.space_a["id"]) as log:
        first = expect(await world.moderator.patch(f"/api/cities/{antwerp}/profile", json=ANTWERP), 200)
    assert log.kinds() == ["profile.updated"] and log.events[0]["payload"].city_id == antwerp
    assert first["population"] == {"value": 530_000, "year": 2023} and first["can_edit"] and first["history"] == []
    second = expect(
        await world.moderator.patch(
            f"/api/cities/{antwerp}/profile", json={"year": 2024, "population": {"value": 545_000, "year": 2024}}
        ),
        200,
    )
    assert second["year"] == 2024 and second["population"]["value"] == 545_000
    assert second["migration"]["foreign_born_share"]["value"] == 31.5  # untouched fields stay
    assert [(v["year"], v["data"]["population"]["value"]) for v in second["history"]] == [(2023, 530_000)]

    # A city editor of Antwerp editing Da Nang is refused, and Da Nang's profile is untouched.
    other_city = expect(await world.moderator.patch(f"/api/cities/{da_nang}/profile", json={"year": 2024}), 403)
    assert other_city["error"]["code"] == "not_a_city_editor"
    assert expect(await world.member.get(f"/api/cities/{da_nang}/profile"), 200)["year"] is None
    audited = (
        await db.scalars(select(AuditEntry).where(AuditEntry.target_kind == "city").order_by(AuditEntry.id))
    ).all()
    assert [e.action for e in audited] == ["city.editor.grant", "city.profile", "city.profile"]
    assert audited[2].details == {"year": 2024, "changed": ["population", "year"]}

    # Withdrawn, the role is gone.
    assert expect(await world.admin.delete(f"/api/cities/{antwerp}/editors/{moderator}"), 200) == {"user_ids": []}
    expect(await world.moderator.patch(f"/api/cities/{antwerp}/profile", json={"population_trend": "stable"}), 403)


async def test_profile_figures_are_validated(world):
    antwerp = world.cities[0]["id"]
    for body, field in (
        ({"population": {"value": -1, "year": 2023}}, "population.value"),
        ({"migration": {"foreign_born_share": {"value": 101, "year": 2023}}}, "migration.foreign_born_share.value"),
        ({"migration": {"arrival_types": ["tourism"]}}, "migration.arrival_types.0"),
        ({"population": {"value": 10}}, "population.year"),
        ({"year": None}, "year"),
        ({"languages": ["not a language"]}, "languages.0"),
    ):
        error = expect(await world.admin.patch(f"/api/cities/{antwerp}/profile", json=body), 422)["error"]
        assert field in error["fields"], (body, error)
    expect(
        await world.admin.patch(f"/api/cities/{antwerp}/profile", json={"population": {"value": 0, "year": 2023}}), 200
    )


async def test_the_profile_lists_only_the_spaces_and_partners_the_reader_may_see(world):
    antwerp = world.cities[0]["id"]
    mine = expect(await world.member.get(f"/api/cities/{antwerp}/profile"), 200)
    assert {s["id"] for s in mine["spaces"]} == {world.space_a["id"], world.network["id"]}
    assert [c["name"] for c in mine["partners"]] == ["Da Nang", "Toronto"]
    outside = expect(await world.outsider.get(f"/api/cities/{antwerp}/profile"), 200)
    assert [s["id"] for s in outside["spaces"]] == [world.network["id"]]
    assert [c["name"] for c in outside["partners"]] == ["Toronto"] and not outside["can_edit"]
    expect(await world.member.get("/api/cities/999999/profile"), 404)


NEED = {"theme": "housing", "challenge": "Our reception centres are full.", "help_kinds": ["mentoring"]}


async def test_a_need_shared_with_chosen_spaces_is_invisible_to_others(world, database_url):
    antwerp = world.cities[0]["id"]
    expect(await world.admin.put(f"/api/cities/{antwerp}/editors/{world.moderator.user['id']}"), 200)
    body = {**NEED, "city_id": antwerp, "audience": "spaces", "space_ids": [world.space_a["id"]]}
    async with Capture(database_url, space_id=world.space_a["id"]) as log:
        need = expect(await world.moderator.post("/api/needs", json=body), 201)
    assert log.kinds() == ["need.created"]
    expect(await world.member.get(f"/api/needs/{need['id']}"), 200)
    for stranger in (world.other, world.outsider):
        assert expect(await stranger.get(f"/api/needs/{need['id']}"), 404)["error"]["code"] == "not_found"
        assert expect(await stranger.get("/api/needs"), 200)["items"] == []
        expect(await stranger.get(f"/api/needs/{need['id']}/matches"), 404)
    # A space the author cannot read, or none at all, is refused.
    bad = expect(await world.moderator.post("/api/needs", json={**body, "space_ids": [world.space_b["id"]]}), 422)
    assert bad["error"]["fields"] == {"space_ids": "unknown space"}
    expect(await world.moderator.post("/api/needs", json={**body, "space_ids": []}), 422)
    twice = [world.space_a["id"], world.space_a["id"]]  # the document says uniqueItems
    repeated = await world.moderator.post("/api/needs", json={**body, "space_ids": twice}, headers=CODED)
    assert expect(repeated, 422)["error"]["fields"]["space_ids"]["code"] == "repeated"
    # Opened to the network, everyone sees it; only the city's editors change it.
    opened = expect(await world.moderator.patch(f"/api/needs/{need['id']}", json={"audience": "network"}), 200)
    assert opened["space_ids"] == []
    assert [n["id"] for n in expect(await world.outsider.get("/api/needs?theme=housing"), 200)["items"]] == [need["id"]]
    expect(await world.member.patch(f"/api/needs/{need['id']}", json={"timeframe": "2025"}), 403)
    expect(await world.member.post("/api/needs", json={**NEED, "city_id": antwerp}), 403)
    expect(await world.moderator.delete(f"/api/needs/{need['id']}"), 204)
    expect(await world.member.get(f"/api/needs/{need['id']}"), 404)


async def test_only_a_reviewed_practice_of_the_city_can_be_offered(world):
    antwerp, network = world.cities[0]["id"], world.network["id"]
    from tests.library_helpers import practice

    draft = expect(await world.admin.post(f"/api/spaces/{network}/resources", json=practice(antwerp)), 201)
    refused = expect(await world.admin.post("/api/offers", json={"city_id": antwerp, "practice_id": draft["id"]}), 422)
    assert refused["error"]["code"] == "practice_not_reviewed"
    reviewed = expect(
        await world.admin.post(f"/api/spaces/{network}/resources", json=practice(antwerp, review_status="reviewed")),
        201,
    )
    offer = expect(
        await world.admin.post(
            "/api/offers", json={"city_id": antwerp, "practice_id": reviewed["id"], "mentoring_capacity": 2}
        ),
        201,
    )
    assert offer["themes"] == ["integration", "housing"] and offer["practice"]["review_status"] == "reviewed"
    assert expect(await world.outsider.get(f"/api/offers/{offer['id']}"), 200)["mentoring_capacity"] == 2
    expect(await world.admin.patch(f"/api/offers/{offer['id']}", json={"mentoring_capacity": -1}), 422)
