"""ISP Manager: information sharing for safeguarding in Wales."""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, g, request
from flask_smorest import Api
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from . import extensions as ext
from . import mail
from .config import DEFAULT_INSTANCE, PROJECT_ROOT, build_config
from .db import transaction_may_write

log = logging.getLogger(__name__)


def create_app(config: dict | None = None, instance_path: str | Path | None = None) -> Flask:
    """The application factory: extensions, blueprints, CLI, error handlers. The instance
    folder (SQLite database, local secret key, outbox) is `instance_path`, else the
    ISP_MANAGER_INSTANCE environment variable, else instance/ in the project."""
    instance = Path(instance_path or os.environ.get("ISP_MANAGER_INSTANCE") or DEFAULT_INSTANCE)
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance), template_folder=None)
    app.config.update(build_config(instance, config))
    if app.config["TRUST_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    _configure_templates(app)
    _init_extensions(app)
    from . import models  # noqa: F401  (every table registered before use)

    _register_blueprints(app)
    from .ops import init_ops

    init_ops(app)  # request ids, logs and metrics: first in, last out of every request
    _register_request_hooks(app)
    from .errors_views import register_error_handlers

    register_error_handlers(app)
    from .cli import register_cli

    register_cli(app)
    from .query_count import init_query_counter

    with app.app_context():
        init_query_counter(app, ext.db.engine)  # benchmarks only: off unless BENCH_COUNT_QUERIES=1
    if not app.testing:
        # What start-up built (templates, catalogues, translations, mappers: some 200,000
        # objects) lives as long as the worker: kept out of the garbage collector's full
        # collections, which otherwise walk all of it every few requests (50-100 ms each).
        gc.freeze()
        # A large agreement's page makes tens of thousands of short-lived objects; with the
        # default threshold (700) they set off the older generations' collections every few
        # requests. Collecting the youngest generation every 50,000 allocations keeps those
        # pauses rare, at the cost of a few megabytes a worker.
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    return app


GC_YOUNG_THRESHOLD = 50_000


def _configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)
    from .templating import register_template_helpers
    from .widgets import keep_rendered_choice_fields

    keep_rendered_choice_fields()

    register_template_helpers(app)


def _init_extensions(app: Flask) -> None:
    ext.db.init_app(app)
    ext.migrate.init_app(
        app, ext.db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True
    )
    ext.csrf.init_app(app)
    from .i18n import install_template_translations, select_locale

    ext.babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    install_template_translations(app)
    from .accounts.auth import init_login

    init_login(app, ext.login_manager)
    # One Api (and OpenAPI document) per app: a module-level one would be rebuilt by every
    # create_app() call, so a second app in the same process would empty the first one's spec.
    api = Api()
    api.init_app(app)
    app.extensions["isp_manager_api"] = api
    with app.app_context():
        _configure_engine(app, ext.db.engine)


def _configure_engine(app: Flask, engine: sa.Engine) -> None:
    """SQLite: foreign keys on, WAL, and transactions SQLAlchemy controls (so SAVEPOINT works).

    A transaction that may write takes SQLite's write lock when it begins (BEGIN IMMEDIATE),
    waiting up to the busy timeout for it. A deferred transaction that reads and then writes
    would have to upgrade its lock half-way, and SQLite refuses that at once, without waiting,
    when another writer got there first. Read-only requests stay deferred, so readers never
    wait for each other (see db.transaction_may_write).
    """
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted and overwritten content is zeroed in the file, not left in free pages:
        # a disposed record's personal data must not stay readable (see retention).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(app.config['DATABASE_BUSY_TIMEOUT_MS'])}")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if transaction_may_write() else "BEGIN")


def _register_blueprints(app: Flask) -> None:
    from .blueprints import API_BLUEPRINTS, PAGE_BLUEPRINTS
    from .url_converters import register_url_converters

    register_url_converters(app)
    for blueprint in PAGE_BLUEPRINTS:
        app.register_blueprint(blueprint)
    for blueprint in API_BLUEPRINTS:
        app.extensions["isp_manager_api"].register_blueprint(
            blueprint, url_prefix=f"/api/v1{blueprint.url_prefix or ''}"
        )
        ext.csrf.exempt(blueprint)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _register_request_hooks(app: Flask) -> None:
    @app.after_request
    def _finish_request(response):
        """One transaction per request: commit on success, roll back otherwise, then send mail."""
        if response.status_code < 400:
            try:
                ext.db.session.commit()
            except Exception as error:
                ext.db.session.rollback()
                mail.discard_pending()
                from .errors_views import database_error_response

                failed = database_error_response(error)  # busy: 503; a conflict: 409
                if failed is None:
                    raise
                return _security_headers(failed)
            try:
                mail.flush_pending()
            except Exception:  # the change stands; the notice is logged for a retry
                log.exception("mail could not be sent after commit")
        else:
            ext.db.session.rollback()
            mail.discard_pending()
        return _security_headers(response)

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            ext.db.session.rollback()
            mail.discard_pending()

    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["X-Request-ID"] = g.get("request_id", "")
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if response.mimetype == "text/html" or request.path.startswith("/api/"):
            headers.setdefault("Cache-Control", "no-store")
        return response
