"""`citybridge demo`: a realistic demo network of paired cities, officials and multilingual threads.

Everything is written through the services, exactly as the API would (every write appends its
change-log event). The content lives in `server.demo.content`.
"""

from __future__ import annotations

import re
import textwrap
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import User
from server.demo.cities import load_cities
from server.demo.content import CITIES, PASSWORD, PEOPLE, SPACES, THREADS
from server.demo.library import load_library
from server.demo.timeline import Timeline
from server.demo.transfers import load_transfers
from server.services import accounts, cities, messages, spaces, threads
from server.services.thread_access import thread_access

_MENTION = re.compile(r"@\{(\w+)\}")


def admin_email() -> str:
    return next(p["email"] for p in PEOPLE.values() if p.get("admin"))


async def load(db: AsyncSession, store=None) -> list[tuple[str, str, str]]:
    """Load the demo network in the caller's transaction; returns (email, password, role) for
    every account created, or [] when the demo is already loaded (its admin exists). Its
    conversations spread over the past weeks (server/demo/timeline.py); with a file `store`, the
    libraries get generated documents besides their practice records and links."""
    if await db.scalar(select(User.id).where(User.email == accounts.normalise_email(admin_email()))):
        return []
    timeline = await Timeline.begin(db)

    people: dict[str, User] = {}

    async def create_person(key: str, city_id: int | None) -> None:
        p = PEOPLE[key]
        people[key] = await accounts.create_user(
            db,
            email=p["email"],
            name=p["name"],
            password=PASSWORD,
            is_admin=p.get("admin", False),
            city_id=city_id,
            position=p["position"],
            languages=p["languages"],
            locale=p["locale"],
        )

    admin_key = next(k for k, p in PEOPLE.items() if p.get("admin"))
    await create_person(admin_key, None)
    admin = people[admin_key]

    # Reuse a city an admin already registered under the same name and country.
    known = {(c.name, c.country): c for c in await cities.list_cities(db)}
    city_ids = {}
    for key, fields in CITIES.items():
        city = known.get((fields["name"], fields["country"])) or await cities.create_city(db, admin, fields)
        city_ids[key] = city.id
    for key, p in PEOPLE.items():
        if key != admin_key:
            await create_person(key, city_ids[p["city"]])

    roles: dict[str, list[str]] = {admin_key: ["admin"]}
    space_ids = {}
    for key, s in SPACES.items():
        space = await spaces.create_space(
            db,
            admin,
            {
                "name": s["name"],
                "description": s["description"],
                "themes": s["themes"],
                "visibility": s["visibility"],
                "city_ids": [city_ids[c] for c in s["cities"]],
            },
        )
        space_ids[key] = space["id"]
        for person in [s["moderator"], *s["members"]]:
            role = "moderator" if person == s["moderator"] else "member"
            await spaces.add_member(db, space["id"], people[person], role)
            roles.setdefault(person, []).append(f"{role} of {s['name']}")

    created_cities = [c for key, c in city_ids.items() if (CITIES[key]["name"], CITIES[key]["country"]) not in known]
    await timeline.settle_setup([p.id for p in people.values()], created_cities, list(space_ids.values()))

    thread_ends = await _load_threads(db, timeline, people, space_ids)
    await load_library(db, timeline, people, space_ids, city_ids, thread_ends, store)
    await load_cities(db, admin, people, city_ids)
    await load_transfers(db, timeline, people, space_ids, city_ids)

    return [(people[k].email, PASSWORD, "; ".join(roles.get(k, ["no space"]))) for k in PEOPLE]


async def _load_threads(
    db: AsyncSession, timeline: Timeline, people: dict[str, User], space_ids: dict[str, int]
) -> dict[str, tuple[int, datetime]]:
    """Post the threads, replies and reactions, then date them; returns each thread's id and end."""

    def body(text: str) -> str:
        return _MENTION.sub(lambda m: "@" + people[m.group(1)].handle, textwrap.dedent(text).strip())

    thread_ends: dict[str, tuple[int, datetime]] = {}
    for index, t in enumerate(THREADS):
        (first_author, first_body, *first_reactions), *replies = t["messages"]
        started = await threads.start(
            db,
            people[first_author],
            space_ids[t["space"]],
            {"title": t["title"], "themes": t["themes"], "body": body(first_body), "client_id": f"demo:{t['key']}:0"},
        )
        posted = [(started["first_message"]["id"], first_reactions)]
        for n, (author, text, *reactions) in enumerate(replies, 1):
            thread, access = await thread_access(db, people[author], started["id"])
            message, _ = await messages.post(db, people[author], thread, access, body(text), f"demo:{t['key']}:{n}")
            posted.append((message["id"], reactions))
        for message_id, reactions in posted:
            for emoji, who in (reactions[0] if reactions else {}).items():
                for person in who:
                    await messages.react(db, people[person], message_id, emoji, add=True)
        if t.get("pinned"):
            moderator = people[SPACES[t["space"]]["moderator"]]
            await threads.update(db, moderator, started["id"], {"pinned": True})
        times = timeline.thread_times(index, len(THREADS), t["key"], len(posted))
        await timeline.settle_thread(started["id"], [message_id for message_id, _ in posted], times)
        thread_ends[t["key"]] = (started["id"], times[-1])
    return thread_ends
