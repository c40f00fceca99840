"""What the monitor says about alerts: subjects, text and HTML bodies, webhook payloads.

Pure: the only input is the notice, the only IO is Jinja loading its own templates from
``alerts/templates/``. Report text (site names, places, source links) is untrusted: HTML
templates autoescape it, a link becomes an ``href`` only when it is http(s), and anything that
reaches a header goes through :func:`subject_line`.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

import jinja2
import markupsafe

from heritage.domain import AlertAction, AlertChange
from heritage.errors import InvalidInputError

__all__ = [
    "AlertNotice",
    "EventLine",
    "FeedProblem",
    "Message",
    "render_alert",
    "render_confirmation",
    "render_digest",
    "render_feed_stale",
    "subject_line",
    "webhook_payload",
    "with_unsubscribe",
]

SUBJECT_MAX_CHARS = 200
MAX_EVENTS = 5
_PREFIX = "[Heritage monitor]"
_KEEP_FORMAT = {"\u200c", "\u200d"}  # zero-width (non-)joiners spell Persian and Indic names


@dataclass(frozen=True)
class EventLine:
    """One reason in a message: an event behind the alert and its part of the score."""

    ref: str
    event_type: str
    date: date
    distance_m: float
    zone: str
    is_uncertain: bool
    place: str
    source: str
    url: str  # from the report: untrusted
    value: float


@dataclass(frozen=True)
class AlertNotice:
    """What one message about one alert change says; ``events`` best first."""

    change: AlertChange
    site_name: str
    site_url: str
    alert_url: str
    events: tuple[EventLine, ...] = ()


@dataclass(frozen=True)
class FeedProblem:
    """A source that is stale (silent too long) or failing."""

    source: str
    last_success_at: datetime | None
    last_error: str | None
    silent_for_s: float | None
    expected_interval_s: float


@dataclass(frozen=True)
class Message:
    """A rendered message; the subject is always one clean line (see :func:`subject_line`)."""

    subject: str
    text: str
    html: str

    def __post_init__(self) -> None:
        if self.subject != subject_line(self.subject):
            raise InvalidInputError(
                f"message subject {self.subject[:60]!r} is not one clean line; "
                "build it with subject_line()",
                source="message",
            )


def subject_line(text: str) -> str:
    """Make any text safe for a mail header: the one gate for untrusted text in headers.

    Parameters
    ----------
    text : str
        Any text, possibly from a report (CR, LF, NUL, bidi overrides...).

    Returns
    -------
    str
        One line: control and format characters (but the zero-width joiners that spell some
        scripts) become spaces, whitespace runs collapse to one space, and the result is cut
        to 200 characters with an ellipsis.
    """
    cleaned = "".join(" " if _is_unsafe_char(ch) else ch for ch in text)
    line = " ".join(cleaned.split())
    if len(line) > SUBJECT_MAX_CHARS:
        line = line[: SUBJECT_MAX_CHARS - 1].rstrip() + "…"
    return line


def render_alert(notice: AlertNotice, *, language: str = "en") -> Message:
    """Render the message about one alert change.

    Parameters
    ----------
    notice : AlertNotice
        The change, the site and the top events (at most 5 are shown).
    language : str, default "en"
        Only English templates exist; any other language falls back to English.

    Returns
    -------
    Message
        ``[Heritage monitor] CRITICAL: Palmyra - alert opened`` and text and HTML bodies with
        the summary, level, score, reasons and the site and alert links.
    """
    context = {"notice": _notice_view(notice)}
    return _render("alert", _alert_subject(notice), context, language)


def render_digest(
    notices: Sequence[AlertNotice],
    *,
    day: date,
    timezone: str,
    dashboard_url: str,
    feed_problems: Sequence[FeedProblem] = (),
    language: str = "en",
) -> Message:
    """Render a daily digest of alert changes; with none, an explicit "all quiet" digest.

    The quiet digest still lists feed health, so a subscriber can tell silence from a
    monitor that stopped watching. ``language`` falls back to English.
    """
    count = len(notices)
    tally = "all quiet" if not count else f"{count} alert change{'s' if count != 1 else ''}"
    context = {
        "notices": [_notice_view(n, max_events=3) for n in notices],
        "day": day.isoformat(),
        "timezone": timezone,
        "dashboard": _link(dashboard_url),
        "problems": [_problem_view(p) for p in feed_problems],
    }
    return _render(
        "digest", f"{_PREFIX} Daily digest {day.isoformat()}: {tally}", context, language
    )


def render_feed_stale(
    problems: Sequence[FeedProblem], *, dashboard_url: str, language: str = "en"
) -> Message:
    """Render the "feed stale" message for admins; ``language`` falls back to English."""
    names = ", ".join(p.source for p in problems)
    subject = f"{_PREFIX} Feed {'problem' if len(problems) == 1 else 'problems'}: {names}"
    context = {"problems": [_problem_view(p) for p in problems], "dashboard": _link(dashboard_url)}
    return _render("feed_stale", subject, context, language)


def render_confirmation(*, confirm_url: str, scope_summary: str, language: str = "en") -> Message:
    """Render the double opt-in email; ``language`` falls back to English."""
    context = {"confirm": _link(confirm_url), "scope": scope_summary}
    return _render("confirm", f"{_PREFIX} Confirm your subscription", context, language)


def with_unsubscribe(message: Message, unsubscribe_url: str) -> Message:
    """The message with a footer linking to the subscriber's own unsubscribe page (besides
    the List-Unsubscribe header, for mail clients that do not show it)."""
    link = _link(unsubscribe_url)
    text = f"{message.text.rstrip()}\n\n--\nTo stop these messages: {link['text']}\n"
    anchor = (
        f'<a href="{markupsafe.escape(link["href"])}">unsubscribe</a>'
        if link.get("href")
        else markupsafe.escape(link["text"])
    )
    footer = f'<p style="color: #666; font-size: 0.9em;">To stop these messages: {anchor}</p>\n'
    if "</body>" in message.html:
        head, tail = message.html.rsplit("</body>", 1)
        html = f"{head}{footer}</body>{tail}"
    else:
        html = message.html + footer
    return Message(subject=message.subject, text=text, html=html)


def webhook_payload(notice: AlertNotice) -> dict:
    """The JSON-able body of a webhook about one alert change (datetimes in ISO 8601)."""
    change, alert = notice.change, notice.change.alert
    return {
        "type": f"alert.{change.action.value}",
        "alert": {
            "id": alert.id,
            "site_id": alert.site_id,
            "site_name": notice.site_name,
            "status": alert.status.value,
            "level": alert.level,
            "peak_level": alert.peak_level,
            "previous_level": change.previous_level,
            "score": alert.score,
            "trigger": alert.trigger.value,
            "opened_at": alert.opened_at.isoformat(),
            "as_of": alert.as_of.isoformat(),
            "url": notice.alert_url,
        },
        "summary": change.summary,
        "events": [{**asdict(e), "date": e.date.isoformat()} for e in notice.events],
        "site_url": notice.site_url,
    }


def _is_unsafe_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("Zl", "Zp") or (category[0] == "C" and ch not in _KEEP_FORMAT)


def _alert_subject(notice: AlertNotice) -> str:
    action, alert = notice.change.action, notice.change.alert
    what = (
        f"alert escalated to {alert.level.upper()}"
        if action is AlertAction.ESCALATED
        else f"alert {action.value}"
    )
    return f"{_PREFIX} {alert.level.upper()}: {notice.site_name} - {what}"


def _notice_view(notice: AlertNotice, *, max_events: int = MAX_EVENTS) -> dict:
    alert = notice.change.alert
    return {
        "headline": subject_line(_alert_subject(notice)).removeprefix(_PREFIX + " "),
        "summary": notice.change.summary,
        "level": alert.level.upper(),
        "previous_level": (notice.change.previous_level or "").upper(),
        "score": f"{alert.score:.2f}",
        "as_of": alert.as_of.isoformat(),
        "events": [_event_view(e) for e in notice.events[:max_events]],
        "site": _link(notice.site_url),
        "alert": _link(notice.alert_url),
    }


def _event_view(event: EventLine) -> dict:
    if event.distance_m == 0 and event.zone == "core":
        where = "inside the core zone"
    else:
        where = f"{event.distance_m / 1000:.1f} km from the core zone ({event.zone} zone)"
    return {
        "kind": event.event_type.replace("_", " "),
        "date": event.date.isoformat(),
        "where": where,
        "is_uncertain": event.is_uncertain,
        "place": event.place,
        "source": event.source,
        "link": _link(event.url),
    }


def _problem_view(problem: FeedProblem) -> dict:
    silent = "never ingested" if problem.silent_for_s is None else _duration(problem.silent_for_s)
    last = problem.last_success_at
    return {
        "source": problem.source,
        "silent": silent,
        "expected": _duration(problem.expected_interval_s),
        "last_success": last.isoformat(timespec="minutes") if last else "never",
        "last_error": problem.last_error or "",
    }


def _link(url: str) -> dict:
    """A URL to show, and the same URL as ``href`` only if it is plainly http(s)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    is_safe = (
        parts is not None
        and parts.scheme.lower() in ("http", "https")
        and bool(parts.netloc)
        and not any(ch.isspace() or _is_unsafe_char(ch) for ch in url)
    )
    return {"text": url, "href": url if is_safe else ""}


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (mins, "minute")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words) or "less than a minute"


def _render(name: str, subject: str, context: dict, language: str) -> Message:
    del language  # only English templates exist: every language falls back to them
    env = _environment()
    return Message(
        subject=subject_line(subject),
        text=env.get_template(f"{name}.txt").render(context),
        html=env.get_template(f"{name}.html").render(context),
    )


@functools.cache
def _environment() -> jinja2.Environment:
    """Built on first use, so importing this module loads nothing."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("alerts", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
