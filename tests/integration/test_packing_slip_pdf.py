"""Packing slips and carton labels as a phone camera sees them: PDF → PNG at 150/200 dpi → zbar.

Needs poppler-utils (pdftoppm, pdftotext, pdfinfo) and libzbar0; without them the
tests skip, except under CI=true where a missing tool is a failure.
"""

import re
import socket
import subprocess
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from jinja2 import DictLoader

from tests.needs import missing, tool
from webapp.documents import render
from webapp.documents.barcodes import code128_svg, sscc_svg, svg_data_uri
from webapp.documents.packing_slip import (
    PackingSlip,
    SlipAddress,
    SlipCarton,
    SlipLine,
    render_carton_label,
    render_packing_slip,
    render_packing_slips,
)
from webapp.domain.sscc import make_sscc

HOSTILE_NAME = "<b>Evil</b><script>alert(1)</script> & Co"
PHONE_CAMERA_DPIS = [150, 200]


@pytest.fixture(scope="module")
def scan_png():
    """Decode every barcode in a PNG: [(data, is_gs1)]; is_gs1 is None if zbar cannot tell us."""
    try:
        from PIL import Image
        from pyzbar.pyzbar import decode
    except ImportError as exc:  # libzbar0 missing makes pyzbar's import fail
        missing(f"pyzbar/zbar not importable ({exc}): install libzbar0 and pillow")

    gs1_scanner = _gs1_aware_scanner()

    def scan(png: Path) -> list[tuple[str, bool | None]]:
        with Image.open(png) as image:
            if gs1_scanner is not None:
                return gs1_scanner(image)
            return [(symbol.data.decode("ascii"), None) for symbol in decode(image)]

    return scan


def _gs1_aware_scanner():
    """pyzbar drops zbar's symbol modifiers; read them so a GS1-128 (FNC1 first) is told
    from a plain Code 128 carrying the same digits. Uses pyzbar internals, so falls back."""
    try:
        from ctypes import POINTER, c_uint, string_at

        from pyzbar import pyzbar as pz
        from pyzbar.wrapper import ZBarConfig, zbar_function, zbar_symbol

        get_modifiers = zbar_function("zbar_symbol_get_modifiers", c_uint, POINTER(zbar_symbol))
        zbar_mod_gs1 = 1 << 0
        image_scanner, zbar_image, symbols_for_image = pz._image_scanner, pz._image, pz._symbols_for_image
        grey_fourcc = pz._FOURCC["L800"]
    except (ImportError, AttributeError, KeyError):
        return None

    def scan(image) -> list[tuple[str, bool]]:
        grey = image.convert("L")
        width, height = grey.size
        pixels = grey.tobytes()
        found = []
        with image_scanner() as scanner:
            pz.zbar_image_scanner_set_config(scanner, 0, ZBarConfig.CFG_ENABLE, 1)
            with zbar_image() as img:
                pz.zbar_image_set_format(img, grey_fourcc)
                pz.zbar_image_set_size(img, width, height)
                pz.zbar_image_set_data(img, pixels, len(pixels), None)
                pz.zbar_scan_image(scanner, img)
                for symbol in symbols_for_image(img):
                    data = string_at(pz.zbar_symbol_get_data(symbol), pz.zbar_symbol_get_data_length(symbol))
                    found.append((data.decode("ascii"), bool(get_modifiers(symbol) & zbar_mod_gs1)))
        return found

    return scan


def _rasterise(pdf: bytes, tmp_path: Path, dpi: int) -> list[Path]:
    pdftoppm = tool("pdftoppm", "poppler-utils")
    pdf_path = tmp_path / f"doc-{dpi}.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", str(pdf_path), str(tmp_path / f"page-{dpi}")], check=True)
    pages = sorted(tmp_path.glob(f"page-{dpi}*.png"))
    assert pages, "pdftoppm produced no pages"
    return pages


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    pdftotext = tool("pdftotext", "poppler-utils")
    pdf_path = tmp_path / "text.pdf"
    pdf_path.write_bytes(pdf)
    return subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf_path), "-"], check=True, capture_output=True, text=True).stdout


def _page_count(pdf: bytes, tmp_path: Path) -> int:
    pdfinfo = tool("pdfinfo", "poppler-utils")
    pdf_path = tmp_path / "count.pdf"
    pdf_path.write_bytes(pdf)
    out = subprocess.run([pdfinfo, str(pdf_path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))


def _without_gs1_symbology_id(data: str) -> str:
    # zbar may prefix GS1-128 data with the AIM symbology identifier "]C1" when asked to.
    return data.removeprefix("]C1")


def _slip(order_number="SO-2024-00123", ship_to_name=HOSTILE_NAME, serial_base=1000) -> PackingSlip:
    lines = [
        SlipLine("WID-0001", "Widget, blue, 40 mm", 12, "L2024-117"),
        SlipLine("GAD-0420", "Gadget with a long description that wraps in the table", 3, None),
        SlipLine("BOLT-M8-30", "Hex bolt M8×30, zinc plated (box of 100)", 5, "B-88812"),
    ]
    return PackingSlip(
        order_number=order_number,
        warehouse=SlipAddress("Dockhand Central Warehouse", ["Unit 4, Harbour Road", "3011 AB Rotterdam"]),
        ship_to=SlipAddress(ship_to_name, ["12 Market Street", "Leeds LS1 6DT", "United Kingdom"]),
        lines=lines,
        cartons=[
            SlipCarton(make_sscc("0614141", serial_base + 1), 7.25, lines[:2]),
            SlipCarton(make_sscc("0614141", serial_base + 2), None, lines[2:]),
        ],
        packed_at=datetime(2024, 5, 17, 14, 32, tzinfo=timezone.utc),
    )


@pytest.mark.parametrize("dpi", PHONE_CAMERA_DPIS)
def test_packing_slip_barcodes_scan_back_to_order_number_and_each_carton_sscc(dpi, tmp_path, scan_png):
    slip = _slip()
    pages = _rasterise(render_packing_slip(slip), tmp_path, dpi)
    symbols = [symbol for page in pages for symbol in scan_png(page)]
    decoded = {_without_gs1_symbology_id(data): gs1 for data, gs1 in symbols}

    assert slip.order_number in decoded, f"order number not decoded at {dpi} dpi; got {sorted(decoded)}"
    assert decoded[slip.order_number] in (False, None), "the order number is plain Code 128, not GS1-128"
    for carton in slip.cartons:
        element_string = "00" + carton.sscc
        assert element_string in decoded, f"SSCC {carton.sscc} not decoded at {dpi} dpi; got {sorted(decoded)}"
        assert decoded[element_string] in (True, None), "an SSCC barcode must start with FNC1 (GS1-128)"
    assert len(symbols) == 1 + len(slip.cartons)


@pytest.mark.parametrize("dpi", PHONE_CAMERA_DPIS)
def test_carton_label_is_one_100_by_150_mm_page_whose_sscc_scans_as_gs1_128(dpi, tmp_path, scan_png):
    slip = _slip()
    carton = slip.cartons[0]
    pages = _rasterise(render_carton_label(carton, slip.order_number, slip.ship_to), tmp_path, dpi)
    assert len(pages) == 1, "a carton label must fit on one label"

    from PIL import Image

    with Image.open(pages[0]) as image:
        width_mm, height_mm = (px / dpi * 25.4 for px in image.size)
    assert width_mm == pytest.approx(100, abs=1) and height_mm == pytest.approx(150, abs=1)

    symbols = scan_png(pages[0])
    assert [(_without_gs1_symbology_id(data), gs1) for data, gs1 in symbols] in (
        [("00" + carton.sscc, True)],
        [("00" + carton.sscc, None)],
    )


def test_customer_text_is_printed_literally_never_as_markup(tmp_path):
    slip = _slip()
    slip.lines[0].description = '<img src="http://127.0.0.1:9/x.png"> "quoted" & <i>italic</i>'

    html = render.render_html("documents/packing_slip.html", {"slips": [{"slip": slip, "order_barcode": "", "cartons": [], "total_qty": 0}]})
    assert "&lt;b&gt;Evil&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<b>Evil" not in html and "<script>" not in html and "<i>italic" not in html
    assert '<img src="http://' not in html

    text = _pdf_text(render_packing_slip(slip), tmp_path)
    assert "<b>Evil</b>" in text
    flattened = re.sub(r"\s+", "", text)  # the name may wrap onto two lines in the address box
    assert re.sub(r"\s+", "", HOSTILE_NAME) in flattened
    assert re.sub(r"\s+", "", '<img src="http://127.0.0.1:9/x.png"> "quoted" & <i>italic</i>') in flattened


HOSTILE_TEMPLATE = """<!DOCTYPE html>
<html><head>
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="stylesheet" href="{{ marker_css_url }}">
<style>@import url("http://127.0.0.1:{{ port }}/imported.css"); body { font-family: "DejaVu Sans"; }</style>
</head><body>
<p>harmless text</p>
<img src="http://127.0.0.1:9/x.png">
<img src="http://127.0.0.1:{{ port }}/y.png">
<img src="https://127.0.0.1:{{ port }}/z.png">
<img src="relative.png">
<img src="{{ barcode }}">
</body></html>
"""


class _ConnectionCounter:
    """A TCP listener on 127.0.0.1 that counts the connections it is offered."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.server.close()


def test_renderer_fetches_nothing_but_data_uris(tmp_path, monkeypatch):
    marker_css = tmp_path / "marker.css"
    marker_css.write_text('p::after { content: "FETCHED-FROM-DISK"; }')
    barcode = svg_data_uri(code128_svg("SAFE-1"))

    fetched: list[str] = []
    original_fetch = render.DataOnlyURLFetcher.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return original_fetch(self, url, headers)

    monkeypatch.setattr(render.DataOnlyURLFetcher, "fetch", recording_fetch)
    monkeypatch.setattr(render._environment, "loader", DictLoader({"hostile.html": HOSTILE_TEMPLATE}))

    listener = _ConnectionCounter()
    try:
        pdf = render.render_pdf(
            "hostile.html",
            {"port": listener.port, "marker_css_url": marker_css.as_uri(), "barcode": barcode},
        )
    finally:
        listener.close()

    assert pdf.startswith(b"%PDF")
    assert listener.connections == 0, "the renderer opened a connection"
    # WeasyPrint asked, and was refused, for every non-data URL (the relative one has no base to resolve against).
    asked = set(fetched)
    assert barcode in asked
    assert {
        "file:///etc/passwd",
        marker_css.as_uri(),
        "http://127.0.0.1:9/x.png",
        f"http://127.0.0.1:{listener.port}/y.png",
        f"https://127.0.0.1:{listener.port}/z.png",
        f"http://127.0.0.1:{listener.port}/imported.css",
    } <= asked
    assert not any("relative.png" in url for url in asked)
    for url in asked - {barcode}:
        with pytest.raises(render.RefusedURLError):
            original_fetch(render.DataOnlyURLFetcher(), url)

    text = _pdf_text(pdf, tmp_path)
    assert "harmless text" in text
    assert "FETCHED-FROM-DISK" not in text


def test_the_no_fetch_check_would_notice_a_leak(tmp_path):
    """Control: WeasyPrint's default fetcher does load a file: stylesheet, and pdftotext sees it."""
    from weasyprint import HTML

    marker_css = tmp_path / "marker.css"
    marker_css.write_text('p::after { content: "FETCHED-FROM-DISK"; }')
    html = f'<link rel="stylesheet" href="{marker_css.as_uri()}"><p>harmless text</p>'
    assert "FETCHED-FROM-DISK" in _pdf_text(HTML(string=html).write_pdf(), tmp_path)


def test_batch_of_slips_is_one_pdf_with_each_slip_on_its_own_page(tmp_path, scan_png):
    slips = [_slip(order_number=f"SO-2024-{n:05d}", ship_to_name=f"Customer {n}", serial_base=n * 10) for n in (1, 2, 3)]
    pdf = render_packing_slips(slips)
    assert _page_count(pdf, tmp_path) == 3
    pages = _rasterise(pdf, tmp_path, 150)
    for slip, page in zip(slips, pages, strict=True):
        assert slip.order_number in {data for data, _ in scan_png(page)}


def test_barcode_bars_narrower_than_04_mm_are_refused():
    with pytest.raises(ValueError, match="would not scan"):
        code128_svg("SO-1", module_width_mm=0.2)


def test_order_number_code_128_cannot_carry_is_a_value_error():
    with pytest.raises(ValueError, match="cannot encode"):
        code128_svg("SO-\u00e9")


def test_sscc_barcode_refuses_a_wrong_check_digit():
    with pytest.raises(ValueError):
        sscc_svg("106141411234567898")
