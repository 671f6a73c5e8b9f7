"""The floor app runs under its own strict Content-Security-Policy: no violation while signing in,
scanning, and loading the ZXing WebAssembly decoder."""
from tests.browser.conftest import PHONE
from tests.browser.floor import ITEMS, open_screen, scan, sign_in, wait_step

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def test_the_app_breaks_no_rule_of_its_content_security_policy(chromium, live_server):
    context = chromium.new_context(**{**PHONE, "bypass_csp": False})
    context.add_init_script(RECORD_VIOLATIONS)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "ravi")
        assert page.evaluate("window.__csp") == []
        open_screen(page, "#/move", "Move stock")
        scan(page, "WH1-D-04-01")
        wait_step(page, "move-screen", "item")
        scan(page, ITEMS["DH-10002"][0])
        wait_step(page, "move-screen", "to")
        decoded = page.evaluate("""async () => {
            const { createDetector } = await import('/pwa/scan/decoder.js');
            const detector = await createDetector();
            const found = await detector.detect(new ImageData(64, 64));  // instantiates the WebAssembly module
            return Array.isArray(found);
        }""")
        assert decoded is True
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()
