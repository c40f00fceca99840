"""Dashboard accounts (the password is stored only as a salted hash)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from heritage.errors import ConflictError, NotFoundError
from heritage.store.tables import users

__all__ = ["User", "add_user", "find_user", "get_user", "list_users", "record_login", "update_user"]


@dataclass(frozen=True)
class User:
    id: int
    username: str
    password_hash: str
    role: str
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None


def add_user(
    session: Session, username: str, password_hash: str, role: str, *, now: datetime
) -> int:
    try:
        with session.begin_nested():
            return session.execute(
                insert(users).values(
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    disabled=False,
                    created_at=now,
                )
            ).inserted_primary_key[0]
    except IntegrityError:
        raise ConflictError(f"a user named {username!r} exists already") from None


def find_user(session: Session, username: str) -> User | None:
    row = session.execute(select(users).where(users.c.username == username)).one_or_none()
    return _user(row) if row else None


def get_user(session: Session, user_id: int) -> User:
    row = session.execute(select(users).where(users.c.id == user_id)).one_or_none()
    if row is None:
        raise NotFoundError("user", user_id)
    return _user(row)


def list_users(session: Session) -> list[User]:
    return [_user(row) for row in session.execute(select(users).order_by(users.c.username))]


def update_user(session: Session, username: str, **values) -> None:
    """Change ``role``, ``disabled`` or ``password_hash`` of a user."""
    done = session.execute(
        update(users).where(users.c.username == username).values(**values)
    ).rowcount
    if not done:
        raise NotFoundError("user", username)


def record_login(session: Session, user_id: int, *, now: datetime) -> None:
    session.execute(update(users).where(users.c.id == user_id).values(last_login_at=now))


def _user(row) -> User:
    return User(
        row.id,
        row.username,
        row.password_hash,
        row.role,
        row.disabled,
        row.created_at,
        row.last_login_at,
    )
