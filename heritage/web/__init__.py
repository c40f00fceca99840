"""The web edge: the Flask app factory, the JSON API and the dashboard pages.

This package is the only place that imports Flask.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, g

from heritage.cli import make_commands
from heritage.config import settings_from_mapping
from heritage.runtime import Runtime, build_runtime
from heritage.store.session import sqlite_url
from heritage.web.published_sites import PublishedSites

__all__ = ["create_app", "get_runtime"]

DATABASE_FILE = "heritage.sqlite3"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance/heritage.toml, then HERITAGE_* env, then test_config.

    ``test_config`` may also carry ``CLOCK``, a callable returning an aware UTC datetime.
    """
    app = Flask("heritage.web", instance_relative_config=True)
    app.config.from_file("heritage.toml", load=tomllib.load, text=False, silent=True)
    app.config.from_prefixed_env("HERITAGE")
    if test_config:
        app.config.update(test_config)
    settings = settings_from_mapping(app.config)
    if not settings.secret_key:
        settings = dataclasses.replace(settings, secret_key=_instance_secret(app))
    app.config["SECRET_KEY"] = settings.secret_key
    database_url = settings.database_url or sqlite_url(Path(app.instance_path) / DATABASE_FILE)
    clock = app.config.get("CLOCK") or _utc_now
    runtime = build_runtime(settings, database_url, clock)
    if not app.testing:  # tests build many registries: a file for each would only cost time
        runtime.gazetteer_cache.folder = Path(app.instance_path) / "gazetteer"
    app.extensions["heritage"] = runtime
    app.extensions["published_sites"] = PublishedSites(
        generalise_deg=settings.sensitive_grid_deg, capacity=settings.published_sites_max
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    _configure_logging(app)

    from heritage.web import (  # noqa: PLC0415
        account_pages,
        admin_pages,
        alerts_api,
        api,
        auth,
        dashboard,
        errors,
        events_api,
        exports_api,
        ogc_api,
        params,
        report_desk,
        reports_api,
        risk_api,
        security,
        site_pages,
        subscription_pages,
    )

    app.url_map.converters["id"] = params.RowIdConverter
    # What a new server worker runs in the background (in an app context), so that its first
    # visitors find the published sites built: ``serve`` calls it without importing Flask.
    app.extensions["warm_published_sites"] = api.warm_published_sites
    app.register_blueprint(api.bp)
    app.register_blueprint(events_api.bp)
    app.register_blueprint(risk_api.bp)
    app.register_blueprint(reports_api.bp)
    app.register_blueprint(alerts_api.bp)
    app.register_blueprint(exports_api.bp)
    app.register_blueprint(ogc_api.bp)
    app.register_blueprint(subscription_pages.bp)
    app.register_blueprint(site_pages.bp)
    app.register_blueprint(report_desk.bp)
    app.register_blueprint(admin_pages.bp)
    app.register_blueprint(account_pages.bp)
    app.register_blueprint(dashboard.bp)
    # The API writes with bearer keys and the subscription links carry signed tokens: no
    # cookie authenticates them, so CSRF does not apply; every other form carries a token.
    api_writers = [events_api.bp, reports_api.bp, alerts_api.bp]
    auth.register(app, exempt=[*api_writers, subscription_pages.bp], write_limited=api_writers)
    errors.register(app)
    security.register(app)
    app.teardown_appcontext(_close_session)
    for command in make_commands(runtime, app):
        app.cli.add_command(command)
    return app


def get_runtime(app: Flask) -> Runtime:
    return app.extensions["heritage"]


def _instance_secret(app: Flask) -> str:
    """The deployment's random key in instance/secret_key, made on first start (owner-only)."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # the web server and the scheduler started together
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
    return path.read_text().strip()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        logging.getLogger("alembic").setLevel(logging.WARNING)  # the CLI reports migrations itself
