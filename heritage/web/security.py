"""Response headers that keep untrusted text from running: a strict CSP and friends."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_login import current_user

from heritage.errors import InvalidInputError

__all__ = ["register"]


_READ_PREFIXES = ("/api/v1/", "/ogc")
_FRESH_S = 60  # reads may be a minute old in caches: events arrive in batches, not by the second


def register(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_secure_headers)
    app.after_request(_cache_and_cors)


def _cache_and_cors(response):
    """ETag and Cache-Control on successful reads, so clients and QGIS revalidate cheaply;
    CORS for reads only: a browser page elsewhere may read the API, never write to it."""
    if request.method not in ("GET", "HEAD") or not request.path.startswith(_READ_PREFIXES):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return response
    # A logged-in analyst may see exact geometry that anonymous readers do not: keep such
    # answers out of shared caches.
    scope = "private" if current_user.is_authenticated else "public"
    response.headers["Cache-Control"] = f"{scope}, max-age={_FRESH_S}"
    response.vary.add("Cookie")
    response.add_etag()
    return response.make_conditional(request)


def _refuse_nul():
    """No identifier or filter of ours contains a NUL; PostgreSQL cannot even store one."""
    if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
        raise InvalidInputError("the request contains a NUL character", source="request")


def _secure_headers(response):
    tiles = _tile_origin(current_app.extensions["heritage"].settings.tile_url)
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:{tiles}; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _tile_origin(tile_url: str) -> str:
    """' scheme://host' of the tile server for img-src ('{s}.' subdomains become '*.')."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    return f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
