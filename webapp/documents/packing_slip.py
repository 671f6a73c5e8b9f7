"""Packing slips (A4) and carton labels (100 × 150 mm) as PDF.

The caller fills the dataclasses below from an order; this module knows nothing
of the database, only what goes on the paper.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from webapp.documents.barcodes import code128_svg, sscc_svg, svg_data_uri
from webapp.documents.render import render_pdf

# One PDF of more slips than this is a job for several requests, not one.
MAX_SLIPS_PER_DOCUMENT = 500

# Order-number barcode on the slip: big enough to scan from a phone held at arm's length.
ORDER_BARCODE_MODULE_WIDTH_MM = 0.5
ORDER_BARCODE_HEIGHT_MM = 16.0
# Each carton's SSCC on the slip.
SLIP_SSCC_MODULE_WIDTH_MM = 0.4
SLIP_SSCC_HEIGHT_MM = 12.0
# The SSCC on a GS1 logistic label: X-dimension 0.495 mm or more, bars 32 mm high or more.
LABEL_SSCC_MODULE_WIDTH_MM = 0.5
LABEL_SSCC_HEIGHT_MM = 32.0


@dataclass
class SlipAddress:
    name: str
    lines: list[str] = field(default_factory=list)


@dataclass
class SlipLine:
    sku: str
    description: str
    qty: int
    lot: str | None = None


@dataclass
class SlipCarton:
    sscc: str
    weight_kg: float | None = None
    lines: list[SlipLine] = field(default_factory=list)


@dataclass
class PackingSlip:
    order_number: str
    warehouse: SlipAddress
    ship_to: SlipAddress
    lines: list[SlipLine]
    cartons: list[SlipCarton]
    packed_at: datetime
    to_follow: list[SlipLine] = field(default_factory=list)  # backordered after a short pick: "1 to follow"


def _slip_context(slip: PackingSlip) -> dict:
    return {
        "slip": slip,
        "order_barcode": svg_data_uri(
            code128_svg(
                slip.order_number,
                module_width_mm=ORDER_BARCODE_MODULE_WIDTH_MM,
                bar_height_mm=ORDER_BARCODE_HEIGHT_MM,
                font_size_pt=11,
            )
        ),
        "cartons": [
            {
                "carton": carton,
                "barcode": svg_data_uri(
                    sscc_svg(
                        carton.sscc,
                        module_width_mm=SLIP_SSCC_MODULE_WIDTH_MM,
                        bar_height_mm=SLIP_SSCC_HEIGHT_MM,
                    )
                ),
            }
            for carton in slip.cartons
        ],
        "total_qty": sum(line.qty for line in slip.lines),
    }


def render_packing_slips(slips: Sequence[PackingSlip]) -> bytes:
    """One PDF holding every slip, each starting on a new page (a picking wave's worth)."""
    if not slips:
        raise ValueError("no packing slips to render")
    if len(slips) > MAX_SLIPS_PER_DOCUMENT:
        raise ValueError(
            f"{len(slips)} packing slips in one document is over the limit of {MAX_SLIPS_PER_DOCUMENT}"
        )
    return render_pdf("documents/packing_slip.html", {"slips": [_slip_context(s) for s in slips]})


def render_packing_slip(slip: PackingSlip) -> bytes:
    return render_packing_slips([slip])


def render_carton_label(carton: SlipCarton, order_number: str, ship_to: SlipAddress) -> bytes:
    """A 100 × 150 mm carton label: ship-to, order, contents and a big GS1-128 SSCC."""
    return render_pdf(
        "documents/carton_label.html",
        {
            "carton": carton,
            "order_number": order_number,
            "ship_to": ship_to,
            "sscc_barcode": svg_data_uri(
                sscc_svg(
                    carton.sscc,
                    module_width_mm=LABEL_SSCC_MODULE_WIDTH_MM,
                    bar_height_mm=LABEL_SSCC_HEIGHT_MM,
                    font_size_pt=12,
                )
            ),
        },
    )
