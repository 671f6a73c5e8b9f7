"""The JSON API under /api/v1."""
from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")


def load_endpoint_modules() -> None:
    """Import the modules whose decorators attach views to `api` (once per process)."""
    from webapp.web.api import (  # noqa: F401
        admin_api,
        auth_api,
        catalogue_api,
        counts_api,
        imports_api,
        dashboard_api,
        inbound_api,
        inbound_shipments_api,
        movements_api,
        openapi,
        order_lines_api,
        orders_api,
        packing_api,
        people_api,
        reorder_api,
        reports_api,
        photos_api,
        settings_api,
        stock_api,
        supervisor_api,
        sync_api,
        transfers_api,
    )
    from webapp.web.live import endpoint  # noqa: F401
