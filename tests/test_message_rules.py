"""The message rules hold for every caller of the services, not only the HTTP routes."""

from __future__ import annotations

import pytest

from server.db.models import User
from server.errors import Invalid
from server.services import messages, threads


async def test_services_refuse_overlong_messages_and_non_emoji_reactions(db):
    someone = User(id=1, is_admin=True)  # the rules come before any lookup
    too_long = "x" * (messages.MAX_CHARS + 1)
    with pytest.raises(Invalid) as refused:
        await threads.start(db, someone, 1, {"title": "T", "body": too_long})
    assert refused.value.code == "too_long" and "body" in refused.value.fields
    with pytest.raises(Invalid):
        await threads.start(db, someone, 1, {"title": "T", "body": "short"}, max_chars=3)
    with pytest.raises(Invalid) as refused:
        await messages.edit(db, someone, 1, too_long)
    assert refused.value.code == "too_long"
    for not_one_emoji in ("abc", "", "👍" * 17, "1"):
        with pytest.raises(Invalid) as refused:
            await messages.react(db, someone, 1, not_one_emoji, add=True)
        assert refused.value.fields == {"emoji": "not an emoji"}
    assert messages.check_emoji("👍🏽") == "👍🏽"
