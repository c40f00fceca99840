"""Errors as HTTP: one JSON envelope under /api/ and /healthz, a plain page elsewhere.

Tracebacks go to the log only.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from heritage.errors import HeritageError

__all__ = ["register"]

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    app.register_error_handler(HeritageError, _heritage_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _wants_json() -> bool:
    # /ogc: OGC API - Features clients (QGIS) read JSON errors too
    return request.path.startswith(("/api/", "/ogc")) or request.path == "/healthz"


def _respond(status: int, code: str, message: str, details: object = None):
    if _wants_json():
        body = {"error": {"code": code, "message": message, "details": details}}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def _heritage_error(exc: HeritageError):
    if exc.http_status >= 500:
        log.error("%s on %s: %s", exc.code, request.path, exc)
    body, status = _respond(exc.http_status, exc.code, exc.message, exc.details)
    if status == 401:  # RFC 6750: say which scheme to use
        return body, status, {"WWW-Authenticate": 'Bearer realm="heritage-risk-monitor"'}
    return body, status


def _http_error(exc: HTTPException):
    code = (exc.name or "error").lower().replace(" ", "_")
    response = _respond(exc.code or 500, code, exc.description or exc.name or "error")
    if exc.code == 405 and exc.valid_methods:
        body, status = response
        return body, status, {"Allow": ", ".join(exc.valid_methods)}
    return response


def _unexpected_error(exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.path)
    return _respond(
        500, "internal_error", "internal server error; the details are in the server log"
    )
