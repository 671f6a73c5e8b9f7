"""The app shell the service worker precaches: complete, small enough, installable."""

import json
import re
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
# The zxing wasm is most of it; a phone on a weak signal downloads this once. main.js imports every screen, so the
# office screens (dashboard, history, orders, people, reports, imports: about 150 kB) are in it too.
SHELL_BUDGET_BYTES = 1_650_000


def precached_urls() -> list[str]:
    source = (REPO / "pwa" / "sw.js").read_text(encoding="utf-8")
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S).group(1)
    return re.findall(r'"([^"]+)"', block)


def test_every_pwa_module_and_vendored_runtime_file_is_precached():
    shell = set(precached_urls())
    modules = {"/" + path.relative_to(REPO).as_posix() for path in (REPO / "pwa").rglob("*.js")} - {"/pwa/sw.js"}
    assert modules - shell == set(), "a module missing from the precache would not load offline"
    for url in shell - {"/", "/login", "/manifest.webmanifest"}:
        assert (REPO / url.lstrip("/")).is_file(), f"{url} is precached but does not exist"
    runtime = {"/static/vendor/idb/index.js", "/static/vendor/barcode-detector/ponyfill.js",
               "/static/vendor/barcode-detector/zxing-exported.js", "/static/vendor/zxing-wasm/zxing_reader.wasm"}
    assert runtime <= shell
    assert re.search(r'const CACHE_VERSION = "[^"]+";', (REPO / "pwa" / "sw.js").read_text())


def test_manifest_makes_the_app_installable():
    manifest = json.loads((REPO / "pwa" / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert (manifest["start_url"], manifest["display"]) == ("/", "standalone")
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"] and manifest["background_color"]
    sizes = {}
    for icon in manifest["icons"]:
        assert {"any", "maskable"} <= set(icon["purpose"].split())
        with Image.open(REPO / icon["src"].lstrip("/")) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"] and image.format == "PNG"
            sizes[image.width] = image
    assert {192, 512} <= set(sizes)


@pytest.mark.browser
def test_precached_shell_fits_the_budget(live_server, capsys):
    total = 0
    for url in precached_urls():
        with urllib.request.urlopen(live_server.url + url, timeout=10) as response:
            assert response.status == 200, url
            total += len(response.read())
    with capsys.disabled():
        print(f"\n[dockhand] service worker precache: {len(precached_urls())} files, {total:,} bytes")
    assert total < SHELL_BUDGET_BYTES
