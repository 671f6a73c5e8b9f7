"""Server-rendered pages and the PWA's files (app shell, service worker, manifest)."""
from flask import Blueprint, jsonify, render_template, send_from_directory
from sqlalchemy import text

from webapp.config import PROJECT_ROOT
from webapp.extensions import db

pages = Blueprint("pages", __name__)
PWA_DIR = PROJECT_ROOT / "pwa"


@pages.get("/healthz")
def healthz():
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@pages.get("/login")
def login_page():
    return render_template("login.html")


@pages.get("/")
def app_shell():
    # The shell is the same for everyone; the PWA asks /api/v1/me and shows sign-in when needed.
    return render_template("app.html")


@pages.get("/sw.js")
def service_worker():
    response = send_from_directory(PWA_DIR, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@pages.get("/manifest.webmanifest")
def manifest():
    return send_from_directory(PWA_DIR, "manifest.webmanifest", mimetype="application/manifest+json", max_age=0)


@pages.get("/pwa/<path:filename>")
def pwa_file(filename: str):
    response = send_from_directory(PWA_DIR, filename, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
