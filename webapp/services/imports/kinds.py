"""The kinds of CSV import there are: a new kind is a module beside this one and a line here."""
from webapp.services.imports import items, orders, purchase_orders, shipments

KINDS = {kind.name: kind for kind in (items.KIND, orders.KIND, purchase_orders.KIND, shipments.KIND)}
