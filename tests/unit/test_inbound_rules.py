"""The notice rules that posting and `ledger rebuild` share (webapp/domain/inbound.py)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.inbound import InvalidNotice, check_sscc, fill_in_order, open_on_notice
from webapp.domain.sscc import make_sscc


@given(expected=st.lists(st.integers(1, 50), min_size=1, max_size=5), receipts=st.lists(st.integers(1, 40), max_size=8))
def test_receipts_scanned_one_by_one_land_on_the_same_lines_as_their_total(expected, receipts):
    """A rebuild fills lines from the ledger's total; posting filled them scan by scan: the same split."""
    received = [0] * len(expected)
    for qty in receipts:
        for n, take in enumerate(fill_in_order([e - r for e, r in zip(expected, received)], qty)):
            received[n] += take
    assert received == fill_in_order(expected, sum(receipts))
    assert sum(received) == sum(receipts)


def test_lines_fill_in_order_and_the_excess_lands_on_the_last():
    assert fill_in_order([4, 3], 5) == [4, 1]
    assert fill_in_order([4, 3], 9) == [4, 5]
    assert fill_in_order([0, 3], 2) == [0, 2]


def test_a_linked_or_closed_line_adds_nothing_to_in_transit():
    assert open_on_notice(10, 4, "open", linked=False) == 6
    assert open_on_notice(10, 4, "open", linked=True) == 0
    assert open_on_notice(10, 4, "closed", linked=False) == 0
    assert open_on_notice(10, 12, "open", linked=False) == 0


def test_a_pallet_code_is_an_sscc_with_its_check_digit_bare_or_as_a_gs1_element_string():
    sscc = make_sscc("5012345", 42)
    assert check_sscc(sscc, 1) == sscc
    assert check_sscc("00" + sscc, 1) == sscc
    for bad in (sscc[:-1] + str((int(sscc[-1]) + 1) % 10), sscc[:-1], "ABCDEFGHIJKLMNOPQR"):
        with pytest.raises(InvalidNotice) as refused:
            check_sscc(bad, 2)
        assert refused.value.code == "invalid_sscc"
