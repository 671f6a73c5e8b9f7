"""Valid text: no lone surrogate, no NUL, JSON at most 32 levels deep (the body object is level 1)."""
import pytest

from webapp.domain.text import MAX_JSON_DEPTH, InvalidText, check_json_value


def levels(n: int):
    value = 1
    for _ in range(n):
        value = {"x": value}
    return value


def test_a_body_exactly_32_levels_deep_is_accepted_and_33_is_refused():
    check_json_value(levels(MAX_JSON_DEPTH))
    with pytest.raises(InvalidText) as refused:
        check_json_value(levels(MAX_JSON_DEPTH + 1))
    assert refused.value.code == "invalid_json"


@pytest.mark.parametrize("body", [{"lot": "L\ud800"}, {"k\udfff": 1}, {"lines": [{"item": "\udc00"}]}])
def test_a_lone_surrogate_anywhere_is_invalid_text(body):
    with pytest.raises(InvalidText) as refused:
        check_json_value(body)
    assert refused.value.code == "invalid_text"


def test_a_proper_surrogate_pair_is_just_an_emoji_and_fine():
    check_json_value({"name": "box \U0001F4E6", "note": "caf\u00e9"})


def test_nul_is_refused_unless_the_caller_judges_it_per_field():
    with pytest.raises(InvalidText):
        check_json_value({"ref": "A\x00"})
    check_json_value({"ref": "A\x00"}, refuse_nul=False)


@pytest.mark.parametrize("body, code", [
    ({"lot": "L\ud83d", "ref": "\ude00"}, "invalid_text"),  # two halves in two texts are still two lone halves
    ({"k\ud83d": "\ude00"}, "invalid_text"),  # a key's end and its value's start
    ({"id": "m-1", "qty": 3, "ref": "A\x00"}, "invalid_json"),
    ({"id": "m-1", "x\x00": None}, "invalid_json"),
])
def test_a_flat_scan_judged_in_one_pass_is_refused_as_the_walk_refuses_it(body, code):
    with pytest.raises(InvalidText) as refused:
        check_json_value(body)
    assert refused.value.code == code
    check_json_value({"id": "m-1", "qty": 3, "ok": True, "none": None, "name": "box \U0001F4E6"})
