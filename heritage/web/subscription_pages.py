"""The confirm and unsubscribe links in messages: a page with one button, and the POST it sends.

A GET never changes anything: mail scanners and link previews fetch every link in a message,
and would otherwise confirm or unsubscribe on the reader's behalf. The POSTs need no login,
cookie or CSRF token: the signed token in the URL is the credential (only the mailbox that got
the message holds it, and it cannot be forged for another subscription), and a mail provider's
RFC 8058 one-click POST (``List-Unsubscribe=One-Click``) carries neither cookies nor tokens.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from heritage.pipeline import subscriptions
from heritage.pipeline.tokens import CONFIRM, UNSUBSCRIBE, read_token
from heritage.web.db import get_runtime, get_session

__all__ = ["bp"]

bp = Blueprint("subscription_pages", __name__)


@bp.get("/subscriptions/confirm/<token>")
def confirm_form(token: str):
    """The button that confirms; a bad link gets its 400 page before anyone presses it."""
    read_token(get_runtime().settings, CONFIRM, token)
    return render_template("subscription_confirm.html", is_done=False)


@bp.post("/subscriptions/confirm/<token>")
def confirm(token: str):
    runtime = get_runtime()
    subscriptions.confirm(get_session(), runtime.settings, token, now=runtime.clock())
    return render_template("subscription_confirm.html", is_done=True)


@bp.get("/subscriptions/unsubscribe/<token>")
def unsubscribe_form(token: str):
    read_token(get_runtime().settings, UNSUBSCRIBE, token)
    return render_template("subscription_unsubscribe.html", is_done=False)


@bp.post("/subscriptions/unsubscribe/<token>")
def unsubscribe(token: str):
    """The page's button, or a mail provider's one-click POST: the body is not needed."""
    runtime = get_runtime()
    subscriptions.unsubscribe(get_session(), runtime.settings, token, now=runtime.clock())
    return render_template("subscription_unsubscribe.html", is_done=True)
