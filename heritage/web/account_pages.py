"""Accounts for admins: people (role, enabled) and partners' API keys.

A new or rotated API key is shown once, in the answer to the form that made it, and never
stored: the page is sent with ``Cache-Control: no-store`` and the key is never put in the
session cookie (which a browser keeps and which is signed, not encrypted).
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from heritage import pipeline
from heritage.pipeline import users
from heritage.store import api_keys as api_key_store
from heritage.store import users as user_store
from heritage.web.auth import actor_name, require_role
from heritage.web.db import get_runtime, get_session

__all__ = ["bp"]

bp = Blueprint("account_pages", __name__)


@bp.get("/accounts")
@require_role("admin")
def accounts_page():
    return _page()


@bp.post("/accounts/users")
@require_role("admin")
def add_user():
    form = request.form
    username = form.get("username", "").strip().lower()
    role = form.get("role", "viewer")
    users.create_user(
        get_session(), username, form.get("password", ""), role, now=get_runtime().clock()
    )
    flash(f"User {username} created ({role}). Give them the password by another channel.")
    return _back()


@bp.post("/accounts/users/<username>/role")
@require_role("admin")
def set_role(username: str):
    role = request.form.get("role", "")
    users.set_role(get_session(), username, role)
    flash(f"User {username} is now {role}.")
    return _back()


@bp.post("/accounts/users/<username>/disable")
@require_role("admin")
def disable_user(username: str):
    users.set_disabled(get_session(), username, True)
    flash(f"User {username} disabled: signed out at their next request.")
    return _back()


@bp.post("/accounts/users/<username>/enable")
@require_role("admin")
def enable_user(username: str):
    users.set_disabled(get_session(), username, False)
    flash(f"User {username} enabled.")
    return _back()


@bp.post("/accounts/api-keys")
@require_role("admin")
def create_api_key():
    name = request.form.get("name", "").strip()
    key = pipeline.create_api_key(get_session(), name, now=get_runtime().clock())
    return _page(new_key=(name, key))


@bp.post("/accounts/api-keys/<name>/rotate")
@require_role("admin")
def rotate_api_key(name: str):
    key = pipeline.rotate_api_key(get_session(), name, now=get_runtime().clock())
    return _page(new_key=(name, key))


@bp.post("/accounts/api-keys/<name>/revoke")
@require_role("admin")
def revoke_api_key(name: str):
    pipeline.revoke_api_key(get_session(), name, now=get_runtime().clock())
    flash(f"The API key of {name} is revoked.")
    return _back()


def _page(new_key: tuple[str, str] | None = None):
    session = get_session()
    response = make_response(
        render_template(
            "accounts.html",
            people=user_store.list_users(session),
            keys=api_key_store.list_api_keys(session),
            roles=users.ROLES,
            me=actor_name(),
            new_key=new_key,
            min_password=users.MIN_PASSWORD_CHARS,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _back():
    return redirect(url_for("account_pages.accounts_page"))
