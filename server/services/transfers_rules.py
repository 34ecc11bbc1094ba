"""The rules of a practice transfer that need no database: its state machine, the order of its
dates, and the milestone template of a transfer plan (issue 19).

Kept apart from the service so the routes, the service and the tests share one definition of
which moves are allowed; a move outside it is a 409, not a 400, because the same request is
valid in another state.
"""

from __future__ import annotations

from datetime import date, timedelta

from server.errors import Conflict, Invalid, problem

STATES = ("proposed", "planning", "implementing", "reviewing", "completed", "stopped")
FINAL = frozenset({"completed", "stopped"})

# A transfer goes forward one step at a time, and may be stopped from any open state; nothing
# leaves a final state (a stopped transfer cannot complete).
TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"planning", "stopped"}),
    "planning": frozenset({"implementing", "stopped"}),
    "implementing": frozenset({"reviewing", "stopped"}),
    "reviewing": frozenset({"completed", "stopped"}),
    "completed": frozenset(),
    "stopped": frozenset(),
}

MILESTONE_STATES = ("open", "done", "dropped")

# URBACT's rhythm, "understand, adapt, re-use": (key, days after the start).
MILESTONE_TEMPLATE = (
    ("transfer_plan", 90),
    ("midpoint", 365),
    ("end_of_learning", 730),
    ("sharing", 820),
)


def check_state(value: object) -> str:
    if value not in STATES:
        raise Invalid("Invalid state.", fields={"state": problem("not_a_choice")})
    return value  # type: ignore[return-value]


def check_move(current: str, wanted: str) -> None:
    """Raise 409 unless `wanted` is one step allowed from `current` (staying put is allowed)."""
    check_state(wanted)
    if wanted != current and wanted not in TRANSITIONS[current]:
        raise Conflict(f"A transfer cannot go from {current} to {wanted}.")


def check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid(
            "The end comes before the start.",
            code="end_before_start",
            fields={"ends_on": problem("must_be_after", other="starts_on")},
        )


def template_milestones(starts_on: date) -> list[dict]:
    """The default milestones of a new plan, due at the template's offsets from the start."""
    return [
        {"key": key, "due_on": starts_on + timedelta(days=days), "state": "open"} for key, days in MILESTONE_TEMPLATE
    ]
