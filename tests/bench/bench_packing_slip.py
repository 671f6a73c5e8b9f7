"""How fast packing slips render, against WeasyPrint's own floor for a trivial page.

Run on demand:  .venv/bin/python tests/bench/bench_packing_slip.py [--singles 20] [--batch 100]
Prints slips per second for single slips and for one PDF of a whole batch, and
the ratio to a one-line HTML → PDF render measured in the same run.
"""

import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from weasyprint import HTML  # noqa: E402

from webapp.documents.packing_slip import (  # noqa: E402
    PackingSlip,
    SlipAddress,
    SlipCarton,
    SlipLine,
    render_packing_slip,
    render_packing_slips,
)
from webapp.documents.render import DataOnlyURLFetcher  # noqa: E402
from webapp.domain.sscc import make_sscc  # noqa: E402


def make_slip(n: int) -> PackingSlip:
    lines = [
        SlipLine(f"SKU-{n:04d}-{i}", f"Item {i} for order {n}, a description of typical length", 1 + (n + i) % 9, f"LOT{n:05d}{i}")
        for i in range(3)
    ]
    return PackingSlip(
        order_number=f"SO-2024-{n:05d}",
        warehouse=SlipAddress("Dockhand Central Warehouse", ["Unit 4, Harbour Road", "3011 AB Rotterdam", "Netherlands"]),
        ship_to=SlipAddress(f"Customer {n} Ltd", ["12 Market Street", "Leeds LS1 6DT", "United Kingdom"]),
        lines=lines,
        cartons=[
            SlipCarton(make_sscc("0614141", n * 10 + 1), 4.5, lines[:2]),
            SlipCarton(make_sscc("0614141", n * 10 + 2), 2.0, lines[2:]),
        ],
        packed_at=datetime(2024, 5, 17, 14, 32, tzinfo=timezone.utc),
    )


def timed(fn, repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=20, help="single-slip renders to time")
    parser.add_argument("--batch", type=int, default=100, help="slips in the one-PDF batch")
    args = parser.parse_args()

    trivial_html = "<p>one line</p>"

    def trivial_pdf() -> bytes:
        return HTML(string=trivial_html, base_url=None, url_fetcher=DataOnlyURLFetcher()).write_pdf()

    # Warm up font discovery and imports so the first render does not skew either side.
    trivial_pdf()
    render_packing_slip(make_slip(0))

    baseline = timed(trivial_pdf, args.singles)
    singles_slips = [make_slip(n) for n in range(1, args.singles + 1)]
    single_iter = iter(singles_slips)
    singles = timed(lambda: render_packing_slip(next(single_iter)), args.singles)
    batch_slips = [make_slip(n) for n in range(1, args.batch + 1)]
    batch_pdf = b""

    def batch() -> None:
        nonlocal batch_pdf
        batch_pdf = render_packing_slips(batch_slips)

    batch_seconds = timed(batch, 1)[0]

    baseline_median = statistics.median(baseline)
    single_median = statistics.median(singles)
    print(f"baseline one-line PDF : median {baseline_median * 1000:7.1f} ms  ({1 / baseline_median:6.1f} docs/s, n={len(baseline)})")
    print(f"single packing slip   : median {single_median * 1000:7.1f} ms  ({1 / single_median:6.1f} slips/s, n={len(singles)})")
    print(
        f"batch of {args.batch} slips    : total  {batch_seconds:7.2f} s   ({args.batch / batch_seconds:6.1f} slips/s, "
        f"{batch_seconds / args.batch * 1000:.1f} ms/slip, one PDF of {len(batch_pdf) / 1024:.0f} KiB)"
    )
    print(f"ratio single slip / baseline     : {single_median / baseline_median:5.1f}x")
    print(f"ratio batch per slip / single    : {batch_seconds / args.batch / single_median:5.2f}x")


if __name__ == "__main__":
    main()
