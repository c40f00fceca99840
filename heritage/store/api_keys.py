"""API keys for trusted partners: only a SHA-256 hash of each key is stored."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from heritage.errors import ConflictError, NotFoundError
from heritage.store.tables import api_keys

__all__ = [
    "ApiKey",
    "create_api_key",
    "find_api_key",
    "hash_key",
    "list_api_keys",
    "reissue_api_key",
    "revoke_api_key",
]


@dataclass(frozen=True)
class ApiKey:
    """A partner's key as listed: never the key itself, which is not stored."""

    name: str
    created_at: datetime
    revoked_at: datetime | None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(session: Session, name: str, key: str, *, now: datetime) -> None:
    if session.execute(select(api_keys.c.id).where(api_keys.c.name == name)).first():
        raise ConflictError(f"an API key named '{name}' exists already")
    session.execute(insert(api_keys).values(name=name, key_hash=hash_key(key), created_at=now))


def find_api_key(session: Session, key: str) -> str | None:
    """The name of the partner holding ``key``, or None if it is unknown or revoked."""
    return session.execute(
        select(api_keys.c.name).where(
            api_keys.c.key_hash == hash_key(key), api_keys.c.revoked_at.is_(None)
        )
    ).scalar_one_or_none()


def list_api_keys(session: Session) -> list[ApiKey]:
    rows = session.execute(
        select(api_keys.c.name, api_keys.c.created_at, api_keys.c.revoked_at).order_by(
            api_keys.c.name
        )
    )
    return [ApiKey(*row) for row in rows]


def revoke_api_key(session: Session, name: str, *, now: datetime) -> None:
    """Refuse the key from now on (the partner's name stays, as the source of its events)."""
    _update(session, name, revoked_at=now)


def reissue_api_key(session: Session, name: str, key: str, *, now: datetime) -> None:
    """Replace a partner's key with ``key``: the old one stops working at once."""
    _update(session, name, key_hash=hash_key(key), created_at=now, revoked_at=None)


def _update(session: Session, name: str, **values) -> None:
    done = session.execute(update(api_keys).where(api_keys.c.name == name).values(**values))
    if not done.rowcount:
        raise NotFoundError("API key", name)
