import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.checkdigit import gs1_check_digit, has_valid_check_digit
from webapp.domain.sscc import is_valid_sscc, make_sscc, sscc_element_string


def test_sscc_matches_the_published_gs1_example():
    # The GS1 General Specifications' example SSCC: extension 1, prefix 0614141, serial 123456789.
    assert make_sscc("0614141", 123456789, extension_digit=1) == "106141411234567897"


def test_sscc_with_extension_zero_gets_its_own_check_digit():
    body = "0" + "0614141" + "123456789"
    assert gs1_check_digit(body) == 0
    assert make_sscc("0614141", 123456789) == "006141411234567890"


def test_short_serial_reference_is_zero_padded_to_fill_seventeen_digits():
    sscc = make_sscc("0614141", 42, extension_digit=3)
    assert sscc[:17] == "3" + "0614141" + "000000042"
    assert len(sscc) == 18
    assert has_valid_check_digit(sscc)


def test_longer_company_prefix_leaves_fewer_serial_digits():
    assert make_sscc("061414112345", 42)[:17] == "0" + "061414112345" + "0042"
    with pytest.raises(ValueError, match="does not fit in the 4 digits"):
        make_sscc("061414112345", 10_000)


@pytest.mark.parametrize("prefix", ["", "123", "1234567890123", "06141A1", "０６１４１４１", " 0614141"])
def test_company_prefix_must_be_4_to_12_ascii_digits(prefix):
    with pytest.raises(ValueError):
        make_sscc(prefix, 1)


@pytest.mark.parametrize("extension", [-1, 10, True, "1"])
def test_extension_digit_is_a_single_digit(extension):
    with pytest.raises(ValueError):
        make_sscc("0614141", 1, extension_digit=extension)


@pytest.mark.parametrize("serial", [-1, 10**9, 1.0, "123"])
def test_serial_reference_is_a_non_negative_integer_that_fits(serial):
    with pytest.raises(ValueError):
        make_sscc("0614141", serial)


def test_sscc_element_string_prefixes_application_identifier_00():
    assert sscc_element_string("106141411234567897") == "00106141411234567897"
    with pytest.raises(ValueError):
        sscc_element_string("106141411234567898")  # wrong check digit


@pytest.mark.parametrize(
    "code, valid",
    [
        ("106141411234567897", True),
        ("106141411234567890", False),
        ("10614141123456789", False),
        ("1061414112345678970", False),
        ("", False),
    ],
)
def test_is_valid_sscc(code, valid):
    assert is_valid_sscc(code) is valid


@given(
    prefix=st.text(alphabet="0123456789", min_size=4, max_size=12),
    extension=st.integers(min_value=0, max_value=9),
    data=st.data(),
)
def test_every_sscc_is_18_digits_with_a_valid_check_digit(prefix, extension, data):
    serial = data.draw(st.integers(min_value=0, max_value=10 ** (16 - len(prefix)) - 1))
    sscc = make_sscc(prefix, serial, extension_digit=extension)
    assert len(sscc) == 18
    assert is_valid_sscc(sscc)
    assert sscc.startswith(f"{extension}{prefix}")
    assert int(sscc[1 + len(prefix) : 17]) == serial
