"""The variance report of a count (PDF, for auditors): one row per line, from the same figures the API gives."""
from webapp.documents.render import render_pdf


def _money(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def _when(text: str | None) -> str | None:
    """2026-11-25T10:05:00.000000Z → 2026-11-25 10:05 UTC (auditors read minutes, not microseconds)."""
    return f"{text[:10]} {text[11:16]} UTC" if text else None


def render_variance_report(count: dict) -> bytes:
    """`count` is the supervisor's view of the count (services.count_views.supervisor_view)."""
    lines = [{**line, "value": _money(line["value_cents"]), "approved_at": _when(line["approved_at"])}
             for line in count["lines"]]
    report = {
        "count_id": count["id"], "warehouse": count["warehouse"], "state": count["state"],
        "created_at": _when(count["created_at"]), "created_by": count["created_by"],
        "closed_at": _when(count["closed_at"]), "locations": count["locations"], "note": count["note"],
        "lines": lines, "total_value": _money(sum(l["value_cents"] or 0 for l in count["lines"])),
    }
    return render_pdf("documents/variance_report.html", {"report": report})
