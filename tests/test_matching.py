"""Partner matching on a fixed network: the order, the reasons, the weights, interest and the space."""

from __future__ import annotations

from sqlalchemy import select

from server.db.models import Event
from server.services.matching import WEIGHTS
from tests.harness import expect
from tests.library_helpers import practice


def ranking(answer: dict) -> list[tuple[str, int, list[str]]]:
    return [(m["city"]["name"], m["score"], [r["code"] for r in m["reasons"]]) for m in answer["items"]]


async def test_ranking_reasons_weights_interest_and_the_space(world, db):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    for city, population in ((antwerp, 530_000), (da_nang, 1_200_000), (toronto, 2_800_000)):
        body = {"year": 2024, "population": {"value": population, "year": 2024}}
        expect(await world.admin.patch(f"/api/cities/{city}/profile", json=body), 200)
    expect(await world.admin.put(f"/api/cities/{da_nang}/editors/{world.member.user['id']}"), 200)
    reviewed = practice(antwerp, review_status="reviewed", themes=["housing"])
    expect(await world.admin.post(f"/api/spaces/{world.network['id']}/resources", json=reviewed), 201)
    need = expect(
        await world.member.post(
            "/api/needs",
            json={
                "city_id": da_nang,
                "theme": "housing",
                "challenge": "Temporary housing for new arrivals.",
                "languages": ["en", "fr"],
                "help_kinds": ["mentoring", "study-visit"],
            },
        ),
        201,
    )
    url = f"/api/needs/{need['id']}/matches"
    answer = expect(await world.member.get(url), 200)
    assert ranking(answer) == [
        ("Antwerp", 8, ["practice_on_theme", "complementary_profile", "already_partners"]),
        # The member cannot read Toronto – Da Nang (space B), so that partnership is not a reason.
        ("Toronto", 5, ["complementary_profile", "shared_language"]),
    ]
    toronto_reasons = {r["code"]: r["text"] for r in answer["items"][1]["reasons"]}
    assert toronto_reasons["shared_language"] == "both work in English, French"
    assert "newer" in toronto_reasons["complementary_profile"]

    # Weights are tuned by admins only, and change the order; a tie goes to the name.
    expect(await world.member.put("/api/matching/weights", json={"weights": {"practice_on_theme": 0}}), 403)
    expect(await world.admin.put("/api/matching/weights", json={"weights": {"practice_on_theme": 0}}), 200)
    assert [m[:2] for m in ranking(expect(await world.member.get(url), 200))] == [("Toronto", 5), ("Antwerp", 4)]
    tie = {"weights": {"shared_language": 0, "already_partners": 0}}
    assert expect(await world.admin.put("/api/matching/weights", json=tie), 200)["weights"]["practice_on_theme"] == 0
    assert [m[:2] for m in ranking(expect(await world.member.get(url), 200))] == [("Antwerp", 3), ("Toronto", 3)]
    bad = expect(await world.admin.put("/api/matching/weights", json={"weights": {"magic": 5}}), 422)
    assert bad["error"]["fields"]

    # Interest from both sides is mutual: every admin hears of it, and turns it into a space.
    one = expect(await world.member.post(f"/api/needs/{need['id']}/interest", json={"city_id": toronto}), 200)
    assert one == {"need_id": need["id"], "city_id": toronto, "sides": ["need"], "mutual": False}
    expect(await world.outsider.post(f"/api/needs/{need['id']}/interest", json={"city_id": toronto}), 403)
    expect(await world.member.post(f"/api/needs/{need['id']}/interest", json={"city_id": da_nang}), 422)
    both = expect(await world.other.post(f"/api/needs/{need['id']}/interest", json={"city_id": toronto}), 200)
    assert both["mutual"] and both["sides"] == ["helper", "need"]
    mutual = (await db.scalars(select(Event).where(Event.kind == "match.mutual"))).all()
    assert [(e.user_id, e.data["city_id"]) for e in mutual] == [(world.admin.user["id"], toronto)]
    assert [m["city_id"] for m in expect(await world.admin.get("/api/matches"), 200)] == [toronto]
    expect(await world.member.get("/api/matches"), 403)
    expect(await world.member.post(f"/api/matches/{need['id']}/{toronto}/space"), 403)
    space = expect(await world.admin.post(f"/api/matches/{need['id']}/{toronto}/space"), 201)
    assert space["city_ids"] == [da_nang, toronto] and space["themes"] == ["housing"]
    assert (
        space["description"] == "Temporary housing for new arrivals." and space["name"] == "Da Nang – Toronto: Housing"
    )


async def test_an_offer_finds_the_cities_that_need_it(world):
    antwerp, da_nang = world.cities[0]["id"], world.cities[1]["id"]
    reviewed = practice(antwerp, review_status="reviewed", themes=["housing"], language="en")
    record = expect(await world.admin.post(f"/api/spaces/{world.network['id']}/resources", json=reviewed), 201)
    offer = expect(await world.admin.post("/api/offers", json={"city_id": antwerp, "practice_id": record["id"]}), 201)
    expect(
        await world.admin.post(
            "/api/needs",
            json={"city_id": da_nang, "theme": "housing", "challenge": "Housing.", "help_kinds": ["exchange"]},
        ),
        201,
    )
    answer = expect(await world.outsider.get(f"/api/offers/{offer['id']}/matches"), 200)
    assert ranking(answer) == [
        ("Da Nang", 7, ["need_on_theme", "complementary_profile"]),
        ("Toronto", 3, ["shared_language", "already_partners"]),
    ]


async def test_ties_go_to_the_name_then_the_city_id_whatever_the_order_of_creation(world):
    da_nang = world.cities[1]["id"]
    # Created after Antwerp and Toronto, so neither insertion order nor id would put them first.
    late = [
        expect(
            await world.admin.post("/api/cities", json={"name": name, "country": country, "profile": "traditional"}),
            201,
        )
        for name, country in (("Zagreb", "Croatia"), ("Aarhus", "Denmark"), ("Aarhus", "Elsewhere"))
    ]
    expect(await world.admin.put(f"/api/cities/{da_nang}/editors/{world.member.user['id']}"), 200)
    only_profile = {code: 0 for code in WEIGHTS} | {"complementary_profile": 3}
    expect(await world.admin.put("/api/matching/weights", json={"weights": only_profile}), 200)
    need = expect(
        await world.member.post(
            "/api/needs",
            json={"city_id": da_nang, "theme": "housing", "challenge": "Housing.", "help_kinds": ["exchange"]},
        ),
        201,
    )
    url = f"/api/needs/{need['id']}/matches"
    expected = [
        ("Aarhus", late[1]["id"]),
        ("Aarhus", late[2]["id"]),
        ("Antwerp", world.cities[0]["id"]),
        ("Toronto", world.cities[2]["id"]),
        ("Zagreb", late[0]["id"]),
    ]
    for _ in range(3):  # the same answer every time
        items = expect(await world.member.get(url), 200)["items"]
        assert {m["score"] for m in items} == {3}
        assert [(m["city"]["name"], m["city"]["id"]) for m in items] == expected
