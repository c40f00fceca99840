"""What people do with an alert: acknowledge with a disposition, snooze, resolve, reopen.

Each action returns the change (the alert after it and the audit entry); an action the
alert's status does not allow raises ConflictError naming the alert and its status.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from heritage.domain import Alert, AlertAction, AlertChange, AlertStatus, Disposition
from heritage.errors import ConflictError, InvalidInputError

__all__ = ["MAX_NOTE_CHARS", "acknowledge", "reopen", "resolve", "snooze", "wake"]

MAX_NOTE_CHARS = 4000
_LIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED)


def acknowledge(
    alert: Alert, *, actor: str, now: datetime, disposition: Disposition | str, note: str = ""
) -> AlertChange:
    """Someone has seen it and says what it is; acknowledging again changes the disposition."""
    disposition = _disposition(disposition, alert)
    _require(alert, _LIVE, "acknowledge")
    after = _changed(alert, now, status=AlertStatus.ACKNOWLEDGED, disposition=disposition)
    note = _note(note, alert)
    after = dataclasses.replace(after, snoozed_until=None, note=note or alert.note)
    words = f"Acknowledged by {actor} as {disposition.value.replace('_', ' ')}."
    return _change(after, AlertAction.ACKNOWLEDGED, actor, now, words, note)


def snooze(
    alert: Alert, *, actor: str, now: datetime, until: datetime | None = None, note: str = ""
) -> AlertChange:
    """Quiet until something changes (new events, a higher level) or until ``until``."""
    _require(alert, (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED), "snooze")
    if until is not None and until <= now:
        raise InvalidInputError(
            f"snooze until {until.isoformat()} is not in the future",
            source=f"alert {alert.id}",
            location="until",
        )
    after = _changed(alert, now, status=AlertStatus.SNOOZED, snoozed_until=until)
    words = f"Snoozed by {actor} until " + (until.isoformat() if until else "something changes")
    return _change(after, AlertAction.SNOOZED, actor, now, words + ".", _note(note, alert))


def resolve(alert: Alert, *, actor: str, now: datetime, note: str = "") -> AlertChange:
    """Closed by a person; it opens again only if the level rises or new events come."""
    _require(alert, _LIVE, "resolve")
    after = _changed(alert, now, status=AlertStatus.RESOLVED, resolved_at=now, snoozed_until=None)
    return _change(
        after, AlertAction.RESOLVED, actor, now, f"Resolved by {actor}.", _note(note, alert)
    )


def reopen(alert: Alert, *, actor: str, now: datetime, note: str = "") -> AlertChange:
    _require(alert, (AlertStatus.RESOLVED,), "reopen")
    after = _changed(
        alert, now, status=AlertStatus.OPEN, resolved_at=None, below_since=None, disposition=None
    )
    return _change(
        after, AlertAction.REOPENED, actor, now, f"Reopened by {actor}.", _note(note, alert)
    )


def wake(alert: Alert, *, now: datetime) -> AlertChange | None:
    """End a snooze whose time is up (None when it is not)."""
    if alert.status is not AlertStatus.SNOOZED or alert.snoozed_until is None:
        return None
    if alert.snoozed_until > now:
        return None
    after = _changed(alert, now, status=AlertStatus.OPEN, snoozed_until=None)
    return _change(after, AlertAction.WOKEN, "monitor", now, "The snooze ended.", "")


def _require(alert: Alert, allowed: tuple[AlertStatus, ...], action: str) -> None:
    if alert.status not in allowed:
        hint = " (reopen it first)" if alert.status is AlertStatus.RESOLVED else ""
        raise ConflictError(f"alert {alert.id} is {alert.status.value}: cannot {action} it{hint}")


def _disposition(value: Disposition | str, alert: Alert) -> Disposition:
    try:
        return Disposition(value)
    except ValueError:
        choices = ", ".join(d.value for d in Disposition)
        raise InvalidInputError(
            f"disposition must be one of {choices}, got {value!r}",
            source=f"alert {alert.id}",
            location="disposition",
        ) from None


def _note(note: str, alert: Alert) -> str:
    note = (note or "").strip()
    if "\x00" in note:  # PostgreSQL cannot store it, and no one types it
        raise InvalidInputError(
            "a note may not contain a NUL character", source=f"alert {alert.id}", location="note"
        )
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInputError(
            f"a note may have at most {MAX_NOTE_CHARS} characters, this one has {len(note)}",
            source=f"alert {alert.id}",
            location="note",
        )
    return note


def _changed(alert: Alert, now: datetime, **fields) -> Alert:
    return dataclasses.replace(alert, updated_at=now, version=alert.version + 1, **fields)


def _change(
    alert: Alert, action: AlertAction, actor: str, now: datetime, summary: str, note: str
) -> AlertChange:
    return AlertChange(
        alert=alert,
        action=action,
        actor=actor,
        at=now,
        summary=summary,
        previous_level=alert.level,
        note=note,
    )
