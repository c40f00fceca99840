"""Signed links in messages: confirm a subscription, unsubscribe in one click (RFC 8058).

itsdangerous signs the subscription id with the deployment's secret key, so a link works
without a login and cannot be forged for somebody else's subscription.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from heritage.config import Settings
from heritage.errors import InvalidInputError

__all__ = ["confirm_url", "read_token", "unsubscribe_url"]

CONFIRM, UNSUBSCRIBE = "confirm", "unsubscribe"


def confirm_url(settings: Settings, subscription_id: int) -> str:
    return f"{_base(settings)}/subscriptions/confirm/{_token(settings, CONFIRM, subscription_id)}"


def unsubscribe_url(settings: Settings, subscription_id: int) -> str:
    token = _token(settings, UNSUBSCRIBE, subscription_id)
    return f"{_base(settings)}/subscriptions/unsubscribe/{token}"


def read_token(settings: Settings, purpose: str, token: str) -> int:
    """The subscription id a link was made for; InvalidInputError for a forged or stale one."""
    try:
        value = _serializer(settings, purpose).loads(token)
    except BadSignature:
        raise InvalidInputError(
            "this link is not valid (mistyped, or made by another deployment)",
            source=f"{purpose} link",
        ) from None
    return int(value)


def _token(settings: Settings, purpose: str, subscription_id: int) -> str:
    return _serializer(settings, purpose).dumps(subscription_id)


def _serializer(settings: Settings, purpose: str) -> URLSafeSerializer:
    if not settings.secret_key:
        raise InvalidInputError(
            "no secret key to sign links: set HERITAGE_SECRET_KEY", source="configuration"
        )
    return URLSafeSerializer(settings.secret_key, salt=f"heritage-{purpose}")


def _base(settings: Settings) -> str:
    return settings.base_url.rstrip("/")
