"""Which failure counts a sign-in attempt is held to (webapp/domain/signin_limits.py)."""
from webapp.domain.signin_limits import buckets_for, is_person_bucket


def _buckets(**kw):
    args = {"username": "asha", "remote_addr": "10.0.0.5", "device_id": "asha-handheld", "known_device": False,
            "per_name": 5, "per_address": 30, **kw}
    return buckets_for(**args)


def test_on_a_handheld_she_signed_in_on_before_only_her_name_on_that_handheld_can_stop_her():
    buckets = _buckets(known_device=True)
    enforced = [b for b in buckets if b.enforced]
    assert [b.key.split(":")[0] for b in enforced] == ["name_device"] and enforced[0].limit == 5
    assert [b.key.split(":")[0] for b in buckets if not b.enforced] == ["addr"]  # counted, not enforced


def test_anywhere_else_her_name_from_that_address_and_the_address_itself_are_both_limited():
    for device in ("stranger-phone", None):
        buckets = _buckets(device_id=device)
        assert {(b.key.split(":")[0], b.limit, b.enforced) for b in buckets} == {("name_addr", 5, True), ("addr", 30, True)}


def test_buckets_come_sorted_so_they_are_always_locked_in_one_order():
    for known in (True, False):
        keys = [b.key for b in _buckets(known_device=known)]
        assert keys == sorted(keys)


def test_other_names_and_addresses_are_other_buckets_and_only_the_persons_own_is_forgiven():
    mine, theirs = _buckets(), _buckets(username="ravi")
    assert [b.key for b in mine if b.key.startswith("addr:")] == [b.key for b in theirs if b.key.startswith("addr:")]
    assert {b.key for b in mine if is_person_bucket(b)}.isdisjoint({b.key for b in theirs})
    assert {b.key for b in _buckets(remote_addr="203.0.113.66")}.isdisjoint({b.key for b in mine})
    assert all(len(b.key) <= 80 for b in _buckets(username="x" * 64, remote_addr="y" * 64, device_id="z" * 64))
