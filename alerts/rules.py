"""Alert rules: a site's newest assessment plus its latest alert -> open, escalate, update,
revise, withdraw or resolve. Pure: the same inputs give the same answer, no clock, no storage.

An alert opens when the level reaches the policy's threshold, or when one destructive event
lands precisely inside the core zone whatever the score. While it is open, the same alert
is updated (never duplicated) as events add to it; it resolves itself once the level has
stayed below the threshold for the quiet period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from heritage.domain import Alert, AlertAction, AlertChange, AlertStatus, AlertTrigger, EventType
from heritage.risk import LEVELS, Assessment, Contribution

__all__ = ["MONITOR", "AlertPolicy", "Outcome", "evaluate", "level_rank", "quiet_days_left"]

MONITOR = "monitor"  # the actor of every change the rules make

_DESTRUCTIVE = frozenset(
    {EventType.AIRSTRIKE, EventType.SHELLING, EventType.EXPLOSION, EventType.DESTRUCTION}
)


@dataclass(frozen=True)
class AlertPolicy:
    """When alerts open and close (settings ``alert_min_level`` and ``alert_quiet_days``)."""

    min_level: str = "low"
    quiet_days: int = 7
    core_event_days: int = 7
    """A destructive event inside the core zone opens an alert while it is this recent."""


@dataclass(frozen=True)
class Outcome:
    """The alert to store (None: nothing to store) and the change to record and send, if any.

    An alert can change without a change worth recording: a new day's score, or the level
    falling below the threshold (the quiet period starts; the resolution is what is sent).
    """

    alert: Alert | None
    change: AlertChange | None = None


def level_rank(level: str) -> int:
    return LEVELS.index(level)


def evaluate(
    assessment: Assessment,
    latest: Alert | None,
    policy: AlertPolicy,
    *,
    now: datetime,
    changed_events: Mapping[str, str] | None = None,
) -> Outcome:
    """Decide what the newest assessment of a site means for its alerts.

    Parameters
    ----------
    assessment
        The site's newest assessment.
    latest
        The site's most recent alert, open or resolved, or None.
    policy
        Threshold, quiet period and the core-zone rule.
    now
        Time of the change (aware UTC).
    changed_events
        Events revised or retracted by their source since the last evaluation:
        ``{event_ref: "revised" | "retracted"}``.
    """
    changed = changed_events or {}
    core = _core_events(assessment, policy)
    is_active = level_rank(assessment.level) >= level_rank(policy.min_level) or bool(core)
    if latest is not None and assessment.as_of < latest.as_of:
        return Outcome(None)  # an older day replayed: the alert already saw newer news
    if latest is None or latest.status is AlertStatus.RESOLVED:
        return _maybe_open(assessment, latest, policy, core, now) if is_active else Outcome(None)
    return _follow(assessment, latest, policy, now=now, changed=changed, is_active=is_active)


def _core_events(assessment: Assessment, policy: AlertPolicy) -> list[Contribution]:
    return [
        c
        for c in assessment.contributions
        if c.zone == "core"
        and not c.is_uncertain
        and EventType(c.event_type) in _DESTRUCTIVE
        and (assessment.as_of - c.event_date).days <= policy.core_event_days
    ]


def _maybe_open(assessment, resolved: Alert | None, policy, core, now) -> Outcome:
    refs = _refs(assessment)
    if resolved is not None and resolved.resolved_at is not None:
        # A person resolved it while the level was still up: open again only when something
        # changed since (a higher level or events it did not have), never for the same news.
        is_new = set(refs) - set(resolved.event_refs)
        if not is_new and level_rank(assessment.level) <= level_rank(resolved.level):
            return Outcome(None)
    at_threshold = level_rank(assessment.level) >= level_rank(policy.min_level)
    trigger = AlertTrigger.LEVEL if at_threshold else AlertTrigger.CORE_EVENT
    alert = Alert(
        id=None,
        site_id=assessment.site_id,
        status=AlertStatus.OPEN,
        trigger=trigger,
        level=assessment.level,
        peak_level=assessment.level,
        score=assessment.score,
        as_of=assessment.as_of,
        opened_at=now,
        updated_at=now,
        event_refs=refs,
        reasons=assessment.reasons,
    )
    if trigger is AlertTrigger.CORE_EVENT:
        first = core[0]
        why = (
            f"A {_words(first.event_type)} inside the core zone on {first.event_date}"
            f" ({first.event_ref}) opens an alert whatever the score."
        )
    else:
        why = f"Level {assessment.level} (score {assessment.score:.2f}) reached the threshold."
    return Outcome(alert, _change(alert, AlertAction.OPENED, now, _summary(why, assessment)))


def _follow(assessment, alert: Alert, policy, *, now, changed, is_active: bool) -> Outcome:
    refs = _refs(assessment)
    added = tuple(r for r in refs if r not in alert.event_refs)
    removed = tuple(r for r in alert.event_refs if r not in refs)
    revised = tuple(r for r in alert.event_refs if r in changed)
    fresh = dataclasses.replace(
        alert,
        level=assessment.level,
        score=assessment.score,
        as_of=assessment.as_of,
        event_refs=refs,
        reasons=assessment.reasons,
    )
    if not is_active:
        diff = (removed, revised, changed)
        return _quiet(assessment, alert, fresh, policy=policy, now=now, diff=diff)
    fresh = dataclasses.replace(fresh, below_since=None)
    if level_rank(assessment.level) > level_rank(alert.level):
        action, why = AlertAction.ESCALATED, f"Escalated from {alert.level} to {assessment.level}."
    elif revised:
        action, why = AlertAction.REVISED, _revised_words(revised, changed)
    elif added:
        action, why = AlertAction.UPDATED, f"{len(added)} new event(s) add to it."
    elif level_rank(assessment.level) < level_rank(alert.level):
        action, why = AlertAction.UPDATED, f"Eased from {alert.level} to {assessment.level}."
    else:
        return Outcome(fresh)  # same news, a new day's score
    peak = max(alert.peak_level, assessment.level, key=level_rank)
    status = alert.status
    if action is AlertAction.ESCALATED or status is AlertStatus.SNOOZED:
        status = AlertStatus.OPEN  # a snooze lasts until something changes; a rise needs eyes
    fresh = dataclasses.replace(fresh, peak_level=peak, status=status, snoozed_until=None)
    fresh = _bumped(fresh, now)
    summary = _summary(why, assessment)
    return Outcome(
        fresh,
        _change(fresh, action, now, summary, alert.level, added, removed, revised),
    )


def _quiet(assessment, alert: Alert, fresh: Alert, *, policy, now, diff) -> Outcome:
    """Below the threshold: withdraw, resolve after the quiet period, or wait (quietly)."""
    removed, revised, changed = diff
    below_since = alert.below_since or assessment.as_of
    fresh = dataclasses.replace(fresh, below_since=below_since)
    if revised and not fresh.event_refs:
        action = AlertAction.WITHDRAWN
        why = "Withdrawn: the source revised or retracted every event that raised it."
    elif (assessment.as_of - below_since).days >= policy.quiet_days:
        action = AlertAction.RESOLVED
        why = (
            f"Resolved: the level stayed below {policy.min_level} for {policy.quiet_days} days"
            f" (since {below_since})."
        )
    elif revised:
        why = f"{_revised_words(revised, changed)} The level fell to "
        why += f"{assessment.level}; it resolves after {policy.quiet_days} quiet days."
        fresh = _bumped(fresh, now)
        return Outcome(
            fresh,
            _change(fresh, AlertAction.REVISED, now, why, alert.level, (), removed, revised),
        )
    else:
        return Outcome(fresh)  # below the threshold: the quiet period runs
    closed = dataclasses.replace(fresh, status=AlertStatus.RESOLVED, resolved_at=now)
    fresh = _bumped(dataclasses.replace(closed, snoozed_until=None), now)
    return Outcome(fresh, _change(fresh, action, now, why, alert.level, (), removed, revised))


def _revised_words(revised: tuple[str, ...], changed: Mapping[str, str]) -> str:
    parts = [f"{ref} {changed.get(ref, 'revised')}" for ref in revised[:5]]
    more = f" and {len(revised) - 5} more" if len(revised) > 5 else ""
    return f"Revised by its source: {', '.join(parts)}{more}."


def _summary(why: str, assessment: Assessment) -> str:
    closest = assessment.reasons[1] if len(assessment.reasons) > 1 else ""
    return f"{why} {closest}".strip()


def _refs(assessment: Assessment) -> tuple[str, ...]:
    return tuple(sorted({c.event_ref for c in assessment.contributions}))


def _bumped(alert: Alert, now: datetime) -> Alert:
    return dataclasses.replace(alert, updated_at=now, version=alert.version + 1)


def _change(
    alert: Alert,
    action: AlertAction,
    now: datetime,
    summary: str,
    previous_level: str | None = None,
    added: tuple[str, ...] = (),
    removed: tuple[str, ...] = (),
    revised: tuple[str, ...] = (),
) -> AlertChange:
    return AlertChange(
        alert=alert,
        action=action,
        actor=MONITOR,
        at=now,
        summary=summary,
        previous_level=previous_level,
        added_events=added,
        removed_events=removed,
        revised_events=revised,
    )


def _words(event_type: str) -> str:
    return event_type.replace("_", " ")


def quiet_days_left(alert: Alert, policy: AlertPolicy, today: date) -> int | None:
    """Days until a quiet alert resolves itself, or None while the level is at the threshold."""
    if alert.below_since is None:
        return None
    return max(0, policy.quiet_days - (today - alert.below_since).days)
