"""The demo's cities (issue 18): every city has a profile, a self-assessment and a need or an
offer, and the matching suggests sensible partners out of the box."""

from __future__ import annotations

from sqlalchemy import select

from server import demo
from server.db.models import City, CityAssessment, CityProfile, Need, Offer, User
from server.services import matching


async def test_every_demo_city_has_a_profile_an_assessment_and_a_need_or_offer(db):
    await demo.load(db)
    await db.commit()
    cities = {c.id: c for c in (await db.scalars(select(City))).all()}
    profiles = {p.city_id: p for p in (await db.scalars(select(CityProfile))).all()}
    assert set(profiles) == set(cities) and all(p.data["population"]["value"] > 0 for p in profiles.values())
    assessed = (await db.scalars(select(CityAssessment))).all()
    assert {a.city_id for a in assessed} == set(cities) and sum(not a.shared for a in assessed) == 1
    needs = (await db.scalars(select(Need))).all()
    posting = {n.city_id for n in needs} | set((await db.scalars(select(Offer.city_id))).all())
    assert posting == set(cities)

    # Wrocław's need for a welcome desk: Antwerp, with its reviewed desk and offer, comes first.
    viewer = await db.scalar(select(User).where(User.is_admin))
    wroclaw = next(n for n in needs if cities[n.city_id].name == "Wrocław")
    ranked = await matching.for_need(db, viewer, wroclaw)
    assert ranked[0]["city"]["name"] == "Antwerp"
    assert {"practice_on_theme", "offer_on_theme", "complementary_profile"} <= {r["code"] for r in ranked[0]["reasons"]}
