"""Dockhand: the warehouse floor app. `create_app` is the only place the app is assembled."""
import gc

from flask import Flask

from webapp.config import INSTANCE_DIR, PROJECT_ROOT, load_config

# Everything the app loads is its own; WebAssembly (the ZXing decoder) needs 'wasm-unsafe-eval'.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.update(load_config())
    if overrides:
        app.config.update(overrides)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from webapp import cli
    from webapp.db import tables  # noqa: F401  (every table registered)
    from webapp.extensions import db, sock
    from webapp.web.api import api, load_endpoint_modules
    from webapp.web.auth import init_auth
    from webapp.web.errors import register_error_handlers
    from webapp.web.pages import pages

    db.init_app(app)
    sock.init_app(app)
    init_auth(app)
    register_error_handlers(app)
    load_endpoint_modules()
    app.register_blueprint(api)
    app.register_blueprint(pages)
    cli.init_app(app)

    @app.after_request
    def _session_lasts_a_shift(response):
        # A cookie without an expiry dies with the browser, and a crashed handheld would stop sending its scans.
        # after_request runs before the session is saved, so the sign-in answer itself carries the expiry.
        from flask import session

        if "_user_id" in session and not session.permanent:
            session.permanent = True
        return response

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    if not app.testing:  # tests make many apps in one process: freezing each one's garbage would keep it forever
        _freeze_what_start_up_made()
    return app


def _freeze_what_start_up_made() -> None:
    """Modules, tables, routes and caches live as long as the process: moved out of the cyclic collector's sight
    (gc.freeze), its full collections scan only what requests make. Profiled: in a 10,000-scan replay, full
    collections re-scanned some 200,000 start-up objects, a sixth of the replay's time. Garbage is collected
    first, as whatever is frozen is never freed."""
    gc.collect()
    gc.freeze()
