"""City self-assessments (issue 18): frameworks as data, drafts kept to the city, peer review by
partner cities, events, and what a shared assessment adds to the matching. Real server, real DB."""

from __future__ import annotations

import json

from sqlalchemy import select

from server.db.models import AuditEntry
from tests.events_helpers import Capture
from tests.harness import expect
from tests.library_helpers import practice

FRAMEWORK = {
    "id": "welcome-check",
    "version": 1,
    "label": {"en": "Welcome check"},
    "domains": [
        {
            "id": "first-weeks",
            "label": {"en": "First weeks"},
            "items": [
                {"id": "desk", "label": {"en": "A welcome desk"}, "guidance": {"en": "Where?"}, "themes": ["housing"]},
                {"id": "classes", "label": {"en": "Language classes"}, "themes": ["education"]},
            ],
        }
    ],
}


def framework_text(**changes) -> str:
    return json.dumps({**FRAMEWORK, **changes}, indent=2)


async def test_framework_files_are_loaded_by_admins_or_refused_with_line_and_reason(world):
    built_in = expect(await world.member.get("/api/frameworks"), 200)["items"]
    assert [(f["id"], f["version"]) for f in built_in] == [("local-integration", 1)]
    assert len(built_in[0]["domains"]) == 7 and all(d["items"] for d in built_in[0]["domains"])

    expect(await world.member.post("/api/frameworks", json={"text": framework_text()}), 403)
    loaded = expect(await world.admin.post("/api/frameworks", json={"text": framework_text()}), 201)["items"][0]
    assert loaded["id"] == "welcome-check"
    again = expect(await world.admin.post("/api/frameworks", json={"text": framework_text()}), 409)
    assert again["error"]["code"] == "framework_exists"

    items = FRAMEWORK["domains"][0]["items"]
    twice = [items[0], {**items[1], "id": "desk"}]
    unknown = [{**items[0], "weight": 3}]
    unlabelled = [{"id": "desk", "label": {"fr": "Un guichet"}}]
    # Each refusal also names its reason as a code with parameters, for the browser to translate.
    for text, line, reason, why in (
        ('{"id": "x",\n  "version": 1,\n  oops}', 3, "not JSON", {"why": "not_json"}),
        (
            framework_text(version=2, domains=[{**FRAMEWORK["domains"][0], "items": twice}]),
            27,
            "'desk' is used twice",
            {"why": "id_twice", "id": "desk"},
        ),
        (
            framework_text(version=2, domains=[{**FRAMEWORK["domains"][0], "items": unknown}]),
            25,
            "unknown field 'weight'",
            {"why": "unknown_field", "field": "weight", "kind": "item"},
        ),
        (
            framework_text(version=2, domains=[{**FRAMEWORK["domains"][0], "items": unlabelled}]),
            15,
            "label",
            {"why": "no_english", "kind": "item"},
        ),
        (framework_text(version=0), 3, "version", {"why": "bad_version"}),
        (
            framework_text(version=2, domains=[{**FRAMEWORK["domains"][0], "items": [{**items[0], "themes": ["x"]}]}]),
            15,
            "themes",
            {"why": "bad_themes"},
        ),
        ('{"id": "x",\n "id": "y"}', 1, "given twice", {"why": "field_twice", "field": "id"}),
    ):
        error = expect(await world.admin.post("/api/frameworks", json={"text": text}), 422)["error"]
        assert error["code"] == "invalid_framework", text
        field = error["fields"]["text"]
        assert field.startswith(f"line {line}: ") and reason in field, (text, field)
        coded = await world.admin.post("/api/frameworks", json={"text": text}, headers={"Prefer": "errors=coded"})
        problem = expect(coded, 422)["error"]["fields"]["text"]
        assert problem["code"] == "framework_line" and problem["line"] == line, (text, problem)
        assert why.items() <= problem.items(), (text, problem)
    assert len(expect(await world.member.get("/api/frameworks"), 200)["items"]) == 2


async def test_drafts_stay_with_the_city_until_shared_then_partners_review(world, db, database_url):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    expect(await world.admin.put(f"/api/cities/{da_nang}/editors/{world.member.user['id']}"), 200)
    expect(await world.admin.put(f"/api/cities/{antwerp}/editors/{world.moderator.user['id']}"), 200)
    # Evidence in space A (Antwerp – Da Nang, members only): Toronto's official cannot read it.
    record = expect(
        await world.member.post(f"/api/spaces/{world.space_a['id']}/resources", json=practice(da_nang)), 201
    )
    body = {
        "framework_id": "local-integration",
        "framework_version": 1,
        "ratings": {
            "rights-housing": {
                "rating": "partly",
                "note": "Waiting lists",
                "evidence": [{"resource_id": record["id"]}, {"url": "https://danang.test/housing"}],
            },
            "wellbeing-language": {"rating": "met"},
        },
    }
    url = f"/api/cities/{da_nang}/assessments/2024"
    # A city editor of Antwerp cannot write Da Nang's; nor can a plain member of no city.
    assert expect(await world.moderator.put(url, json=body), 403)["error"]["code"] == "not_a_city_editor"
    expect(await world.outsider.put(url, json=body), 403)
    async with Capture(database_url, space_id=world.space_a["id"]) as drafts:
        draft = expect(await world.member.put(url, json=body), 200)
    assert drafts.kinds() == []  # a draft is never announced
    assert draft["summary"] == {"met": 1, "partly": 1, "not_yet": 0, "not_applicable": 0} and draft["can_edit"]
    assert not draft["shared"] and not draft["can_review"]
    for outsider in (world.other, world.moderator, world.outsider):
        expect(await outsider.get(url), 404)
        assert expect(await outsider.get(f"/api/cities/{da_nang}/assessments"), 200)["items"] == []
    assert expect(await world.admin.get(url), 200)["year"] == 2024

    async with Capture(database_url, space_id=world.space_b["id"]) as shared_log:
        expect(await world.member.put(url, json={**body, "shared": True}), 200)
    assert shared_log.kinds() == ["assessment.shared"]
    assert shared_log.events[0]["payload"].city_id == da_nang
    seen = expect(await world.other.get(url), 200)
    assert seen["shared"] and seen["can_review"] and not seen["can_edit"]
    # The cited record sits in a space Toronto cannot read: neither its id nor its title shows.
    assert seen["ratings"]["rights-housing"]["evidence"] == [
        {"url": "https://danang.test/housing", "title": "https://danang.test/housing"}
    ]
    own = expect(await world.member.get(url), 200)["ratings"]["rights-housing"]["evidence"]
    assert own[0] == {"resource_id": record["id"], "title": record["title"]}

    # Peers of partner cities review item by item; the city itself and people of no city cannot.
    review_url = f"{url}/reviews"
    comments = {"comments": {"rights-housing": "Our rent guarantee fund could help."}}
    assert expect(await world.member.post(review_url, json=comments), 403)["error"]["code"] == "not_a_partner"
    expect(await world.outsider.post(review_url, json=comments), 403)
    unknown = expect(await world.other.post(review_url, json={"comments": {"nope": "x"}}), 422)["error"]
    assert unknown["code"] == "unknown_item" and "comments" in unknown["fields"]
    async with Capture(database_url, space_id=world.space_b["id"]) as reviewed:
        answer = expect(await world.other.post(review_url, json=comments), 201)
    assert reviewed.kinds() == ["assessment.reviewed"]
    assert [(r["reviewer_city"]["id"], r["comments"]) for r in answer["reviews"]] == [(toronto, comments["comments"])]
    audited = (
        await db.scalars(select(AuditEntry).where(AuditEntry.action == "city.assessment").order_by(AuditEntry.id))
    ).all()
    assert [e.details["shared"] for e in audited] == [False, True]

    # Withdrawn again, it is a draft: the partners lose it and hear so.
    async with Capture(database_url, space_id=world.space_b["id"]) as withdrawn:
        expect(await world.member.put(url, json=body), 200)
    assert [e["payload"].shared for e in withdrawn.events] == [False]
    expect(await world.other.get(url), 404)
    expect(await world.other.post(review_url, json=comments), 404)


async def test_bad_assessments_are_refused_field_by_field(world):
    da_nang = world.cities[1]["id"]
    url = f"/api/cities/{da_nang}/assessments/2024"
    good = {
        "framework_id": "local-integration",
        "framework_version": 1,
        "ratings": {"rights-housing": {"rating": "met"}},
    }
    for body, status, field in (
        ({**good, "ratings": {"rights-housing": {"rating": "great"}}}, 422, "ratings.rights-housing.rating"),
        ({**good, "ratings": {"no-such-item": {"rating": "met"}}}, 422, "ratings"),
        ({**good, "framework_id": "nope"}, 422, "framework_id"),
        (
            {**good, "ratings": {"rights-housing": {"rating": "met", "evidence": [{"resource_id": 999999}]}}},
            422,
            "ratings",
        ),
        ({**good, "colour": "red"}, 422, "colour"),
    ):
        error = expect(await world.admin.put(url, json=body), status)["error"]
        assert field in error["fields"], (body, error)
    assert (
        "year"
        in expect(await world.admin.put(f"/api/cities/{da_nang}/assessments/12", json=good), 422)["error"]["fields"]
    )
    expect(await world.admin.put("/api/cities/999999/assessments/2024", json=good), 404)
    expect(await world.admin.get(f"/api/cities/{da_nang}/assessments/2024"), 404)


async def test_only_a_shared_assessment_feeds_the_matching(world):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    need = expect(
        await world.admin.post(
            "/api/needs",
            json={"city_id": da_nang, "theme": "housing", "challenge": "Housing.", "help_kinds": ["exchange"]},
        ),
        201,
    )
    body = {
        "framework_id": "local-integration",
        "framework_version": 1,
        "ratings": {"rights-housing": {"rating": "met"}, "wellbeing-work": {"rating": "not_yet"}},
    }
    expect(await world.admin.put(f"/api/cities/{toronto}/assessments/2024", json=body), 200)

    def codes(answer: dict, city: int) -> list[str]:
        return next([r["code"] for r in m["reasons"]] for m in answer["items"] if m["city"]["id"] == city)

    url = f"/api/needs/{need['id']}/matches"
    assert "assessed_strength" not in codes(expect(await world.member.get(url), 200), toronto)
    expect(await world.admin.put(f"/api/cities/{toronto}/assessments/2024", json={**body, "shared": True}), 200)
    answer = expect(await world.member.get(url), 200)
    toronto_match = next(m for m in answer["items"] if m["city"]["id"] == toronto)
    reason = next(r for r in toronto_match["reasons"] if r["code"] == "assessed_strength")
    assert reason["weight"] == 2 and "Fair access to housing" in reason["text"]
    assert "assessed_strength" not in codes(answer, antwerp)

    # An offer on employment finds Toronto's gap.
    record = expect(
        await world.admin.post(
            f"/api/spaces/{world.network['id']}/resources",
            json=practice(antwerp, review_status="reviewed", themes=["employment"]),
        ),
        201,
    )
    offer = expect(await world.admin.post("/api/offers", json={"city_id": antwerp, "practice_id": record["id"]}), 201)
    offered = expect(await world.member.get(f"/api/offers/{offer['id']}/matches"), 200)
    assert "assessed_gap" in codes(offered, toronto) and "assessed_gap" not in codes(offered, da_nang)
