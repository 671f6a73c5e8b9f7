"""pwa/scan/gs1.js and pwa/scan/decoder.js in real headless Chromium, served over local HTTP only."""

import functools
import io
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from barcode.codex import Code128, Gs1_128
from barcode.writer import ImageWriter
from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
VECTORS = json.loads((REPO / "tests" / "gs1_vectors.json").read_text(encoding="utf-8"))
BLANK_PAGE = "/__test__/blank.html"  # answered by the route below, so nothing is written to the repo


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",  # module scripts need a JavaScript MIME type
        ".wasm": "application/wasm",  # and WebAssembly.instantiateStreaming this one
    }

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server_url():
    """The repository root over HTTP: ES modules and wasm will not load from file://."""
    handler = functools.partial(_QuietHandler, directory=str(REPO))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


class OfflinePage:
    """A page whose requests reach only the local server; any other request is aborted and recorded."""

    def __init__(self, browser, server_url, files=None):
        self.files = {BLANK_PAGE: ("text/html", b"<!doctype html><title>test</title>"), **(files or {})}
        self.local, self.blocked = [], []
        self.context = browser.new_context(service_workers="block")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.goto(server_url + BLANK_PAGE)

    def _route(self, route):
        url = urlsplit(route.request.url)
        if url.hostname != "127.0.0.1":
            self.blocked.append(route.request.url)
            route.abort()
        elif url.path in self.files:
            content_type, body = self.files[url.path]
            self.local.append(url.path)
            route.fulfill(status=200, content_type=content_type, body=body)
        else:
            self.local.append(url.path)
            route.continue_()

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def js_results(chromium, server_url):
    """Every vector through parseGs1 in one page visit; keyed by vector name."""
    offline = OfflinePage(chromium, server_url)
    try:
        results = offline.page.evaluate(
            """async (vectors) => {
                const { parseGs1 } = await import("/pwa/scan/gs1.js");
                return vectors.map((v) => [v.name, parseGs1(v.input, { now: v.now })]);
            }""",
            VECTORS,
        )
    finally:
        offline.close()
    return dict(results)


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_vector_in_chromium(js_results, vector):
    result = js_results[vector["name"]]
    if "error" in vector:
        assert not result["ok"], result
        assert result["error"]["code"] == vector["error"], result["error"]["message"]
    else:
        assert result == {"ok": True, "data": vector["expect"]}


def _biip_spec(ai: GS1ApplicationIdentifier) -> dict:
    """biip's format ("N4+N8[+N..4]") as gs1.js models it: digits only?, fixed length, min, max."""
    numeric, minimum, maximum, required_variable = True, 0, 0, False
    for part in ai.format.split("+")[1:]:  # the first part is the AI itself
        optional = part.startswith("[") or part.endswith("]")
        part = part.strip("[]")
        numeric = numeric and part.startswith("N")
        length = 1 if part == "-" else int(re.findall(r"\d+", part)[-1])
        maximum += length
        if not optional and ".." in part:
            required_variable = True
        elif not optional:
            minimum += length
    if ".." not in ai.format and "[" not in ai.format:
        return {"numeric": numeric, "fixed": maximum, "min": maximum, "max": maximum}
    return {"numeric": numeric, "fixed": None, "min": max(minimum + required_variable, 1), "max": maximum}


def test_js_ai_table_matches_biip(chromium, server_url):
    """gs1.js carries its own AI table; it must know exactly biip's AIs with the same formats."""
    candidates = [f"{n:0{width}d}" for width in (2, 3, 4) for n in range(10**width)]
    expected = {}
    for candidate in candidates:
        try:
            ai = GS1ApplicationIdentifier.extract(candidate)
        except ParseError:
            continue
        if ai.ai == candidate:
            expected[candidate] = _biip_spec(ai)
    offline = OfflinePage(chromium, server_url)
    try:
        specs = offline.page.evaluate(
            """async (candidates) => {
                const { aiSpec } = await import("/pwa/scan/gs1.js");
                const known = candidates.map((ai) => [ai, aiSpec(ai)]).filter(([, spec]) => spec);
                return Object.fromEntries(known);
            }""",
            candidates,
        )
    finally:
        offline.close()
    assert set(specs) == set(expected)
    assert {ai: spec for ai, spec in specs.items() if spec != expected[ai]} == {}


def _png(symbology, data: str) -> bytes:
    buffer = io.BytesIO()
    symbology(data, writer=ImageWriter()).write(buffer, options={"module_width": 0.4})
    return buffer.getvalue()


def test_vendored_zxing_decodes_offline(chromium, server_url):
    """The ponyfill and its wasm come from /static/vendor; nothing else is even requested."""
    gs1_fields = ["0105012345678900", "10L2311", "17270331"]  # the lot is variable-length: FNC1 after it
    gs1_data = "".join(gs1_fields[:2]) + Gs1_128.FNC1_CHAR + gs1_fields[2]
    offline = OfflinePage(chromium, server_url, files={
        "/__test__/code128.png": ("image/png", _png(Code128, "DH-TEST-0042")),
        "/__test__/gs1-128.png": ("image/png", _png(Gs1_128, gs1_data)),
    })
    # Linux Chromium has no native BarcodeDetector; removing it anyway makes sure the ponyfill runs.
    offline.page.add_init_script("delete globalThis.BarcodeDetector;")
    offline.page.reload()
    try:
        decoded = offline.page.evaluate(
            """async () => {
                const { createDetector, detectCodes } = await import("/pwa/scan/decoder.js");
                const { parseGs1 } = await import("/pwa/scan/gs1.js");
                const detector = await createDetector();
                const decode = async (src) => {
                    const img = new Image();
                    img.src = src;
                    await img.decode();
                    return detectCodes(detector, img);
                };
                const gs1 = await decode("/__test__/gs1-128.png");
                return {
                    native: "BarcodeDetector" in globalThis,
                    code128: await decode("/__test__/code128.png"),
                    gs1,
                    parsed: parseGs1(gs1[0], { now: "2026-11-25" }),
                };
            }"""
        )
    finally:
        offline.close()
    assert decoded["native"] is False
    assert decoded["code128"] == ["DH-TEST-0042"]
    assert decoded["gs1"] == ["".join(gs1_fields[:2]) + "\x1d" + gs1_fields[2]]  # ZXing sends FNC1 as GS
    assert decoded["parsed"]["data"]["lot"] == "L2311"
    assert decoded["parsed"]["data"]["expiry"] == "2027-03-31"
    assert "/static/vendor/zxing-wasm/zxing_reader.wasm" in offline.local
    assert offline.blocked == []
