"""Advance ship notices by CSV: one row per notice line (number, sscc, item, qty, lot, expiry, purchase_order,
po_line, …); the rows of one SSCC are one pallet, in the order the file lists them. Each number goes through
`create_shipment`, the same function as POST /api/v1/inbound-shipments: the same notice again is left alone,
a number already there with other content is an idempotency_conflict."""
from sqlalchemy.orm import Session

from webapp.domain.csv_import import LINE_QTY, Column, Group, Layout, RowError, quantity, text
from webapp.domain.errors import DomainError
from webapp.domain.roles import ADMIN, INTEGRATION, SUPERVISOR
from webapp.services.imports import ImportKind
from webapp.services.inbound_shipments import create_shipment

LAYOUT = Layout(key="number", lines=True, columns=(
    Column("number", text(64), required=True, per_number=True),
    Column("sscc", text(20), required=True),
    Column("item", text(64), required=True),
    Column("qty", quantity(*LINE_QTY), required=True),
    Column("lot", text(64), default=""),
    Column("expiry", text(10), default=""),
    Column("purchase_order", text(64), default=""),
    Column("po_line", quantity(1, 100_000)),
    Column("supplier", text(32), per_number=True),
    Column("warehouse", text(64), per_number=True),
    Column("expected_at", text(40), per_number=True),
))


def payload(group: Group) -> dict:
    """The notice the rows describe, as the API's body."""
    pallets: dict[str, list[dict]] = {}
    for line in group.lines:
        pallets.setdefault(line["sscc"], []).append({
            "item": line["item"], "qty": line["qty"], "lot": line["lot"] or "", "expiry": line["expiry"] or "",
            "purchase_order": line["purchase_order"] or None, "po_line": line["po_line"]})
    f = group.fields
    return {"number": group.key, "supplier": f["supplier"], "warehouse": f["warehouse"],
            "expected_at": f["expected_at"], "pallets": [{"sscc": sscc, "lines": lines} for sscc, lines in pallets.items()]}


def import_group(session: Session, group: Group, user_id: int | None) -> str:
    try:
        _, created = create_shipment(session, payload(group))
    except DomainError as err:
        line = err.extra.get("line")
        if isinstance(line, int) and 1 <= line <= len(group.lines):
            # The service numbers lines pallet by pallet; map back to the row that carried that line.
            raise RowError(err.code, err.message, line=_row_of_line(group, line)) from None
        raise
    return "created" if created else "already_there"


def _row_of_line(group: Group, line: int) -> int:
    """The index (in group.lines) of the service's line `line` (1-based, numbered pallet by pallet)."""
    order = []
    for sscc in dict.fromkeys(l["sscc"] for l in group.lines):
        order += [i for i, l in enumerate(group.lines) if l["sscc"] == sscc]
    return order[line - 1]


KIND = ImportKind(name="inbound-shipments", layout=LAYOUT, roles=(INTEGRATION, ADMIN, SUPERVISOR),
                  import_group=import_group)
