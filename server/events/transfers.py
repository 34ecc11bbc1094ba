"""The change-log kinds of practice transfers (issue 19), in the stream of the transfer's space.

Payloads carry ids, states and dates but no text: the plan, the log and the source record are
fetched with the permission check (the source may live in a space some readers cannot read).
So nothing needs redacting when a record is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.events.registry import Event, declare


@dataclass(frozen=True, kw_only=True)
class TransferPayload(Event):
    id: int
    space_id: int
    source_practice_id: int | None
    mentor_city_id: int | None
    implementing_city_ids: list[int]
    coordinator_id: int | None
    state: str
    starts_on: str
    ends_on: str | None


@dataclass(frozen=True, kw_only=True)
class _PlanItem(Event):
    transfer_id: int
    city_id: int


@declare("transfer.created")
class TransferCreated(TransferPayload):
    """A transfer was proposed: `{id, space_id, source_practice_id, mentor_city_id, implementing_city_ids,
    coordinator_id, state, starts_on, ends_on}` (its plans and template milestones exist from now)."""


@declare("transfer.updated")
class TransferUpdated(TransferPayload):
    """A transfer's state, dates or coordinator changed: as transfer.created, and `changed` (the field names)."""

    changed: list[str]


@declare("transfer.planned")
class TransferPlanned(_PlanItem):
    """An implementing city's plan (context, stakeholders, risks, indicators…) was saved:
    `{transfer_id, city_id, changed}`."""

    changed: list[str]


@declare("transfer.tracked")
class TransferTracked(_PlanItem):
    """A milestone of a plan was added or changed: `{transfer_id, city_id, milestone_id, state, due_on, added}`."""

    milestone_id: int
    state: str
    due_on: str
    added: bool


@declare("transfer.logged")
class TransferLogged(_PlanItem):
    """An entry was added to a plan's adaptation log: `{transfer_id, city_id, entry_id, kind, field}`
    (`kind` adaptation or comment; `field` the source record's field, null for a comment)."""

    entry_id: int
    kind: str
    field: str | None


@declare("transfer.completed")
class TransferCompleted(_PlanItem):
    """An implementing city completed its plan: `{transfer_id, city_id, practice_id}`, its own practice
    record (adapted from the source; announced as resource.created too)."""

    practice_id: int
