"""Settings from the environment, with safe defaults for a laptop."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from webapp.domain.floor_movement import MAX_BATCH_BYTES, MAX_BATCH_MOVEMENTS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("DOCKHAND_INSTANCE", PROJECT_ROOT / "instance"))


def _dev_secret_key() -> str:
    """A secret generated once and kept under instance/, so sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the scheme "postgres"; we speak psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'dockhand.sqlite3'}"


def _count_tolerances() -> dict:
    """Auto-approve tolerance per ABC class, in percent: DOCKHAND_COUNT_TOLERANCE="A=2,B=5,C=5" (default 5 each)."""
    tolerances = {"A": "5", "B": "5", "C": "5"}
    for part in os.environ.get("DOCKHAND_COUNT_TOLERANCE", "").split(","):
        name, _, value = part.partition("=")
        if name.strip() in tolerances and value.strip():
            try:
                if not 0 <= float(value) <= 100:
                    raise ValueError
            except ValueError:
                raise ValueError(f"DOCKHAND_COUNT_TOLERANCE: {part!r} is not a percent from 0 to 100") from None
            tolerances[name.strip()] = value.strip()
    return tolerances


def load_config() -> dict:
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _dev_secret_key(),
        "DATABASE_URL": _database_url(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "dockhand_session",
        # A signed-in session outlives a browser restart for a shift (renewed by each request); the server
        # can still end it sooner.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("DOCKHAND_SESSION_HOURS", "12"))),
        # Uploads (label photos) are the biggest bodies we take; sync has its own 1 MiB limit.
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "SYNC_MAX_BODY_BYTES": MAX_BATCH_BYTES,
        "SYNC_MAX_MOVEMENTS": MAX_BATCH_MOVEMENTS,
        "CLOCK_SKEW_LIMIT_SECONDS": int(os.environ.get("DOCKHAND_CLOCK_SKEW_LIMIT_SECONDS", "300")),
        # Wrong passwords allowed per window: for one name from one address (or on a device the person
        # signed in on before), and from one address across every name.
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        # A session lasts a shift: it ends after this long without a request (and at sign-out).
        "SESSION_IDLE_SECONDS": int(os.environ.get("DOCKHAND_SESSION_IDLE_SECONDS", str(12 * 60 * 60))),
        # The GS1 company prefix our SSCCs (carton numbers) are built on.
        "GS1_COMPANY_PREFIX": os.environ.get("DOCKHAND_GS1_COMPANY_PREFIX", "5012345"),
        # A live socket whose client reads slower than events come is closed once this much waits for it
        # (it reconnects with `since` and is sent what it missed).
        "LIVE_MAX_BEHIND_BYTES": int(os.environ.get("DOCKHAND_LIVE_MAX_BEHIND_BYTES", str(1024 * 1024))),
        "TRUST_PROXY": os.environ.get("DOCKHAND_TRUST_PROXY", "") == "1",
        "JSON_SORT_KEYS": False,
        # Ledger checkpoints are signed with a key the database never holds: the key itself in
        # DOCKHAND_LEDGER_KEY, else one generated once into LEDGER_KEY_FILE (instance/ledger_key).
        "LEDGER_KEY": os.environ.get("DOCKHAND_LEDGER_KEY") or None,
        "LEDGER_KEY_FILE": str(INSTANCE_DIR / "ledger_key"),
        "CHECKPOINT_DIR": os.environ.get("DOCKHAND_CHECKPOINT_DIR") or str(INSTANCE_DIR / "checkpoints"),
        "COUNT_TOLERANCE_PCT": _count_tolerances(),
        # Value of issues over this many days decides the ABC classes of cycle counting.
        "ABC_WINDOW_DAYS": int(os.environ.get("DOCKHAND_ABC_WINDOW_DAYS", "90")),
    }
