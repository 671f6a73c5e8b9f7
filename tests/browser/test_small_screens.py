"""Every screen and step on a rugged handheld (360×640) and a phone (390×844): nothing to tap and no result line
off the screen or under the bottom bar, and no code (a bin, a tote, an SSCC) broken over two lines.

At 360×640 it also saves each step as a PNG in docs/screenshots/360x640/ (the README points there) for a
person to look at; set DOCKHAND_SHOTS_360 to put them elsewhere.
"""

import os
from pathlib import Path

import pytest

from tests.browser.floor import (ITEMS, item_barcodes, open_screen, phone, pick_through_api, release_order, scan, sign_in,
                                 wait_offline_ready, wait_step)

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
SHOTS_360 = Path(os.environ.get("DOCKHAND_SHOTS_360", REPO / "docs" / "screenshots" / "360x640"))
SIZES = [(360, 640), (390, 844)]

# What a person cannot reach or read without scrolling, and codes split over lines. The typing fallback under
# the screen (.manual) may be scrolled to: typing brings up the system keyboard, which scrolls anyway.
# A code: letters/digits joined by hyphens with a digit in it (WH1-D-09-01, TOTE-01, SO-1001), or 8+ digits.
LAYOUT_PROBLEMS = r"""() => {
  const problems = [];
  const vw = document.documentElement.clientWidth, vh = innerHeight;
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const dialog = document.querySelector('dialog[open]');
  const bar = document.getElementById('actions');
  const barTop = bar && shown(bar) ? bar.getBoundingClientRect().top : vh;
  const top = document.getElementById('statusbar')?.getBoundingClientRect().bottom || 0;
  const name = (el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} "${(el.innerText || el.placeholder || '').slice(0, 40)}"`;
  for (const el of (dialog || document).querySelectorAll('button, a, input, output')) {
    if (!shown(el) || (!dialog && el.closest('.manual'))) continue;
    // In a list that scrolls inside itself, an entry at or below its fold is reached by scrolling the list;
    // the list itself must be on the screen.
    const list = el.closest('.scroll-list');
    if (list) {
      const box = list.getBoundingClientRect(), r = el.getBoundingClientRect();
      if (r.bottom > box.bottom + 0.5) continue; // clipped by the list: scroll the list to it
    }
    const r = el.getBoundingClientRect();
    const inBar = bar && bar.contains(el);
    const bottom = dialog || inBar ? vh : barTop;
    const ceiling = dialog || inBar || el.closest('#statusbar') ? 0 : top;
    if (r.left < -0.5 || r.right > vw + 0.5 || r.top < ceiling - 0.5 || r.bottom > bottom + 0.5) {
      problems.push(`off screen: ${name(el)} ${JSON.stringify(r.toJSON())}`);
    }
    if (el.tagName !== 'INPUT' && el.scrollWidth > el.clientWidth + 1) problems.push(`label cut: ${name(el)}`);
  }
  for (const list of document.querySelectorAll('.scroll-list')) {
    const r = list.getBoundingClientRect();
    if (shown(list) && (r.bottom > barTop + 0.5 || r.right > vw + 0.5)) problems.push(`list under the bar: ${name(list)}`);
  }
  const result = document.getElementById('result');
  if (result && !dialog && shown(result)) {
    const r = result.getBoundingClientRect();
    if (r.bottom > barTop + 0.5 || r.top < top - 0.5) problems.push(`result line hidden: ${JSON.stringify(r.toJSON())} bar at ${barTop}`);
  }
  const CODE = /\b(?=[A-Z0-9-]*[0-9])[A-Z0-9]+(?:-[A-Z0-9]+)+\b|\b[0-9]{8,}\b/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !shown(el) || el.closest('script, style, .manual, [hidden]')) continue;
    for (const match of node.data.matchAll(CODE)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) problems.push(`code wraps: ${match[0]} in ${name(el)}`);
      const r = range.getBoundingClientRect();
      if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) problems.push(`code cut off: ${match[0]} in ${name(el)}`);
    }
  }
  return problems;
}"""


class Walk:
    def __init__(self, page, size):
        self.page = page
        self.size = size
        self.seen = []
        self.problems = []

    def check(self, name: str, flash_gone: bool = True) -> None:
        page = self.page
        if flash_gone:
            page.wait_for_selector("#flash", state="hidden")
        page.evaluate("() => window.scrollTo(0, 0)") if not page.query_selector("dialog[open]") else None
        problems = page.evaluate(LAYOUT_PROBLEMS)
        if self.size == (360, 640):
            SHOTS_360.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS_360 / f"{len(self.seen) + 1:02d}-{name}.png"), scale="css")  # small files
        self.seen.append(name)
        if page.evaluate("document.documentElement.scrollWidth") > self.size[0]:
            problems.append("wider than the screen")
        self.problems += [f"{name}: {problem}" for problem in problems]


@pytest.mark.parametrize("size", SIZES, ids=["360x640", "390x844"])
def test_every_step_fits_a_small_handheld_without_scrolling(chromium, live_server, size):
    width, height = size
    pick_order, pack_order = f"SO-FIT{width}-PICK", f"SO-FIT{width}-PACK"
    pick_task = release_order(live_server, pick_order, [("DH-10031", 2), ("DH-10032", 1)])
    release_order(live_server, pack_order, [("DH-10033", 2), ("DH-10034", 1)])
    pack_task = pick_through_api(live_server, pack_order)
    context = phone(chromium, viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        walk = Walk(page, size)
        page.goto(live_server.url + "/login")
        walk.check("login", flash_gone=False)
        sign_in(page, live_server.url, "maria")  # a supervisor sees every kind of work
        wait_offline_ready(page)
        page.wait_for_selector("#work-pick .work-count:has-text('open')")
        walk.check("home")
        open_screen(page, "#/office", "Office")  # on a phone the office screens sit behind one button
        page.wait_for_selector("#work-dashboard")
        walk.check("office")

        open_screen(page, "#/move", "Move stock")
        walk.check("move-from")
        scan(page, "WH1-A-03-01")
        wait_step(page, "move-screen", "item")
        walk.check("move-item")
        scan(page, ITEMS["DH-10002"][1])  # a case: "1 CS = 24"
        wait_step(page, "move-screen", "to")
        walk.check("move-to")
        scan(page, "WH1-A-03-02")
        page.wait_for_selector("#moved-count:text-is('1')")
        walk.check("move-done")

        open_screen(page, "#/receive", "Receive")
        scan(page, "WH1-DOCK-1")
        wait_step(page, "receive-screen", "item")
        scan(page, ITEMS["DH-10003"][0])
        page.wait_for_selector("#received-count:text-is('1')")
        walk.check("receive")

        open_screen(page, "#/pick", "Pick")
        walk.check("pick-list")
        page.click(f"#pick-list a[data-orders~='{pick_order}']", timeout=15_000)
        page.wait_for_selector("#pick-screen[data-step='bin']")
        walk.check("pick-bin")
        steps = [s for s in pick_task["steps"] if s["order"] == pick_order]
        first = steps[0]
        scan(page, first["location"])
        wait_step(page, "pick-screen", "item")
        walk.check("pick-item")
        scan(page, item_barcodes(first["item"])[0])
        wait_step(page, "pick-screen", "tote")
        walk.check("pick-tote")
        page.click("#short")
        page.wait_for_selector("dialog.keypad-dialog[open]")
        walk.check("pick-short-keypad", flash_gone=False)
        page.click("dialog.keypad-dialog button[value=cancel]")
        page.wait_for_selector("dialog.keypad-dialog", state="detached")
        for s in steps:
            if page.get_attribute("#pick-screen", "data-step") == "bin":
                scan(page, s["location"])
                wait_step(page, "pick-screen", "item")
            for _ in range(s["qty"] - (1 if s is first else 0)):
                scan(page, item_barcodes(s["item"])[0])
            wait_step(page, "pick-screen", "tote")
            scan(page, s["tote"])
            page.wait_for_selector("#result.ok")
        wait_step(page, "pick-screen", "done")
        walk.check("pick-done")

        open_screen(page, "#/pack", "Pack")
        walk.check("pack-station")
        scan(page, "WH1-PACK-1")
        wait_step(page, "pack-screen", "order")
        scan(page, pack_order)
        wait_step(page, "pack-screen", "tote")
        scan(page, pack_task["steps"][0]["tote"])
        wait_step(page, "pack-screen", "carton")
        walk.check("pack-carton")
        page.click("#open-carton-button")
        wait_step(page, "pack-screen", "item")
        sscc = page.get_attribute("#open-carton", "data-sscc")
        scan(page, item_barcodes("DH-10033")[0])
        page.wait_for_selector("#pack-lines li[data-item='DH-10033'][data-packed='1']")
        walk.check("pack-item")
        scan(page, item_barcodes("DH-10033")[0])
        scan(page, item_barcodes("DH-10034")[0])
        page.wait_for_selector("#pack-lines li[data-item='DH-10034'][data-packed='1']")
        page.click("#close-carton-button")
        page.wait_for_selector("#result.ok:has-text('closed')")
        page.wait_for_selector("#packing-slip")
        walk.check("pack-closed")

        open_screen(page, "#/dispatch", "Dispatch")
        walk.check("dispatch-dock")
        scan(page, "WH1-OUT-1")
        wait_step(page, "dispatch-screen", "carton")
        scan(page, "]C100" + sscc)
        page.wait_for_selector("#dispatched-count:text-is('1')")
        walk.check("dispatch")

        open_screen(page, "#/count", "Count")
        scan(page, "WH1-A-04-01")
        page.wait_for_selector("#result.info:has-text('Counting')")
        scan(page, ITEMS["DH-10003"][0])
        page.wait_for_selector("#count-lines li:has-text('1 ×')")
        walk.check("count")

        page.click("#statusbar a.sb-link")
        page.wait_for_selector("#status-screen")
        walk.check("status")
        assert walk.problems == [], "\n".join(walk.problems)  # every step checked, then all its problems at once
    finally:
        context.close()
