"""Pages for running the monitor: feed health (anyone logged in) and subscriptions (admins)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from alerts.subscriptions import scope_summary
from heritage.domain import Channel, Scope, Subscription
from heritage.pipeline import subscriptions as subscription_pipeline
from heritage.pipeline.digests import feed_problems
from heritage.risk import LEVELS
from heritage.store import deliveries, feeds
from heritage.store import subscriptions as subscription_store
from heritage.web.auth import require_role
from heritage.web.db import get_runtime, get_session

__all__ = ["bp"]

bp = Blueprint("admin_pages", __name__)


@bp.get("/sources")
@require_role("viewer")
def sources_page():
    """Each source's last good ingest, last error and counts; the watched ones' health."""
    session, runtime = get_session(), get_runtime()
    problems = {p.source: p for p in feed_problems(session, runtime.settings, now=runtime.clock())}
    return render_template(
        "sources.html",
        sources=feeds.list_sources(session),
        watched=feeds.list_watched(session),
        problems=problems,
        outbox=deliveries.outbox_counts(session),
    )


@bp.get("/subscriptions")
@require_role("admin")
def subscriptions_page():
    stored = subscription_store.list_subscriptions(get_session())
    return render_template(
        "subscriptions.html", stored=stored, summary=scope_summary, levels=LEVELS[1:]
    )


@bp.post("/subscriptions")
@require_role("admin")
def add_subscription():
    """An admin subscribes someone; an email address still confirms by its link first."""
    target = request.form.get("target", "").strip()
    channel = Channel.WEBHOOK if target.startswith(("http://", "https://")) else Channel.EMAIL
    sites = tuple(s.strip() for s in request.form.get("sites", "").split(",") if s.strip())
    countries = tuple(
        c.strip().upper() for c in request.form.get("countries", "").split(",") if c.strip()
    )
    subscription = Subscription(
        id=None,
        channel=channel,
        target=target,
        scope=Scope(sites=sites, countries=countries),
        min_level=request.form.get("min_level", "low"),
        digest=request.form.get("digest", "immediate"),
        feed_health=bool(request.form.get("feed_health")),
    )
    made = subscription_pipeline.subscribe(
        get_session(), get_runtime().settings, subscription, now=get_runtime().clock()
    )
    flash(
        f"Subscription {made.id} added ({made.status.value})."
        + (
            f" Webhook signing secret, shown once: {made.secret}"
            if made.secret and channel is Channel.WEBHOOK
            else ""
        )
    )
    return redirect(url_for("admin_pages.subscriptions_page"))


@bp.post("/subscriptions/<id:subscription_id>/remove")
@require_role("admin")
def remove_subscription(subscription_id: int):
    subscription_pipeline.remove(get_session(), subscription_id)
    flash(f"Subscription {subscription_id} removed.")
    return redirect(url_for("admin_pages.subscriptions_page"))
