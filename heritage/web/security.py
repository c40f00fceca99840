"""Response headers that keep untrusted text from running: a strict CSP and friends."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request

from heritage.errors import InvalidInputError

__all__ = ["register"]


def register(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_secure_headers)


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
