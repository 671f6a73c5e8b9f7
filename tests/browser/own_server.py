"""A demo server of a test's own, in another process, for tests that must not reach the shared demo server (a
second warehouse, say: the shared server's orders name no warehouse). Set up through the command line and the
API only: this process's database engine belongs to the shared demo server."""
import json
import subprocess
import sys
from contextlib import contextmanager

import requests

from tests.browser.network import FloorNetwork
from tests.integration.live_server import ROOT, LiveServer

SET_UP = """
import json, sys
from webapp import create_app
from webapp.db.migrate import upgrade
from webapp.extensions import db
from webapp.services.demo import seed_demo
from webapp.services.users import issue_token
upgrade(sys.argv[1])
create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x"})
with db.unit_of_work() as s:
    seed_demo(s)
    print(json.dumps({name: issue_token(s, name) for name in ("admin", "maria", "ravi")}))
"""


def in_own_process(script: str, url: str) -> str:
    """The last line `script` prints, run with the database `url` as its argument."""
    done = subprocess.run([sys.executable, "-c", script, url], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def own_demo_server(tmp_path_factory, name: str):
    """The demo warehouse on a SQLite file of its own, served by one worker behind a FloorNetwork. Yields
    (network, api, database url); `api(method, path, who, body)` → (status, JSON) as admin, maria or ravi."""
    url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'dockhand.sqlite3'}"
    tokens = json.loads(in_own_process(SET_UP, url))
    server = LiveServer(url, workers=1, threads=8).start()
    network = FloorNetwork(server.port)

    def api(method, path, who, body=None):
        answer = requests.request(method, server.url + path, json=body, timeout=30,
                                  headers={"Authorization": f"Bearer {tokens[who]}"})
        return answer.status_code, answer.json()

    try:
        yield network, api, url
    finally:
        network.close()
        server.stop()
