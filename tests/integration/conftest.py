"""Fixtures the integration tests share."""
import pytest

from tests.integration.live_server import LiveServer


@pytest.fixture
def live(app):
    """The app in two gunicorn worker processes on the test's database."""
    server = LiveServer(app.config["DATABASE_URL"]).start()
    yield server
    server.stop()
