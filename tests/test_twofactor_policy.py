"""A city requiring two-factor of its officials (cities.require_totp), against the real server."""

from __future__ import annotations

from sqlalchemy import select

from server.db.models import AuditEntry, Event
from tests.harness import expect
from tests.realtime_helpers import Live
from tests.test_twofactor import code


def refused_for_setup(response) -> bool:
    return expect(response, 403)["error"]["code"] == "totp_setup_required"


async def test_a_city_requiring_two_factor_holds_its_officials_until_they_enrol(world, db):
    da_nang = world.cities[1]["id"]  # the member's city; the moderator is of Antwerp, `other` of Toronto
    changed = expect(await world.admin.patch(f"/api/cities/{da_nang}", json={"require_totp": True}), 200)
    assert changed["require_totp"] is True
    assert expect(await world.admin.get(f"/api/cities/{da_nang}"), 200)["require_totp"] is True
    # Audited for the security officer, and announced to the spaces the city pairs (A and B), like other city changes.
    audited = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "city.require_totp"))).all()
    assert [(a.target_id, a.actor_id, a.details) for a in audited] == [
        (da_nang, world.admin.user["id"], {"require_totp": True})
    ]
    announced = (await db.scalars(select(Event).where(Event.kind == "space.updated").order_by(Event.id))).all()
    paired = {e.space_id for e in announced if any(c.get("require_totp") for c in e.data.get("cities", []))}
    assert paired == {world.space_a["id"], world.space_b["id"]}

    # The official of that city, by cookie or by API token, can only enrol.
    assert refused_for_setup(await world.member.get("/api/spaces"))
    assert refused_for_setup(await world.member.post(f"/api/spaces/{world.space_a['id']}/threads", json={}))
    assert refused_for_setup(await world.bearer.get("/api/spaces"))
    expect(await world.member.get("/api/me"), 200)
    assert expect(await world.member.get("/api/me/totp"), 200) == {
        "enabled": False,
        "recovery_codes_left": 0,
        "required": True,
    }
    # Officials of other cities are unaffected.
    for unaffected in (world.moderator, world.other):
        expect(await unaffected.get("/api/spaces"), 200)
        assert expect(await unaffected.get("/api/me/totp"), 200)["required"] is False

    secret = expect(await world.member.post("/api/me/totp"), 200)["secret"]
    expect(await world.member.post("/api/me/totp/confirm", json={"code": code(secret)}), 200)
    expect(await world.member.get("/api/spaces"), 200)
    thread = {"title": "Enrolled", "body": "Now I can write."}
    expect(await world.member.post(f"/api/spaces/{world.space_a['id']}/threads", json=thread), 201)
    expect(await world.bearer.get("/api/spaces"), 200)
    assert expect(await world.member.get("/api/me/totp"), 200)["required"] is True


async def test_turning_the_requirement_off_lifts_it(world):
    toronto = world.cities[2]["id"]
    expect(await world.admin.patch(f"/api/cities/{toronto}", json={"require_totp": True}), 200)
    assert refused_for_setup(await world.other.get("/api/spaces"))
    off = expect(await world.admin.patch(f"/api/cities/{toronto}", json={"require_totp": False}), 200)
    assert off["require_totp"] is False
    expect(await world.other.get("/api/spaces"), 200)
    assert expect(await world.other.get("/api/me/totp"), 200)["required"] is False


async def test_only_admins_and_the_citys_own_editors_set_the_rule(world):
    antwerp, da_nang = world.cities[0]["id"], world.cities[1]["id"]
    for person, city in ((world.moderator, antwerp), (world.member, da_nang), (world.outsider, antwerp)):
        refused = await person.patch(f"/api/cities/{city}", json={"require_totp": True})
        assert expect(refused, 403)["error"]["code"] == "not_an_admin", refused.text
    expect(await world.anonymous.patch(f"/api/cities/{antwerp}", json={"require_totp": True}), 401)
    # An editor of Antwerp (and an official of it) may set Antwerp's rule, and nothing else of the city...
    expect(await world.admin.put(f"/api/cities/{antwerp}/editors/{world.moderator.user['id']}"), 200)
    both = {"require_totp": True, "region": "Antwerp province"}
    expect(await world.moderator.patch(f"/api/cities/{antwerp}", json=both), 403)
    expect(await world.moderator.patch(f"/api/cities/{da_nang}", json={"require_totp": True}), 403)
    assert expect(await world.admin.get(f"/api/cities/{da_nang}"), 200)["require_totp"] is False
    set_on = expect(await world.moderator.patch(f"/api/cities/{antwerp}", json={"require_totp": True}), 200)
    assert set_on["require_totp"] is True and set_on["region"] == "Flanders"
    # ...and is then held by it like every official of the city: enrol first, even to turn it off again.
    assert refused_for_setup(await world.moderator.patch(f"/api/cities/{antwerp}", json={"require_totp": False}))
    assert refused_for_setup(await world.moderator.get("/api/spaces"))


async def test_a_socket_is_refused_until_the_official_enrols(server, world):
    """The websocket applies the same rule as HTTP: live events of the city's spaces wait for enrolment."""
    da_nang = world.cities[1]["id"]
    expect(await world.admin.patch(f"/api/cities/{da_nang}", json={"require_totp": True}), 200)
    for client, origin in ((world.member, "same"), (world.bearer, None)):
        held = await Live.open(server.base_url, client, origin=origin)
        assert await held.closed() == 4428
    unaffected = await Live.open(server.base_url, world.other)
    await unaffected.of_type("hello")
    await unaffected.close()
    secret = expect(await world.member.post("/api/me/totp"), 200)["secret"]
    expect(await world.member.post("/api/me/totp/confirm", json={"code": code(secret)}), 200)
    enrolled = await Live.open(server.base_url, world.member)
    await enrolled.of_type("hello")
    await enrolled.close()
