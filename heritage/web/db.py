"""One database session per request, opened on first use and closed on teardown."""

from __future__ import annotations

from flask import current_app, g

from heritage.store.session import require_current_schema

__all__ = ["get_published_sites", "get_runtime", "get_session"]


def get_runtime():
    return current_app.extensions["heritage"]


def get_published_sites():
    """The process's cache of published site features (``published_sites``)."""
    return current_app.extensions["published_sites"]


def get_session():
    if "db_session" not in g:
        runtime = get_runtime()
        if not current_app.extensions.get("heritage_schema_checked"):
            require_current_schema(runtime.engine)  # once per process; init-db runs before serving
            current_app.extensions["heritage_schema_checked"] = True
        g.db_session = runtime.sessions()
    return g.db_session
