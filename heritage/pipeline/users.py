"""Accounts: create them, change their role, check a login.

Passwords are hashed with Argon2id (argon2-cffi, the OWASP-recommended default: salted,
memory-hard); a login for an unknown name still spends the time of one hash check, so timing
does not tell which names exist.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from heritage.errors import ConflictError, InvalidInputError
from heritage.store import users as store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "MIN_PASSWORD_CHARS",
    "ROLES",
    "check_login",
    "create_user",
    "has_role",
    "set_disabled",
    "set_password",
    "set_role",
]

ROLES = ("viewer", "analyst", "admin")  # each can do what the ones before it can
MIN_PASSWORD_CHARS = 12  # NIST SP 800-63B asks for at least 8; a shared duty laptop, more
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def create_user(session: Session, username: str, password: str, role: str, *, now: datetime) -> int:
    _check_name(username)
    _check_role(role)
    _check_password(password, username)
    user_id = store.add_user(session, username, _HASHER.hash(password), role, now=now)
    session.commit()
    return user_id


def set_role(session: Session, username: str, role: str) -> None:
    _check_role(role)
    if role != "admin":
        _keep_an_admin(session, username, "lose the admin role")
    store.update_user(session, username, role=role)
    session.commit()


def set_disabled(session: Session, username: str, disabled: bool) -> None:
    """Lock an account out, or let it in again (its history stays either way)."""
    if disabled:
        _keep_an_admin(session, username, "be disabled")
    store.update_user(session, username, disabled=disabled)
    session.commit()


def _keep_an_admin(session: Session, username: str, change: str) -> None:
    """Refuse a change that would leave no enabled admin: nobody could then manage accounts."""
    admins = [u.username for u in store.list_users(session) if u.role == "admin" and not u.disabled]
    if admins == [username]:
        raise ConflictError(f"{username} is the only enabled admin and cannot {change}")


def set_password(session: Session, username: str, password: str) -> None:
    _check_password(password, username)
    store.update_user(session, username, password_hash=_HASHER.hash(password))
    session.commit()


def check_login(
    session: Session, username: str, password: str, *, now: datetime
) -> store.User | None:
    """The user if the name and password match an enabled account, else None."""
    user = store.find_user(session, username.strip().lower())
    if user is None:
        _matches(_DUMMY_HASH, password)  # the same time as a real check
        return None
    if not _matches(user.password_hash, password) or user.disabled:
        return None
    store.record_login(session, user.id, now=now)
    session.commit()
    return user


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def has_role(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def _check_name(username: str) -> None:
    if not _NAME.match(username):
        raise InvalidInputError(
            f"a user name is 2-64 lower-case letters, digits, '.', '_' or '-', got {username!r}",
            source="user",
            location="username",
        )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInputError(
            f"role must be one of {', '.join(ROLES)}, got {role!r}", source="user", location="role"
        )


def _check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS or password.lower() == username.lower():
        raise InvalidInputError(
            f"a password needs at least {MIN_PASSWORD_CHARS} characters and must not be the "
            "user name",
            source="user",
            location="password",
        )
