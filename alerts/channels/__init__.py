"""Delivery channels: one envelope in, one :class:`DeliveryResult` out, for email and webhooks.

The outbox decides what to send and when to retry; a channel only tries once and says
whether the failure is worth retrying. Nothing here raises for a failed delivery.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from alerts.messages import Message
from heritage.config import Settings
from heritage.domain import Channel
from heritage.errors import InvalidInputError

__all__ = ["DeliveryResult", "Envelope", "send"]

_KEY = re.compile(r"[A-Za-z0-9._-]{1,200}")


@dataclass(frozen=True)
class Envelope:
    """One delivery to make; ``key`` is the outbox row's idempotency key.

    The key goes into headers (Message-ID, X-Heritage-Delivery), so it is checked here:
    ASCII letters, digits, ``.``, ``_`` and ``-`` only. The target and the unsubscribe link
    must be single lines, the link http(s).
    """

    key: str
    channel: Channel
    target: str
    message: Message
    payload: Mapping | None = None
    unsubscribe_url: str = ""
    secret: str = ""

    def __post_init__(self) -> None:
        where = f"delivery {self.key[:60]!r}"
        if not _KEY.fullmatch(self.key):
            raise InvalidInputError(
                "idempotency key must be 1-200 characters of A-Z a-z 0-9 . _ -",
                source="outbox",
                location=where,
            )
        if not self.target or _has_space_or_control(self.target):
            raise InvalidInputError(
                f"target {self.target[:80]!r} must be one non-empty line without spaces",
                source="outbox",
                location=where,
            )
        if self.unsubscribe_url and not _is_web_url(self.unsubscribe_url):
            raise InvalidInputError(
                f"unsubscribe link {self.unsubscribe_url[:80]!r} must be an http(s) URL",
                source="outbox",
                location=where,
            )


@dataclass(frozen=True)
class DeliveryResult:
    """What one attempt gave: ``permanent`` failures are not retried."""

    delivered: bool
    permanent: bool = False
    detail: str = ""


def send(envelope: Envelope, settings: Settings, *, now: datetime) -> DeliveryResult:
    """Make one delivery attempt through the envelope's channel."""
    # Imported on use: the channel modules import Envelope and DeliveryResult from here.
    from alerts.channels import email, webhook

    if envelope.channel is Channel.EMAIL:
        return email.send(envelope, settings, now=now)
    if envelope.channel is Channel.WEBHOOK:
        return webhook.send(envelope, settings, now=now)
    raise InvalidInputError(f"no channel {envelope.channel!r}", source="outbox")


def _has_space_or_control(text: str) -> bool:
    return any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text)


def _is_web_url(url: str) -> bool:
    if _has_space_or_control(url) or any(ch in url for ch in "<>\"'"):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
