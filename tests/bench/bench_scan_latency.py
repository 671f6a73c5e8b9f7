"""Enter → green confirmation on the floor app, in real Chromium, at full CPU and with the CPU slowed 4×
(Chromium's Emulation.setCPUThrottlingRate: a stand-in for a cheap handheld), online and offline.

Run on demand (starts its own server on a fresh SQLite database):
    .venv/bin/python tests/bench/bench_scan_latency.py [--scans 200] [--rate 4] [--pace 400] [--stamped]
Prints p50/p99 in milliseconds per case and the throttled/unthrottled ratio. Goal: p99 ≤ 50 ms at 4×.
Measured in the page: from the Enter key's event time to the green flash being put on screen (the
DOM change, then the next animation frame: what the picker sees).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pytest  # noqa: E402

from tests.browser.conftest import chromium, live_server, playwright_driver  # noqa: E402,F401  (the fixtures)

MEASURE = """
window.__latency = [];
window.__greens = 0;
let enterAt = null;
let seen = '0';
addEventListener('keydown', (e) => { if (e.key === 'Enter') enterAt = e.timeStamp; }, true);
addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
  const flash = document.getElementById('flash');
  if (!flash || flash.hidden || flash.dataset.kind !== 'ok' || flash.dataset.count === seen) return;
  seen = flash.dataset.count;
  window.__greens += 1;
  const from = enterAt;
  enterAt = null;
  // A green with no Enter before it: the wedge ended the burst by its no-terminator timeout (a long stall).
  if (from !== null) requestAnimationFrame(() => window.__latency.push(performance.now() - from));
}).observe(document.documentElement, {subtree: true, attributes: true, attributeFilter: ['hidden', 'data-count']}));
"""


SCANNER_KEY_MS = 5  # a keyboard-wedge scanner's key rate


def hardware_scan(cdp, code: str) -> None:
    """A scanner's burst as the page really gets it: each key stamped with the time the scanner sent it (the OS
    stamps hardware keys on arrival; Chromium passes that on as event.timeStamp), 5 ms apart, whatever the page
    is doing. Playwright's keyboard.type waits for the page to take each key before it sends the next, so on a
    busy page its "scanner" slows down with the page and a fast burst reads like a person's typing."""
    start = time.time()
    keys = [{"key": char, "text": char} for char in code]
    keys.append({"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"})
    for n, key in enumerate(keys):
        at = start + n * SCANNER_KEY_MS / 1000
        if time.time() < at:
            time.sleep(at - time.time())  # never a time still to come: the scanner has sent it by now
        cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "timestamp": at, **key})
        cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "timestamp": at + 0.001,
                                            **{k: v for k, v in key.items() if k != "text"}})


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run_case(browser, live_server, scans: int, rate: float, offline: bool, pace_ms: int, typed: bool) -> list[float]:
    from tests.browser.floor import ITEMS, open_screen, phone, scan, sign_in, wait_offline_ready, wait_step

    context = phone(browser)
    context.add_init_script(MEASURE)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "ravi")
        wait_offline_ready(page)
        if offline:
            live_server.network.cut()
        open_screen(page, "#/receive", "Receive")
        scan(page, "WH1-DOCK-1")
        wait_step(page, "receive-screen", "item")
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        codes = [ITEMS[sku][0] for sku in ITEMS]
        page.wait_for_timeout(2000)  # start-up work (catalogue mirror, first sync) is not a scan's
        for n in range(scans):
            if pace_ms:
                page.wait_for_timeout(pace_ms)  # a person: look, aim, pull the trigger
            if typed:
                scan(page, codes[n % len(codes)])
            else:
                hardware_scan(cdp, codes[n % len(codes)])
            try:
                page.wait_for_function(f"window.__greens >= {n + 1}", timeout=30_000)
            except Exception:
                print(f"scan {n + 1} not green:", page.inner_text("#result"), page.evaluate("window.__scans.slice(-3)"))
                raise
        page.wait_for_timeout(100)  # the last frame
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        return page.evaluate("window.__latency")
    finally:
        live_server.network.restore()
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--rate", type=float, default=4.0, help="CPU slow-down for the throttled runs")
    parser.add_argument("--stamped", action="store_true",
                        help="send each key stamped at a scanner's rate (hardware_scan) instead of Playwright's "
                             "keyboard.type, whose keys slow down with a busy page")
    parser.add_argument("--pace", type=int, default=0,
                        help="ms between scans (0: back to back, harsher than any person; 400: a fast picker)")
    args = parser.parse_args()
    # The browser tests' own fixtures: a live server behind the floor's network, and Chromium.
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider", "-o", "python_functions=measure_*",
                          f"--scans={args.scans}", f"--rate={args.rate}", f"--pace={args.pace}", *(["--stamped"] if args.stamped else [])], plugins=[_Options(args)]))


class _Options:
    def __init__(self, args):
        self.args = args

    def pytest_addoption(self, parser):
        parser.addoption("--scans", type=int, default=200)
        parser.addoption("--rate", type=float, default=4.0)
        parser.addoption("--pace", type=int, default=0)
        parser.addoption("--stamped", action="store_true")


@pytest.fixture
def options(request):
    return (request.config.getoption("--scans"), request.config.getoption("--rate"), request.config.getoption("--pace"),
            not request.config.getoption("--stamped"))


def measure_scan_latency(chromium, live_server, options):
    scans, rate, pace, typed = options
    print(f"\n{scans} scans per case, {'back to back' if not pace else f'one every {pace} ms + the scan itself'}, "
          f"{'typed by Playwright' if typed else f'scanner keys {SCANNER_KEY_MS} ms apart'}")
    results = {}
    for offline in (False, True):
        for throttle in (1.0, rate):
            latency = run_case(chromium, live_server, scans, throttle, offline, pace, typed)
            results[(offline, throttle)] = latency
            print(f"{'offline' if offline else 'online ':7} CPU ÷{throttle:<3g} {len(latency)}/{scans} scans timed: "
                  f"p50 {statistics.median(latency):6.1f} ms  p99 {percentile(latency, 99):6.1f} ms  "
                  f"max {max(latency):6.1f} ms")
    for offline in (False, True):
        base, slow = results[(offline, 1.0)], results[(offline, rate)]
        print(f"{'offline' if offline else 'online ':7} ratio ÷{rate:g}/÷1: p50 ×{statistics.median(slow) / statistics.median(base):.2f}"
              f"  p99 ×{percentile(slow, 99) / percentile(base, 99):.2f}")


if __name__ == "__main__":
    main()
