"""Demo transfers (issue 19): Antwerp's one-stop welcome desk taken up by Wrocław (completed, with
its adapted record, so the lineage shows an edge) and Medellín's banking with the PPT under way in
Tijuana (implementing). Written through the services, so they obey the same rules as the API."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Resource, TransferMilestone, TransferPlan, User
from server.services import transfer_completion, transfer_plans, transfers
from server.services.accounts import now

if TYPE_CHECKING:
    from server.demo.timeline import Timeline

JOURNEYS = [
    dict(
        space="antwerp-wroclaw",
        source="One-stop welcome desk for newcomers",
        coordinator="sofie",
        official="katarzyna",
        city="wroclaw",
        days_ago=900,
        states=["planning", "implementing", "reviewing", "completed"],
        plan=dict(
            local_context="Since 2022 Wrocław is home to a very large Ukrainian community; newcomers meet "
            "five offices in their first month and many never reach the language courses.",
            adaptations="One desk in the Migrant Info Point rather than the town hall, with the regional "
            "labour office present two days a week; no fines, so no home visit before a sanction.",
            stakeholders="Migrant Info Point, municipal social welfare centre, regional labour office, "
            "Ukrainian community organisations.",
            resources="Two desk officers, interpreters from the community organisations, a shared agenda.",
            risks="Staff turnover; a drop in EU funding after the emergency period.",
            indicators=[
                dict(
                    name="Newcomers with a personal plan within a month",
                    unit="%",
                    baseline=15,
                    target=60,
                    measurements=[(300, 34.0, "After the pilot district"), (700, 58.0, "City-wide")],
                ),
                dict(
                    name="Offices a newcomer visits in the first month",
                    unit="offices",
                    baseline=5,
                    target=2,
                    measurements=[(700, 2.0, "")],
                ),
            ],
        ),
        log=[
            (
                "katarzyna",
                "adaptation",
                "partners",
                "The regional labour office instead of VDAB.",
                "Employment services are regional in Poland too, but run by the voivodeship.",
            ),
            (
                "katarzyna",
                "adaptation",
                "process",
                "No home visit before a fine.",
                "Polish integration has no compulsory trajectory, so there are no fines to prevent.",
            ),
            (
                "sofie",
                "comment",
                None,
                "",
                "Start with two partners at the desk; add the others once the "
                "shared agenda works. That is what saved us in the first year.",
            ),
            ("lukasz", "adaptation", "language", "Intake in Ukrainian and Polish.", "Who arrives."),
        ],
    ),
    dict(
        space="americas",
        source="Bancarización con el Permiso por Protección Temporal",
        coordinator="priya",
        official="mariafernanda",
        city="tijuana",
        days_ago=200,
        states=["planning", "implementing"],
        plan=dict(
            local_context="Tijuana became a city of arrival: many newcomers work without a bank account "
            "and are paid in cash.",
            adaptations="The workshops train branch staff to accept the humanitarian visa (TVRH) instead of "
            "the PPT, which does not exist in Mexico.",
            stakeholders="Local banks, the state labour office, shelters, employers of the maquiladoras.",
            resources="One trainer from the municipality, a one-page guide for counters.",
            risks="Banks' head offices may override local branches.",
            indicators=[
                dict(
                    name="Accounts opened with a TVRH",
                    unit="accounts",
                    baseline=0,
                    target=1500,
                    measurements=[(60, 120.0, "First three branches")],
                ),
            ],
        ),
        log=[
            (
                "mariafernanda",
                "adaptation",
                "title",
                "Banking with the humanitarian visa (TVRH).",
                "The document differs; the idea is the same.",
            ),
            ("laura", "comment", None, "", "The hotline for refused cases matters more than the workshop."),
        ],
    ),
]


async def load_transfers(
    db: AsyncSession, timeline: Timeline, people: dict[str, User], space_ids: dict, city_ids: dict
) -> None:
    """The adapted record is dated a few days ago, like the rest of the library (timeline)."""
    for journey in JOURNEYS:
        source_id = await db.scalar(
            select(Resource.id).where(
                Resource.title == journey["source"], Resource.space_id == space_ids[journey["space"]]
            )
        )
        if source_id is None:  # the library left it out (a trimmed demo)
            continue
        coordinator, official = people[journey["coordinator"]], people[journey["official"]]
        city_id = city_ids[journey["city"]]
        start = now().date() - timedelta(days=journey["days_ago"])
        created = await transfers.create(
            db,
            coordinator,
            {
                "source_practice_id": source_id,
                "implementing_city_ids": [city_id],
                "space_id": space_ids[journey["space"]],
                "starts_on": start,
                "ends_on": start + timedelta(days=900),
            },
        )
        plan = dict(journey["plan"])
        plan["indicators"] = [
            {
                **i,
                "measurements": [
                    {"on": start + timedelta(days=d), "value": v, "note": n} for d, v, n in i["measurements"]
                ],
            }
            for i in plan["indicators"]
        ]
        await transfer_plans.put_plan(db, official, created["id"], city_id, plan)
        for author, kind, field, change, why in journey["log"]:
            entry = {"kind": kind, "field": field, "change": change, "reason": why, "notes": ""}
            if kind == "comment":
                entry = {"kind": kind, "notes": why}
            await transfer_plans.add_log_entry(db, people[author], created["id"], city_id, entry)
        plan_id = select(TransferPlan.id).where(TransferPlan.transfer_id == created["id"])
        for milestone in await db.scalars(select(TransferMilestone).where(TransferMilestone.plan_id.in_(plan_id))):
            if milestone.due_on < now().date():
                await transfer_plans.update_milestone(db, official, milestone.id, {"state": "done"})
        for state in journey["states"]:
            if state == "completed":
                record = await transfer_completion.complete(db, official, created["id"], city_id)
                await timeline.settle_resource(record["id"], timeline.now - timedelta(days=3))
            await transfers.update(db, coordinator, created["id"], {"state": state})
