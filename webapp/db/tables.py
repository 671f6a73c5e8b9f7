"""Every table, imported once so that SQLModel.metadata is complete (Alembic reads it)."""
from sqlmodel import SQLModel

from webapp.db.alert_tables import *  # noqa: F401,F403
from webapp.db.count_tables import *  # noqa: F401,F403
from webapp.db.event_tables import *  # noqa: F401,F403
from webapp.db.floor_tables import *  # noqa: F401,F403
from webapp.db.idempotency_tables import *  # noqa: F401,F403
from webapp.db.inbound_tables import *  # noqa: F401,F403
from webapp.db.ledger_tables import *  # noqa: F401,F403
from webapp.db.models import *  # noqa: F401,F403
from webapp.db.order_tables import *  # noqa: F401,F403
from webapp.db.reorder_tables import *  # noqa: F401,F403
from webapp.db.setting_tables import *  # noqa: F401,F403
from webapp.db.transfer_tables import *  # noqa: F401,F403

metadata = SQLModel.metadata
