"""Settings from the environment, with safe defaults for a laptop."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

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
        "SYNC_MAX_BODY_BYTES": 1024 * 1024,
        "SYNC_MAX_MOVEMENTS": 500,
        "CLOCK_SKEW_LIMIT_SECONDS": int(os.environ.get("DOCKHAND_CLOCK_SKEW_LIMIT_SECONDS", "300")),
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        # The GS1 company prefix our SSCCs (carton numbers) are built on.
        "GS1_COMPANY_PREFIX": os.environ.get("DOCKHAND_GS1_COMPANY_PREFIX", "5012345"),
        "TRUST_PROXY": os.environ.get("DOCKHAND_TRUST_PROXY", "") == "1",
        "JSON_SORT_KEYS": False,
    }
