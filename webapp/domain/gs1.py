"""GS1 element strings (GS1-128, GS1 DataMatrix/QR, DataBar, HRI, bare GTINs) → scan fields.

The device twin is pwa/scan/gs1.js; tests/gs1_vectors.json holds both to the same answers.
biip splits and validates each element string; this module adds what biip leaves to callers
(symbology identifiers, bare GTINs, our output shape, stable error codes) and the date rules.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from biip import ParseConfig, ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString

from webapp.domain.checkdigit import has_valid_check_digit

GS = "\x1d"  # what scanners send for FNC1, the separator after a variable-length field
GS1_SYMBOLOGIES = ("]C1", "]d2", "]Q3", "]e0")  # GS1-128, GS1 DataMatrix, GS1 QR, DataBar
GTIN_SYMBOLOGIES = ("]E0", "]E4")  # EAN-13/UPC-A, EAN-8: a bare GTIN
GTIN_LENGTHS = (8, 12, 13, 14)

CHECK_DIGIT_AIS = {"00", "01", "02", "03"}
DATE_AIS = {"11", "12", "13", "15", "16", "17"}  # YYMMDD
COUNT_AIS = {"30", "37"}
FIELDS = {
    "00": "sscc", "01": "gtin", "02": "content_gtin", "10": "lot", "21": "serial",
    "11": "production_date", "15": "best_before", "17": "expiry", "30": "count", "37": "trade_item_count",
}

# biip resolves two-digit years against the wall clock (not injectable) and rejects a date that is
# invalid in *that* century, so its date check is off here and _iso_date applies GS1 7.12 itself.
_BIIP_CONFIG = ParseConfig(gs1_element_strings_verify_date=False, separator_chars=(GS,))
_HRI_ELEMENT = re.compile(r"\((\d+)\)([^(]*)", re.ASCII)
_SPACES = re.compile(r"[ \t\r\n]+")  # not str.split(): Python counts GS as whitespace
_DIGITS = re.compile(r"\d+", re.ASCII)
_AI_START = re.compile(r"\d\d", re.ASCII)


class Gs1Error(ValueError):
    """A scan that is not a usable GS1 code; `code` is one of CODES."""

    CODES = ("invalid_check_digit", "unknown_ai", "invalid_date", "malformed")

    def __init__(self, code: str, message: str):
        assert code in self.CODES, code
        super().__init__(message)
        self.code = code
        self.message = message


def parse_gs1(text: str, today: date | None = None) -> dict:
    """The fields of a scanned GS1 code; `today` fixes the century of two-digit years."""
    year = (today or date.today()).year
    body = text.strip(" \t\r\n")  # keyboard-wedge scanners end with Enter
    symbology = None
    if body.startswith("]"):
        symbology, body = body[:3], body[3:]
        if symbology in GTIN_SYMBOLOGIES:
            return _bare_gtin(body)
        if symbology not in GS1_SYMBOLOGIES:
            raise Gs1Error("malformed", f"{symbology} is not a GS1 symbology")
    if not body:
        raise Gs1Error("malformed", "no data")
    # Without a symbology identifier, 8/12/13/14 digits are an EAN/UPC/ITF-14 GTIN, not element strings.
    if symbology is None and _DIGITS.fullmatch(body) and len(body) in GTIN_LENGTHS:
        return _bare_gtin(body)
    elements = _split_hri(body) if body.startswith("(") else _split_raw(body)
    if not elements:
        raise Gs1Error("malformed", "no element strings")
    return _interpret(elements, year)


def _bare_gtin(digits: str) -> dict:
    if not (_DIGITS.fullmatch(digits) and len(digits) in GTIN_LENGTHS):
        raise Gs1Error("malformed", "not a GTIN")
    if not has_valid_check_digit(digits):
        raise Gs1Error("invalid_check_digit", f"GTIN {digits} has a wrong check digit")
    return {"gtin": digits.zfill(14)}


def _known_ai(candidate: str) -> GS1ApplicationIdentifier | None:
    """The AI that `candidate` starts with (AIs are prefix-free), or None."""
    try:
        return GS1ApplicationIdentifier.extract(candidate)
    except ParseError:
        return None


def _is_variable(ai: GS1ApplicationIdentifier) -> bool:
    return ".." in ai.format or "[" in ai.format  # e.g. "N2+X..20", "N4+N6[+N6]"


def _split_hri(body: str) -> list[tuple[str, str]]:
    """'(01)05012345678900(10)L2311': the AIs are given, so each value must fit its AI exactly."""
    hri = _SPACES.sub("", body)  # printed HRI is often spaced; GS1 character set 82 has no spaces
    elements = []
    matched = ""
    for match in _HRI_ELEMENT.finditer(hri):
        number, value = match.groups()
        ai = _known_ai(number)
        if ai is None or ai.ai != number:
            raise Gs1Error("unknown_ai", f"unknown AI ({number})")
        try:
            GS1ElementString.parse(number + value, config=_BIIP_CONFIG)
        except (ParseError, ValueError, ArithmeticError) as exc:
            if not _is_date_digits(number, value):
                raise Gs1Error("malformed", f"AI ({number}) does not fit its format: {value!r}") from exc
        if not value:  # biip lets AI 30 be empty; a count needs digits
            raise Gs1Error("malformed", f"AI ({number}) is empty")
        elements.append((number, value))
        matched += match.group(0)
    if matched != hri:
        raise Gs1Error("malformed", "not a sequence of (AI)value")
    return elements


def _split_raw(body: str) -> list[tuple[str, str]]:
    """Element strings as scanned: predefined-length fields run on, variable ones end at GS or the end."""
    elements = []
    rest = body
    while rest:
        if rest.startswith(GS):  # also a leading FNC1 sent as GS
            rest = rest[1:]
            continue
        if not _AI_START.match(rest):
            raise Gs1Error("malformed", f"expected an AI at position {len(body) - len(rest)}")
        ai = _known_ai(rest)
        if ai is None:
            raise Gs1Error("unknown_ai", f"unknown AI at position {len(body) - len(rest)}: {rest[:4]}")
        try:
            value = GS1ElementString.extract(rest, config=_BIIP_CONFIG).value
        except (ParseError, ValueError, ArithmeticError) as exc:
            value = rest[len(ai) : len(ai) + 6]
            if not _is_date_digits(ai.ai, value):
                raise Gs1Error("malformed", f"AI ({ai.ai}) does not fit its format") from exc
        rest = rest[len(ai) + len(value) :]
        # biip stops a variable field at its maximum length or at a character it may not contain
        # and reads on as if a new AI started there; per the spec the field runs to GS, so it is bad.
        if _is_variable(ai) and (not value or (rest and not rest.startswith(GS))):
            raise Gs1Error("malformed", f"AI ({ai.ai}) does not fit its format")
        elements.append((ai.ai, value))
    return elements


def _is_date_digits(ai: str, value: str) -> bool:
    """biip's date patterns reject month 13 or day 32 as a format mismatch. To us six digits are a
    date's format; _iso_date reports it as invalid_date once the whole message is split, like gs1.js."""
    return ai in DATE_AIS and len(value) == 6 and _DIGITS.fullmatch(value) is not None


def _interpret(elements: list[tuple[str, str]], year: int) -> dict:
    data: dict = {}
    ais: dict[str, str] = {}
    for ai, value in elements:
        if ais.get(ai, value) != value:
            raise Gs1Error("malformed", f"AI ({ai}) appears twice with different values")
        ais[ai] = value
        if ai in CHECK_DIGIT_AIS and not has_valid_check_digit(value):
            raise Gs1Error("invalid_check_digit", f"AI ({ai}) {value} has a wrong check digit")
        parsed: str | int = value
        if ai in DATE_AIS:
            parsed = _iso_date(ai, value, year)
        if ai in COUNT_AIS:
            parsed = int(value)
        if ai in FIELDS:
            data[FIELDS[ai]] = parsed
    data["ais"] = ais
    return data


def _iso_date(ai: str, yymmdd: str, current_year: int) -> str:
    """GS1 General Specifications 7.12: a two-digit year lies within -49..+50 years of the current
    year; day 00 means the last day of the month."""
    yy, mm, dd = int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    century = current_year - current_year % 100
    difference = yy - current_year % 100
    year = yy + (century - 100 if difference >= 51 else century + 100 if difference <= -50 else century)
    last_day = calendar.monthrange(year, mm)[1] if 1 <= mm <= 12 else 0
    if not last_day or dd > last_day:
        raise Gs1Error("invalid_date", f"AI ({ai}) {yymmdd} is not a date")
    return date(year, mm, dd or last_day).isoformat()
