"""GS1 mod-10 check digits (GTIN-8/12/13/14, SSCC, GLN): the one place the rule lives."""


def gs1_check_digit(body: str) -> int:
    """Check digit for the digits of `body` (everything but the check digit itself)."""
    if not body.isdigit():
        raise ValueError("GS1 check digits are computed over digits only")
    total = 0
    # Weights alternate 3, 1, 3, ... starting from the rightmost digit of the body.
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def has_valid_check_digit(code: str) -> bool:
    return len(code) >= 2 and code.isdigit() and gs1_check_digit(code[:-1]) == int(code[-1])


def with_check_digit(body: str) -> str:
    return body + str(gs1_check_digit(body))


def normalise_gtin(code: str) -> str:
    """GTIN-8/12/13/14 as 14 digits, so an EAN-13 and its GTIN-14 form look up the same item.

    Anything that is not 8, 12, 13 or 14 digits is returned unchanged (a SKU, a Code 128 label).
    """
    if code.isdigit() and len(code) in (8, 12, 13, 14):
        return code.zfill(14)
    return code
