"""Code 128 and GS1-128 barcodes as SVG, sized so that a phone camera really decodes them.

python-barcode's default bar (module) width of 0.2 mm does not decode once the
PDF is rasterised at 150-200 dpi (what a phone camera resolves); 0.33 mm does.
We never go below 0.4 mm.
"""

import base64

from barcode import get_barcode_class
from barcode.errors import BarcodeError
from barcode.writer import SVGWriter

from webapp.domain.sscc import sscc_element_string

MIN_MODULE_WIDTH_MM = 0.4
DEFAULT_BAR_HEIGHT_MM = 15.0
# Code 128 asks for a quiet zone of at least 10 modules on each side.
QUIET_ZONE_MODULES = 10
MIN_QUIET_ZONE_MM = 6.5
TEXT_FONT_FAMILY = "DejaVu Sans Mono, monospace"


def code128_svg(
    value: str,
    *,
    gs1: bool = False,
    module_width_mm: float = MIN_MODULE_WIDTH_MM,
    bar_height_mm: float = DEFAULT_BAR_HEIGHT_MM,
    human_text: str | None = None,
    font_size_pt: float = 10,
) -> str:
    """An SVG document (as text) of `value` in Code 128, human-readable text under the bars.

    With `gs1=True` the symbol starts with FNC1, i.e. it is GS1-128: `value` is then
    the element string (application identifiers and data, digits only for an SSCC,
    e.g. "00" + sscc).
    """
    if not value:
        raise ValueError("a barcode needs a value")
    if module_width_mm < MIN_MODULE_WIDTH_MM:
        raise ValueError(
            f"module_width_mm {module_width_mm} is below {MIN_MODULE_WIDTH_MM} mm: it would not scan"
        )
    writer = SVGWriter()
    writer.with_doctype = False
    try:
        symbol = get_barcode_class("gs1_128" if gs1 else "code128")(value, writer=writer)
    except BarcodeError as exc:  # a character Code 128 cannot carry (e.g. "é")
        raise ValueError(f"cannot encode {value!r} in Code 128: {exc}") from exc
    svg = symbol.render(
        {
            "module_width": module_width_mm,
            "module_height": bar_height_mm,
            "quiet_zone": max(MIN_QUIET_ZONE_MM, QUIET_ZONE_MODULES * module_width_mm),
            "font_size": font_size_pt,
            "text_distance": font_size_pt * 0.45,
            "margin_top": 1,
            "margin_bottom": 1,
        },
        text=human_text,
    ).decode("utf-8")
    # The writer gives the text no font; without one the PDF falls back to whatever
    # the renderer picks. minidom escapes the text itself, so this only adds style.
    return svg.replace("text-anchor:middle;", f"text-anchor:middle;font-family:{TEXT_FONT_FAMILY};")


def sscc_svg(sscc: str, **options) -> str:
    """GS1-128 of AI 00 + SSCC, read out as "(00) 123…" under the bars, as on a GS1 logistic label."""
    return code128_svg(
        sscc_element_string(sscc),
        gs1=True,
        human_text=f"(00) {sscc}",
        **options,
    )


def svg_data_uri(svg: str) -> str:
    """A `data:` URI for an SVG, the one kind of URL our PDF renderer is allowed to load."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
