"""SSCC (Serial Shipping Container Code): the 18-digit identity of a carton or pallet.

Layout: extension digit (1) + GS1 Company Prefix (4-12) + serial reference
(zero-padded to fill 16 digits together with the prefix) + check digit (1).
"""

from webapp.domain.checkdigit import has_valid_check_digit, with_check_digit

SSCC_LENGTH = 18
SSCC_BODY_LENGTH = SSCC_LENGTH - 1  # everything but the check digit
COMPANY_PREFIX_MIN_DIGITS = 4
COMPANY_PREFIX_MAX_DIGITS = 12
SSCC_APPLICATION_IDENTIFIER = "00"
MAX_CARTON_WEIGHT_G = 2_000_000  # a closed carton's weight, when given: 2 t is no carton


def make_sscc(company_prefix: str, serial_ref: int, extension_digit: int = 0) -> str:
    """The SSCC for `serial_ref` under `company_prefix`, check digit included.

    >>> make_sscc("0614141", 123456789, extension_digit=1)
    '106141411234567897'
    """
    if not isinstance(company_prefix, str) or not company_prefix.isascii() or not company_prefix.isdigit():
        raise ValueError("company_prefix must be a string of digits")
    if not COMPANY_PREFIX_MIN_DIGITS <= len(company_prefix) <= COMPANY_PREFIX_MAX_DIGITS:
        raise ValueError(
            f"company_prefix must have {COMPANY_PREFIX_MIN_DIGITS} to "
            f"{COMPANY_PREFIX_MAX_DIGITS} digits, got {len(company_prefix)}"
        )
    # bool is an int subclass; True as an extension digit or serial is a caller bug.
    if not isinstance(extension_digit, int) or isinstance(extension_digit, bool) or not 0 <= extension_digit <= 9:
        raise ValueError("extension_digit must be an integer from 0 to 9")
    serial_digits = SSCC_BODY_LENGTH - 1 - len(company_prefix)
    if not isinstance(serial_ref, int) or isinstance(serial_ref, bool) or serial_ref < 0:
        raise ValueError("serial_ref must be a non-negative integer")
    if serial_ref >= 10**serial_digits:
        raise ValueError(
            f"serial_ref {serial_ref} does not fit in the {serial_digits} digits "
            f"left by a {len(company_prefix)}-digit company prefix"
        )
    body = f"{extension_digit}{company_prefix}{serial_ref:0{serial_digits}d}"
    assert len(body) == SSCC_BODY_LENGTH, body
    return with_check_digit(body)


def is_valid_sscc(code: str) -> bool:
    """18 ASCII digits whose last digit is the right GS1 check digit."""
    return (
        isinstance(code, str)
        and len(code) == SSCC_LENGTH
        and code.isascii()
        and has_valid_check_digit(code)
    )


def sscc_element_string(sscc: str) -> str:
    """The GS1 element string `00` + SSCC that a GS1-128 carton label encodes."""
    if not is_valid_sscc(sscc):
        raise ValueError(f"not a valid SSCC: {sscc!r}")
    return SSCC_APPLICATION_IDENTIFIER + sscc
