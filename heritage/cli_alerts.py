"""Command line for alerting: subscriptions, alerts, watched feeds, the outbox, the scheduler."""

from __future__ import annotations

import json
import logging
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click
from shapely import unary_union
from shapely.errors import ShapelyError
from shapely.geometry import shape

from alerts.subscriptions import scope_summary
from heritage.domain import Channel, Scope, Subscription
from heritage.errors import HeritageError
from heritage.pipeline import alerts as alert_pipeline
from heritage.pipeline import subscriptions as subscription_pipeline
from heritage.pipeline.polling import REPORT, watch
from heritage.risk import LEVELS
from heritage.runtime import Runtime
from heritage.store import alerts as alert_store
from heritage.store import deliveries, feeds
from heritage.store import subscriptions as subscription_store
from heritage.store.session import require_current_schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["alerting_commands", "command_session", "run_command"]

log = logging.getLogger(__name__)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
CLI_ACTOR = "cli"


def alerting_commands(runtime: Runtime) -> list[click.Command]:
    return [
        _subscriptions_group(runtime),
        _alerts_group(runtime),
        _feeds_group(runtime),
        _scheduler_group(runtime),
    ]


def _subscriptions_group(runtime: Runtime) -> click.Group:
    @click.group("subscriptions")
    def group() -> None:
        """Who is told about alerts, and how."""

    @group.command("add")
    @click.argument("target")
    @click.option("--sites", help="Site ids, comma-separated.")
    @click.option("--countries", help="ISO 3166-1 alpha-2 codes, comma-separated.")
    @click.option("--bbox", help="west,south,east,north in degrees.")
    @click.option(
        "--area",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A GeoJSON file with the (Multi)Polygon of the area to watch.",
    )
    @click.option("--min-level", type=click.Choice(LEVELS[1:]), default="low", show_default=True)
    @click.option("--types", help="Event types, comma-separated (default: all).")
    @click.option("--digest", type=click.Choice(["immediate", "daily"]), default="immediate")
    @click.option("--digest-hour", type=click.IntRange(0, 23), default=7, show_default=True)
    @click.option("--timezone", default="UTC", show_default=True)
    @click.option("--language", default="en", show_default=True)
    @click.option("--feed-health", is_flag=True, help="Also get 'feed stale' messages (admins).")
    @click.option("--confirmed", is_flag=True, help="Skip the email opt-in (an admin vouches).")
    def add(target: str, sites, countries, bbox, area, min_level, types, digest, **options) -> None:
        """Subscribe an EMAIL address or a webhook URL."""
        confirmed = options.pop("confirmed")
        channel = Channel.WEBHOOK if target.startswith(("http://", "https://")) else Channel.EMAIL
        subscription = Subscription(
            id=None,
            channel=channel,
            target=target,
            scope=Scope(
                sites=_items(sites),
                countries=tuple(c.upper() for c in _items(countries)),
                bbox=_bbox(bbox),
                area=_area(area) if area else None,
            ),
            min_level=min_level,
            event_types=_items(types),
            digest=digest,
            **options,
        )
        with _session(runtime) as session:
            made = subscription_pipeline.subscribe(
                session, runtime.settings, subscription, now=runtime.clock(), confirmed=confirmed
            )
        click.echo(
            f"subscription {made.id}: {target} ({made.status.value}), "
            f"{scope_summary(subscription.scope)}, {min_level} and above, {digest}"
        )
        if made.status.value == "pending":
            click.echo("a confirmation link was queued; nothing is sent until it is followed")
        if channel is Channel.WEBHOOK:
            click.echo("signing secret (X-Heritage-Signature, HMAC-SHA256), shown once:")
            click.echo(made.secret)

    @group.command("list")
    def list_() -> None:
        """One line per subscription."""
        with _session(runtime) as session:
            stored = subscription_store.list_subscriptions(session)
        for s in stored:
            sub = s.subscription
            click.echo(
                f"{sub.id}\t{sub.status.value}\t{sub.channel.value}\t{sub.target}\t"
                f"{scope_summary(sub.scope)}\t{sub.min_level}+\t{sub.digest}"
            )

    @group.command("remove")
    @click.argument("subscription_id", type=int)
    def remove(subscription_id: int) -> None:
        """Delete a subscription (the record of what it was sent stays)."""
        with _session(runtime) as session:
            subscription_pipeline.remove(session, subscription_id)
        click.echo(f"subscription {subscription_id} removed")

    return group


def _alerts_group(runtime: Runtime) -> click.Group:
    @click.group("alerts")
    def group() -> None:
        """Alerts: list them and act on them."""

    @group.command("list")
    @click.option("--status", type=click.Choice(["open", "acknowledged", "snoozed", "resolved"]))
    @click.option("--site")
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
    def list_(status, site, limit: int) -> None:
        """Alerts, most recently changed first."""
        with _session(runtime) as session:
            found, total = alert_store.list_alerts(
                session, alert_store.AlertQuery(status=status, site=site), limit=limit, offset=0
            )
        for a in found:
            click.echo(
                f"{a.id}\t{a.status.value}\t{a.level}\t{a.site_id}\t"
                f"opened {a.opened_at:%Y-%m-%d %H:%M}\t{len(a.event_refs)} event(s)"
            )
        click.echo(f"{len(found)} of {total} alert(s)")

    @group.command("show")
    @click.argument("alert_id", type=int)
    def show(alert_id: int) -> None:
        """One alert with its reasons and its history (who did what, who was told)."""
        with _session(runtime) as session:
            alert = alert_store.get_alert(session, alert_id)
            history = alert_store.alert_history_of(session, alert_id)
        click.echo(f"alert {alert.id}: {alert.site_id} {alert.level} ({alert.status.value})")
        for reason in alert.reasons:
            click.echo(f"  {reason}")
        for h in history:
            click.echo(f"{h.at:%Y-%m-%d %H:%M} v{h.version} {h.action} by {h.actor}: {h.summary}")
            for d in h.deliveries:
                click.echo(f"    -> {d['channel']} {d['target']}: {d['status']}")

    @group.command("ack")
    @click.argument("alert_id", type=int)
    @click.option(
        "--disposition",
        type=click.Choice(["confirmed", "false_positive", "duplicate", "wrong_location"]),
        default="confirmed",
        show_default=True,
    )
    @click.option("--note", default="")
    @click.option("--by", "actor", default=CLI_ACTOR, show_default=True, help="Who acts.")
    def ack(alert_id: int, disposition: str, note: str, actor: str) -> None:
        """Acknowledge an alert with a disposition and a note."""
        _act(runtime, alert_id, "acknowledge", actor, disposition=disposition, note=note)

    @group.command("resolve")
    @click.argument("alert_id", type=int)
    @click.option("--note", default="")
    @click.option("--by", "actor", default=CLI_ACTOR, show_default=True)
    def resolve(alert_id: int, note: str, actor: str) -> None:
        """Resolve an alert by hand."""
        _act(runtime, alert_id, "resolve", actor, note=note)

    @group.command("reopen")
    @click.argument("alert_id", type=int)
    @click.option("--note", default="")
    @click.option("--by", "actor", default=CLI_ACTOR, show_default=True)
    def reopen(alert_id: int, note: str, actor: str) -> None:
        """Reopen a resolved alert."""
        _act(runtime, alert_id, "reopen", actor, note=note)

    @group.command("snooze")
    @click.argument("alert_id", type=int)
    @click.option("--for", "duration", help="e.g. 12h, 3d; default: until something changes.")
    @click.option("--note", default="")
    @click.option("--by", "actor", default=CLI_ACTOR, show_default=True)
    def snooze(alert_id: int, duration, note: str, actor: str) -> None:
        """Snooze an alert until something changes (or for a while)."""
        until = runtime.clock() + timedelta(seconds=_seconds(duration)) if duration else None
        _act(runtime, alert_id, "snooze", actor, until=until, note=note)

    return group


def _feeds_group(runtime: Runtime) -> click.Group:
    @click.group("feeds")
    def group() -> None:
        """Watched sources: what the scheduler polls, and when silence means trouble."""

    @group.command("watch")
    @click.argument("location")
    @click.option("--every", help="Poll interval (e.g. 1h, 1d); none: pushed, not polled.")
    @click.option("--expect", help="Stale after this long without news (default: setting).")
    @click.option("--format", "fmt", help=f"Event file format, or '{REPORT}' for a page or feed.")
    @click.option("--source", help="Source name for reports and generic files.")
    def watch_(location: str, every, expect, fmt, source) -> None:
        """Watch a file, folder or URL."""
        with _session(runtime) as session:
            watch(
                session,
                location,
                now=runtime.clock(),
                fmt=fmt,
                source_name=source,
                poll_interval_s=_seconds(every) if every else None,
                expected_interval_s=_seconds(expect) if expect else None,
            )
        click.echo(f"watching {location}")

    @group.command("unwatch")
    @click.argument("location")
    def unwatch(location: str) -> None:
        with _session(runtime) as session:
            found = feeds.unwatch_source(session, location)
            session.commit()
        click.echo(f"no longer watching {location}" if found else f"{location} was not watched")

    @group.command("list")
    def list_() -> None:
        """Each watched source with its last good ingest and last error."""
        with _session(runtime) as session:
            watched = feeds.list_watched(session)
        for w in watched:
            last = w.last_success_at.isoformat() if w.last_success_at else "never"
            state = (
                f"stale since {w.stale_notified_at:%Y-%m-%d %H:%M}" if w.stale_notified_at else "ok"
            )
            click.echo(
                f"{w.location}\tevery {w.poll_interval_s or '-'} s\tlast good {last}\t{state}"
            )

    @group.command("outbox")
    @click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed"]))
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
    def outbox(status, limit: int) -> None:
        """Messages in the outbox, newest first."""
        with _session(runtime) as session:
            rows = deliveries.list_deliveries(session, status=status, limit=limit)
            counts = deliveries.outbox_counts(session)
        for d in rows:
            click.echo(
                f"{d.id}\t{d.status}\t{d.kind}\t{d.channel}\t{d.target}\t"
                f"attempts {d.attempts}\t{d.last_error or ''}"
            )
        click.echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "outbox empty")

    return group


def _scheduler_group(runtime: Runtime) -> click.Group:
    @click.group("scheduler")
    def group() -> None:
        """The scheduler process."""

    @group.command("run")
    def run() -> None:
        """Run the scheduler in this process until interrupted (one per deployment)."""
        from heritage.jobs import run_scheduler  # noqa: PLC0415 - only this command needs it

        _run(require_current_schema, runtime.engine)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        click.echo("scheduler starting; Ctrl-C stops it")
        run_scheduler(runtime, stop)

    @group.command("run-once")
    @click.option(
        "--only",
        type=click.Choice(["poll", "assess", "alerts", "feeds", "digests", "deliver", "heartbeat"]),
        help="Run just this job.",
    )
    def run_once(only: str | None) -> None:
        """Run every job once, in order (poll, assess, alerts, feeds, digests, deliver)."""
        from heritage.jobs import run_once as run_jobs  # noqa: PLC0415

        _run(require_current_schema, runtime.engine)
        results = _run(run_jobs, runtime, only)
        for name, ok in results.items():
            click.echo(f"{name}: {'ok' if ok else 'FAILED (see the log)'}")
        if not all(results.values()):
            raise click.ClickException("some jobs failed")

    return group


def _act(runtime: Runtime, alert_id: int, action: str, actor: str, **options) -> None:
    with _session(runtime) as session:
        change = alert_pipeline.act_on_alert(
            session, alert_id, action, actor=actor, now=runtime.clock(), **options
        )
    click.echo(f"alert {alert_id}: {change.summary}")


def _items(text: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise click.BadParameter(f"want west,south,east,north, got {text!r}") from None
    return west, south, east, north


def _area(path: Path):
    """The polygon of a GeoJSON file: a geometry, a Feature, or a collection of polygons."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
        shapes = [shape(f.get("geometry", f)) for f in features]
    except (ValueError, AttributeError, TypeError, KeyError, ShapelyError) as exc:
        raise click.BadParameter(
            f"{path}: not a GeoJSON polygon ({exc})", param_hint="--area"
        ) from None
    polygons = [s for s in shapes if s.geom_type in ("Polygon", "MultiPolygon") and s.is_valid]
    if not polygons or len(polygons) != len(shapes):
        raise click.BadParameter(f"{path}: want valid (Multi)Polygons only", param_hint="--area")
    return unary_union(polygons)


def _seconds(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", text or "")
    if not match:
        raise click.BadParameter(f"want a duration like 90s, 30m, 6h or 2d, got {text!r}")
    return int(match.group(1)) * _UNITS[match.group(2) or "s"]


@contextmanager
def command_session(runtime: Runtime) -> Iterator[Session]:
    """A session for one command; the monitor's errors become clear CLI errors (exit 1)."""
    try:
        with runtime.session() as session:
            yield session
    except HeritageError as exc:
        raise click.ClickException(str(exc)) from exc


def run_command(function, *args):
    """Call ``function``; the monitor's own errors become clear CLI errors (exit 1)."""
    try:
        return function(*args)
    except HeritageError as exc:
        raise click.ClickException(str(exc)) from exc


_session, _run = command_session, run_command
