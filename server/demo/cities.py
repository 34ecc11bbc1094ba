"""The demo's city profiles, self-assessments, needs and offers, so the city pages and the matching
show real suggestions out of the box. Figures are rounded and approximate: a demo, not statistics."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Need as NeedModel
from server.db.models import Offer as OfferModel
from server.db.models import Resource, User
from server.services import assessments, city_profiles, needs_offers

# The official of each city who keeps its profile (the `city editor` role).
EDITORS = {
    "antwerp": "sofie", "rotterdam": "ilse", "toronto": "priya", "marseille": "nadia", "wroclaw": "katarzyna",
    "medellin": "laura", "tijuana": "mariafernanda", "danang": "thuha", "chiangmai": "siriporn",
}  # fmt: skip


def _profile(year, population, trend, arrivals, share, origins, types, languages, office, email):
    return {
        "year": year,
        "population": {"value": population, "year": year},
        "population_trend": trend,
        "migration": {
            "main_origins": origins,
            "arrivals_per_year": {"value": arrivals, "year": year},
            "foreign_born_share": {"value": share, "year": year},
            "arrival_types": types,
        },
        "languages": languages,
        "offices": [{"name": office, "email": email}],
    }


PROFILES = {
    "antwerp": _profile(2024, 545_000, "growing", 9_500, 31.5, ["Morocco", "Netherlands", "Poland", "Syria"],
                        ["labour", "family", "asylum"], ["nl", "fr", "en"], "Integration and Civic Integration Service",
                        "integratie@antwerpen.example"),
    "rotterdam": _profile(2024, 665_000, "growing", 14_000, 34.0, ["Suriname", "Turkey", "Morocco", "Poland"],
                          ["labour", "family", "study"], ["nl", "en"], "Labour Migration Programme",
                          "arbeidsmigratie@rotterdam.example"),
    "toronto": _profile(2024, 2_800_000, "growing", 95_000, 46.6, ["India", "China", "Philippines", "Jamaica"],
                        ["labour", "family", "study", "asylum"], ["en", "fr", "es"], "Toronto Newcomer Office",
                        "newcomers@toronto.example"),
    "marseille": _profile(2024, 875_000, "stable", 7_000, 14.0, ["Algeria", "Comoros", "Tunisia", "Morocco"],
                          ["family", "asylum", "study"], ["fr", "en"], "Mission Intégration",
                          "integration@marseille.example"),
    "wroclaw": _profile(2024, 675_000, "growing", 45_000, 12.0, ["Ukraine", "Belarus", "Georgia", "India"],
                        ["labour", "asylum", "study"], ["pl", "en", "uk"], "Migrant Info Point",
                        "info@migrant-wroclaw.example"),
    "medellin": _profile(2024, 2_600_000, "growing", 30_000, 3.5, ["Venezuela", "Ecuador"],
                         ["labour", "family", "internal"], ["es", "en"], "Secretaría de Inclusión Social",
                         "migrantes@medellin.example"),
    "tijuana": _profile(2024, 1_950_000, "growing", 60_000, 8.0, ["Haiti", "Honduras", "Guatemala", "Venezuela"],
                        ["asylum", "labour", "internal"], ["es", "en"], "Dirección Municipal de Atención al Migrante",
                        "migrantes@tijuana.example"),
    "danang": _profile(2024, 1_250_000, "growing", 12_000, 0.6, ["South Korea", "China", "Japan"],
                       ["labour", "study", "internal"], ["vi", "en", "fr"], "Department of Foreign Affairs",
                       "foreign-affairs@danang.example"),
    "chiangmai": _profile(2024, 130_000, "stable", 9_000, 11.0, ["Myanmar", "Laos"],
                          ["labour", "family"], ["th", "en"], "Social Welfare Division", "welfare@chiangmai.example"),
}  # fmt: skip

# An earlier year for two cities, so their pages show a history.
EARLIER = {
    "antwerp": {"year": 2021, "population": {"value": 530_000, "year": 2021}},
    "wroclaw": {"year": 2021, "population": {"value": 640_000, "year": 2021}},
}

NEEDS = {
    "wroclaw": ("integration", "Since 2022 we receive tens of thousands of Ukrainian residents. We want one welcome "
                "desk where registration, housing help and language classes meet, instead of five offices.",
                ["en", "pl"], "2025–2026", ["mentoring", "study-visit"]),
    "danang": ("health", "Workers arriving from other provinces and abroad rarely use our health services. We look "
               "for a way to reach them through people they trust.", ["en", "fr"], "2025", ["exchange", "mentoring"]),
    "tijuana": ("employment", "People waiting at the border for months need lawful work while they wait. We want to "
                "learn how cities place newcomers in jobs quickly.", ["es", "en"], "2025", ["exchange", "study-visit"]),
    "chiangmai": ("labour-exploitation", "Migrant workers from Myanmar in construction and agriculture face unpaid "
                  "wages. We want inspections and a complaint channel they dare to use.", ["en", "th"], "2025–2027",
                  ["mentoring"]),
    "rotterdam": ("housing", "Labour migrants are housed by their employers in crowded homes. We want rules and "
                  "inspections that other cities have tested.", ["en", "nl"], "2025", ["exchange"]),
    "toronto": ("intercultural-dialogue", "Newer arrivals from Latin America do not take part in neighbourhood "
                "councils. We want to learn from cities that welcome them in Spanish.", ["en", "es"], "2025",
                ["exchange"]),
    "medellin": ("migrant-entrepreneurship", "Venezuelan residents open small businesses without access to credit or "
                 "advice. We look for a starter desk model.", ["es", "en"], "2025–2026", ["mentoring", "study-visit"]),
}  # fmt: skip

OFFERS = {
    "antwerp": ("One-stop welcome desk for newcomers", "Materials in Dutch and English; two study visits a year; "
                "the city hosts the visitors' staff for a week.", 2, ["en", "nl", "fr"]),
    "marseille": ("Médiateurs en santé dans les quartiers nord", "Training kit in French; mentoring by video once a "
                  "month for a year.", 1, ["fr", "en"]),
}  # fmt: skip

# Ratings of the built-in framework, item:code with met (m), partly (p), not yet (n). Chiang Mai's is still a draft.
RATINGS = {
    "antwerp": "rights-services:m rights-housing:p governance-office:m governance-data:m partnerships-civil-society:m "
               "wellbeing-language:m wellbeing-work:p orderly-welcome:m charter-employer:p",
    "rotterdam": "governance-office:m wellbeing-work:m rights-housing:n orderly-exploitation:p charter-buyer:m",
    "toronto": "rights-services:m governance-data:m wellbeing-work:m wellbeing-language:m partnerships-cities:m "
               "charter-policy:p",
    "marseille": "rights-services:m partnerships-civil-society:m charter-policy:m governance-data:p crises-plans:p",
    "wroclaw": "orderly-welcome:p wellbeing-language:p crises-plans:m governance-office:n rights-housing:n",
    "medellin": "rights-services:m partnerships-cities:m wellbeing-work:p charter-policy:n",
    "tijuana": "crises-plans:p rights-housing:n wellbeing-work:n partnerships-civil-society:m",
    "danang": "governance-office:p governance-data:n rights-services:p orderly-welcome:n",
    "chiangmai": "orderly-exploitation:n wellbeing-work:p rights-services:n",
}  # fmt: skip
RATING = {"m": "met", "p": "partly", "n": "not_yet"}
DRAFTS = {"chiangmai"}


def _ratings(spec: str) -> dict:
    return {item: {"rating": RATING[code]} for item, code in (word.split(":") for word in spec.split())}


async def load_cities(db: AsyncSession, admin: User, people: dict[str, User], city_ids: dict[str, int]) -> None:
    """Profiles (with an earlier year for some), editors, self-assessments, needs and offers."""
    for key, person in EDITORS.items():
        await city_profiles.set_editor(db, admin, city_ids[key], people[person].id, grant=True)
    for key, profile in PROFILES.items():
        editor = people[EDITORS[key]]
        if key in EARLIER:
            await city_profiles.update_profile(db, editor, city_ids[key], {**profile, **EARLIER[key]})
        await city_profiles.update_profile(db, editor, city_ids[key], dict(profile))
    for key, spec in RATINGS.items():
        body = {"framework_id": "local-integration", "framework_version": 1, "ratings": _ratings(spec)}
        await assessments.save(db, people[EDITORS[key]], city_ids[key], 2024, body | {"shared": key not in DRAFTS})
    for key, (theme, challenge, languages, timeframe, kinds) in NEEDS.items():
        fields = {"city_id": city_ids[key], "theme": theme, "challenge": challenge, "languages": languages}
        fields |= {"timeframe": timeframe, "help_kinds": kinds, "audience": "network", "space_ids": []}
        await needs_offers.create(db, people[EDITORS[key]], NeedModel, fields)
    for key, (title, conditions, capacity, languages) in OFFERS.items():
        practice = await db.scalar(
            select(Resource.id).where(Resource.title == title, Resource.city_id == city_ids[key])
        )
        fields = {"city_id": city_ids[key], "practice_id": practice, "transfer_conditions": conditions}
        fields |= {"mentoring_capacity": capacity, "languages": languages, "audience": "network", "space_ids": []}
        await needs_offers.create(db, people[EDITORS[key]], OfferModel, fields)
