"""Browser-test fixtures: one headless Chromium per session, driven by Playwright."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """The Chromium to test with: $CHROMIUM_PATH, else the Debian package's /usr/bin/chromium."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium():
    executable = find_chromium()
    if executable is None:
        reason = "Chromium not found (install the Debian package `chromium` or set CHROMIUM_PATH)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)  # CI must not go green by skipping the browser tests
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
