"""API keys for trusted partners: only a SHA-256 hash of each key is stored."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from heritage.errors import ConflictError
from heritage.store.tables import api_keys

__all__ = ["create_api_key", "find_api_key", "hash_key"]


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
