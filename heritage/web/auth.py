"""Accounts on the dashboard: password login, roles, CSRF on every form, rate limits.

Flask-Login keeps who is logged in (a signed session cookie: HttpOnly, SameSite=Lax, Secure
when the public address is https), Flask-WTF checks a CSRF token on every form post, and
Flask-Limiter limits logins and API writes. The JSON API authenticates writes with bearer
keys, not cookies, so a forged cross-site form cannot use it: it is exempt from CSRF, and so
are the signed subscription links (RFC 8058 one-click posts come from mail providers).
"""

from __future__ import annotations

import functools
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from heritage.errors import NotFoundError
from heritage.pipeline import users
from heritage.store import users as user_store
from heritage.web.db import get_runtime, get_session

__all__ = ["Account", "actor_name", "bp", "register", "require_role"]

bp = Blueprint("auth", __name__)

LOGIN_LIMIT = "10 per minute"  # per address: a person mistyping never meets it, a script does
WRITE_LIMIT = "120 per minute"  # per address, on the API's POSTs


class Account(UserMixin):
    """The logged-in person, as Flask-Login sees them."""

    def __init__(self, user: user_store.User):
        self.id = str(user.id)
        self.username = user.username
        self.role = user.role

    def can(self, role: str) -> bool:
        return users.has_role(self.role, role)


def register(app: Flask, *, exempt: list[Blueprint], write_limited: list[Blueprint]) -> None:
    secure = get_runtime_settings(app).base_url.startswith("https://")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=12 * 3600,  # a duty shift: a form left open stays usable
    )
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.user_loader(_load_account)
    csrf = CSRFProtect(app)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    limiter.limit(LOGIN_LIMIT, methods=["POST"])(bp)
    for blueprint in exempt:
        csrf.exempt(blueprint)
    for blueprint in write_limited:
        limiter.limit(WRITE_LIMIT, methods=["POST"])(blueprint)
    app.register_blueprint(bp)
    app.context_processor(lambda: {"account": current_user})


def get_runtime_settings(app: Flask):
    return app.extensions["heritage"].settings


def require_role(role: str):
    """A view for people with at least ``role``: others are sent to log in, or get 403."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if not current_user.can(role):
                abort(403, f"this needs the {role} role; you are {current_user.role}")
            return view(*args, **kwargs)

        return wrapped

    return decorate


def actor_name() -> str:
    return current_user.username if current_user.is_authenticated else "anonymous"


@bp.route("/login", methods=["GET", "POST"])
def login():
    """GET the form; POST name and password (limited to LOGIN_LIMIT per address)."""
    target = _safe_next(request.values.get("next", ""))
    if request.method == "POST":
        user = users.check_login(
            get_session(),
            request.form.get("username", ""),
            request.form.get("password", ""),
            now=get_runtime().clock(),
        )
        if user is not None:
            login_user(Account(user))
            return redirect(target)
        flash("Wrong user name or password.")
    return render_template("login.html", next=target), 200 if request.method == "GET" else 401


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("dashboard.index"))


def _load_account(user_id: str) -> Account | None:
    try:
        user = user_store.get_user(get_session(), int(user_id))
    except (NotFoundError, ValueError):
        return None
    return None if user.disabled else Account(user)


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no host, no '//'): no open redirect after login."""
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return url_for("dashboard.index")
    return target
