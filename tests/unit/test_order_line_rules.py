"""When the order desk may add or remove order lines, and which number a new line gets (domain/orders.py)."""
import pytest

from webapp.domain.errors import Conflict
from webapp.domain.orders import STATES, check_lines_open, next_line_no


@pytest.mark.parametrize("state", ["received", "validated", "backordered", "on_hold"])
def test_lines_of_an_order_not_yet_on_the_floor_may_change(state):
    check_lines_open(state, released=False)


@pytest.mark.parametrize("state", ["picking", "packed"])
def test_lines_of_an_order_on_the_floor_are_fixed(state):
    with pytest.raises(Conflict) as refused:
        check_lines_open(state, released=True)
    assert refused.value.code == "order_released"


def test_an_order_put_on_hold_from_its_walk_keeps_its_lines():
    with pytest.raises(Conflict) as refused:
        check_lines_open("on_hold", released=True)
    assert refused.value.code == "order_released"


@pytest.mark.parametrize("state", ["dispatched", "delivered", "cancelled"])
def test_lines_of_a_closed_order_never_change(state):
    with pytest.raises(Conflict) as refused:
        check_lines_open(state, released=False)
    assert refused.value.code == "order_closed"


def test_every_state_has_an_answer():
    for state in STATES:
        try:
            check_lines_open(state, released=False)
        except Conflict as refused:
            assert refused.code in ("order_closed", "order_released")


def test_a_removed_lines_number_is_never_given_to_a_new_line():
    assert next_line_no(highest_existing=2, highest_ever=0) == 3  # an order from before numbers were remembered
    assert next_line_no(highest_existing=2, highest_ever=3) == 4  # line 3 was removed: the new one is 4
    assert next_line_no(highest_existing=0, highest_ever=0) == 1
