"""The transfer state machine and date rules (server/services/transfers_rules.py)."""

from datetime import date

import pytest

from server.errors import Conflict, Invalid
from server.services import transfers_rules as rules


def test_forward_path_is_allowed_step_by_step():
    path = ["proposed", "planning", "implementing", "reviewing", "completed"]
    for current, wanted in zip(path, path[1:], strict=False):
        rules.check_move(current, wanted)


@pytest.mark.parametrize("current", ["proposed", "planning", "implementing", "reviewing"])
def test_open_transfers_can_stop(current):
    rules.check_move(current, "stopped")


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        ("stopped", "completed"),
        ("completed", "planning"),
        ("proposed", "implementing"),
        ("planning", "completed"),
        ("reviewing", "planning"),
        ("stopped", "proposed"),
    ],
)
def test_other_moves_conflict(current, wanted):
    with pytest.raises(Conflict):
        rules.check_move(current, wanted)


def test_unknown_state_is_invalid_not_conflict():
    with pytest.raises(Invalid) as caught:
        rules.check_move("proposed", "finished")
    assert caught.value.fields["state"].code == "not_a_choice"


def test_dates_in_order():
    rules.check_dates(date(2026, 1, 1), date(2026, 1, 1))
    rules.check_dates(None, date(2026, 1, 1))
    with pytest.raises(Invalid) as caught:
        rules.check_dates(date(2026, 2, 1), date(2026, 1, 1))
    assert caught.value.fields["ends_on"].code == "must_be_after"


def test_template_follows_understand_adapt_reuse():
    milestones = rules.template_milestones(date(2026, 1, 1))
    assert [m["key"] for m in milestones] == ["transfer_plan", "midpoint", "end_of_learning", "sharing"]
    dues = [m["due_on"] for m in milestones]
    assert dues == sorted(dues) and dues[0] > date(2026, 1, 1)
    assert {m["state"] for m in milestones} == {"open"}
