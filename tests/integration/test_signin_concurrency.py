"""Sign-in limits under concurrent guessing, through real gunicorn worker processes: counting a bucket's
failures and adding this attempt's happen under the bucket's lock, so no burst overshoots a limit."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import func, select

from webapp.db.models import LoginFailure, LoginThrottle
from webapp.domain.clock import utcnow
from webapp.extensions import db


def _guessall_at_once(live, usernames: list[str]) -> list[int]:
    barrier = threading.Barrier(len(usernames))

    def guess(username):
        session = requests.Session()
        barrier.wait()
        return session.post(f"{live.url}/api/v1/login", json={"username": username, "password": "guess-guess"},
                            timeout=120).status_code

    with ThreadPoolExecutor(max_workers=len(usernames)) as pool:
        return sorted(pool.map(guess, usernames))


def test_twenty_simultaneous_guesses_at_one_name_get_exactly_five_tries(app, make_user, live):
    make_user("asha", "picker")
    per_name = app.config["LOGIN_MAX_FAILURES"]
    statuses = _guessall_at_once(live, ["asha"] * 20)
    assert statuses == [401] * per_name + [429] * (20 - per_name)
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.bucket.like("name_addr:%"))) == per_name


def test_forty_simultaneous_guesses_from_one_address_get_exactly_thirty_tries(app, live):
    # Expired failures of other addresses lie around: every attempt prunes some while the others count.
    expired = utcnow() - timedelta(seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"] + 60)
    with db.unit_of_work() as s:
        for n in range(300):
            s.add(LoginThrottle(bucket=f"addr:expired-{n}", touched_at=expired))
            s.add(LoginFailure(username=f"old-{n}", remote_addr="198.51.100.7", bucket=f"addr:expired-{n}", at=expired))
    statuses = _guessall_at_once(live, [f"name-{n}" for n in range(40)])
    assert statuses == [401] * 30 + [429] * 10
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.at < utcnow() - timedelta(
            seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"]))) == 0
        assert s.scalar(select(func.count()).select_from(LoginThrottle).where(LoginThrottle.bucket.like("addr:expired-%"))) == 0
