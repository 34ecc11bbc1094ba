"""Which events may end a subscriber's right to read a space (docs/realtime.md, "Access").

Delivery to the socket stops at such an event, in the same step as it is dispatched; the right is
then checked again (server.services.access.read_standings, batched) before delivery goes on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from server import events

if TYPE_CHECKING:
    from realtime.connection import Sub
    from realtime.log import Event


def revokes(sub: Sub, event: Event) -> bool:
    """Whether this event may end the subscriber's right to read the space (or conversation)."""
    payload = event.data
    if sub.key[0] == "conversation":
        return isinstance(payload, events.ConversationLeft) and payload.user["id"] == sub.conn.user_id
    if sub.key[0] != "space":
        return False
    if isinstance(payload, events.MemberPayload | events.MemberRemoved | events.MemberRefused):
        # removed, suspended, refused, updated to a non-active state...: check again. (A change
        # that leaves the user an active member cannot take the right away.)
        state = payload.state if isinstance(payload, events.MemberPayload) else None
        return payload.user["id"] == sub.conn.user_id and state != "active"
    if isinstance(payload, events.SpaceUpdated):
        return payload.visibility != "network" and not sub.via_membership
    return False
