"""The outbox lives in the browser's storage: the app asks to keep it, and says so when the browser refuses."""

import pytest

from tests.browser.floor import open_screen, phone, sign_in

pytestmark = pytest.mark.browser

BROWSER_SAYS = """
(() => {{
  const answer = {answer};
  window.__persistAsked = 0;
  navigator.storage.persisted = async () => false;
  navigator.storage.persist = async () => {{ window.__persistAsked += 1; return answer; }};
}})();
"""


@pytest.mark.parametrize("browser_keeps_storage", [True, False])
def test_sign_in_asks_to_keep_the_outbox_and_the_status_screen_says_when_refused(
        chromium, live_server, browser_keeps_storage):
    context = phone(chromium)
    context.add_init_script(BROWSER_SAYS.format(answer=str(browser_keeps_storage).lower()))
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "chen")
        assert page.evaluate("async () => (await import('/pwa/db.js')).getMeta('storage_persisted')") is browser_keeps_storage
        open_screen(page, "#/status", "Status")
        page.wait_for_selector("#status-summary p")
        warning = page.locator("#storage-not-kept")
        if browser_keeps_storage:
            assert warning.count() == 0
        else:
            assert "could be cleared" in warning.inner_text()
    finally:
        context.close()
