"""Sign-in limits under concurrent guessing, through real gunicorn worker processes: counting a bucket's
failures and adding this attempt's happen under the bucket's lock, so no burst overshoots a limit."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from tests.integration.live_server import LiveServer
from webapp.db.models import LoginFailure
from webapp.extensions import db


@pytest.fixture
def live(app):
    server = LiveServer(app.config["DATABASE_URL"]).start()
    yield server
    server.stop()


def _guess_all_at_once(live, usernames: list[str]) -> list[int]:
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
    statuses = _guess_all_at_once(live, ["asha"] * 20)
    assert statuses == [401] * per_name + [429] * (20 - per_name)
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.bucket.like("name_addr:%"))) == per_name


def test_forty_simultaneous_guesses_from_one_address_get_exactly_thirty_tries(app, live):
    statuses = _guess_all_at_once(live, [f"name-{n}" for n in range(40)])
    assert statuses == [401] * 30 + [429] * 10
