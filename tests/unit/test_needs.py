"""Under CI=true a missing PostgreSQL, Chromium or PDF tool fails the run; only locally is it a skip."""
import pytest

from tests.needs import missing, tool


def test_something_missing_fails_the_run_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true: this must not be skipped"):
        missing("PostgreSQL not installed")
    with pytest.raises(pytest.fail.Exception, match="install the Debian package poppler-utils"):
        tool("no-such-tool-dockhand", "poppler-utils")


def test_something_missing_is_skipped_with_its_reason_locally(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium not found"):
        missing("Chromium not found")
