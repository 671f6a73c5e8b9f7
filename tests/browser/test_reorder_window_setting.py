"""The dynamic reorder point's window ("the last N days") on the settings screen, on a tablet: a refused value is
shown at its field and changes nothing; a good one is saved and shows in the history with who changed it."""
import pytest

from tests.browser.floor import open_screen, sign_in
from tests.browser.test_dashboard import TABLET

pytestmark = pytest.mark.browser
FIELD = "#setting-reorder_velocity_days"


def test_an_admin_sets_the_reorder_velocity_window_on_the_settings_screen_and_a_refused_window_changes_nothing(
        chromium, live_server):
    admin = live_server.token("admin")
    context = chromium.new_context(**TABLET)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "admin")
        open_screen(page, "#/admin/settings", "Settings")
        page.wait_for_selector("#settings-screen[data-loaded=true]")
        before = page.input_value(FIELD)
        assert before == str(live_server.api("GET", "/api/v1/settings", admin)[1]["reorder_velocity_days"])

        page.fill(FIELD, "400")
        page.click("#save-settings")
        page.wait_for_selector(f"{FIELD}-problem:not(:empty)")
        assert "reorder_velocity_days" in page.inner_text(f"{FIELD}-problem")
        assert live_server.api("GET", "/api/v1/settings", admin)[1]["reorder_velocity_days"] == int(before)

        changed = 14 if before != "14" else 21
        page.fill(FIELD, str(changed))
        page.click("#save-settings")
        page.wait_for_selector("#settings-history-list [data-key='reorder_velocity_days']")
        assert f"{before} → {changed}" in page.inner_text("#settings-history-list [data-key='reorder_velocity_days']")
        assert live_server.api("GET", "/api/v1/settings", admin)[1]["reorder_velocity_days"] == changed
    finally:
        live_server.api("PATCH", "/api/v1/settings", admin, {"reorder_velocity_days": 30})  # as other tests expect
        context.close()
