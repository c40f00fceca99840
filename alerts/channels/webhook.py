"""Webhook channel: one signed JSON POST per envelope, through :mod:`heritage.fetch`.

The body is compact JSON with sorted keys. Receivers check ``X-Heritage-Signature`` with
:func:`verify` (HMAC-SHA256 over ``"<timestamp>." + body``) and dedupe on
``X-Heritage-Delivery``, since a retry after a lost answer sends the same delivery again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

from alerts.channels import DeliveryResult, Envelope
from alerts.messages import subject_line
from heritage.config import Settings
from heritage.errors import DeliveryError, InvalidInputError
from heritage.fetch import Reply, post_json

__all__ = ["sign", "verify", "send"]

_RETRYABLE_STATUSES = {408, 429}
_DETAIL_BODY_CHARS = 200


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC of ``"<timestamp>." + body``."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    body: bytes, headers: Mapping[str, str], secret: str, *, now: datetime, tolerance_s: int = 300
) -> bool:
    """Whether a delivery is authentic and fresh: signed with ``secret`` within ``tolerance_s``.

    Header names are matched case-insensitively; the signatures are compared in constant time.
    An empty secret verifies nothing.
    """
    found = {name.lower(): value for name, value in headers.items()}
    try:
        timestamp = int(found.get("x-heritage-timestamp", ""))
    except ValueError:
        return False
    if not secret or abs(now.timestamp() - timestamp) > tolerance_s:
        return False
    expected = sign(body, secret, timestamp)
    return hmac.compare_digest(expected, found.get("x-heritage-signature", ""))


def send(envelope: Envelope, settings: Settings, *, now: datetime) -> DeliveryResult:
    """POST the envelope's payload once; 2xx delivers, 408/429/5xx and network errors retry.

    The POST goes through :mod:`heritage.fetch`: a target that resolves to a private,
    link-local or (unless allowed) loopback address fails permanently, naming the address.
    """
    if envelope.payload is None:
        return DeliveryResult(False, True, f"delivery {envelope.key} has no webhook payload")
    if urlsplit(envelope.target).scheme not in ("http", "https"):
        return DeliveryResult(False, True, f"webhook URL {envelope.target!r} is not http(s)")
    try:
        body = json.dumps(
            dict(envelope.payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    except (TypeError, ValueError) as error:
        return DeliveryResult(False, True, f"delivery {envelope.key}: payload is not JSON: {error}")
    data = body.encode("utf-8")
    headers = _headers(envelope, data, int(now.timestamp()))
    try:
        reply = post_json(
            envelope.target, data, headers, settings=settings, timeout_s=settings.webhook_timeout_s
        )
    except InvalidInputError as error:  # a refused address: trying again will not help
        return DeliveryResult(False, True, subject_line(f"webhook {error}"))
    except DeliveryError as error:
        return DeliveryResult(False, False, subject_line(f"webhook {error}"))
    # Only the start of the answer (fetch reads no more), for the detail.
    return _result(reply, subject_line(reply.head.decode("utf-8", "replace")))


def _headers(envelope: Envelope, data: bytes, timestamp: int) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "heritage-monitor",
        "X-Heritage-Delivery": envelope.key,
        "X-Heritage-Timestamp": str(timestamp),
    }
    if envelope.secret:  # an HMAC with an empty key proves nothing, so send none
        headers["X-Heritage-Signature"] = sign(data, envelope.secret, timestamp)
    return headers


def _result(reply: Reply, answer: str) -> DeliveryResult:
    status = reply.status
    detail = f"HTTP {status}" + (f": {answer}" if answer else "")
    if 200 <= status < 300:
        return DeliveryResult(True, False, detail)
    if status in _RETRYABLE_STATUSES or status >= 500:
        return DeliveryResult(False, False, detail)
    if 300 <= status < 400:
        target = subject_line(reply.location or "?")[:_DETAIL_BODY_CHARS]
        detail += f" (redirect to {target} not followed)"
    return DeliveryResult(False, True, detail)
