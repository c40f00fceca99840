"""What people do with an alert: acknowledge, snooze, resolve, reopen, and snoozes that end."""

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from alerts.lifecycle import MAX_NOTE_CHARS, acknowledge, reopen, resolve, snooze, wake
from heritage.domain import Alert, AlertAction, AlertStatus, AlertTrigger, Disposition
from heritage.errors import ConflictError, InvalidInputError

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
OPENED = NOW - timedelta(days=2)


def alert(status=AlertStatus.OPEN, **fields) -> Alert:
    base = Alert(
        id=7,
        site_id="palmyra",
        status=status,
        trigger=AlertTrigger.LEVEL,
        level="high",
        peak_level="high",
        score=2.4,
        as_of=date(2026, 11, 22),
        opened_at=OPENED,
        updated_at=OPENED,
        event_refs=("acled:1",),
        version=3,
    )
    if status is AlertStatus.SNOOZED:
        base = dataclasses.replace(base, snoozed_until=NOW + timedelta(hours=1))
    if status is AlertStatus.RESOLVED:
        base = dataclasses.replace(base, resolved_at=OPENED + timedelta(days=1))
    return dataclasses.replace(base, **fields)


LIVE = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED]


@pytest.mark.parametrize("status", LIVE)
def test_acknowledge_records_the_disposition_and_ends_a_snooze(status):
    change = acknowledge(alert(status), actor="ana", now=NOW, disposition="false_positive")
    after = change.alert
    assert (after.status, after.disposition) == (
        AlertStatus.ACKNOWLEDGED,
        Disposition.FALSE_POSITIVE,
    )
    assert (after.snoozed_until, after.updated_at, after.version) == (None, NOW, 4)
    assert (change.action, change.actor, change.at) == (AlertAction.ACKNOWLEDGED, "ana", NOW)
    assert change.summary == "Acknowledged by ana as false positive."


@pytest.mark.parametrize("disposition", list(Disposition))
def test_every_disposition_is_accepted_as_enum_or_text(disposition):
    by_enum = acknowledge(alert(), actor="ana", now=NOW, disposition=disposition)
    by_text = acknowledge(alert(), actor="ana", now=NOW, disposition=disposition.value)
    assert by_enum.alert.disposition is by_text.alert.disposition is disposition


def test_an_unknown_disposition_is_refused_naming_it_and_the_choices():
    with pytest.raises(InvalidInputError) as caught:
        acknowledge(alert(), actor="ana", now=NOW, disposition="maybe")
    message = str(caught.value)
    assert "alert 7" in message and "disposition" in message and "'maybe'" in message
    assert "confirmed, false_positive, duplicate, wrong_location" in message


def test_acknowledging_again_changes_the_disposition_and_keeps_the_note():
    first = acknowledge(
        alert(), actor="ana", now=NOW, disposition="confirmed", note="Seen on imagery"
    )
    later = NOW + timedelta(hours=2)
    second = acknowledge(first.alert, actor="bo", now=later, disposition="wrong_location")
    assert second.alert.disposition is Disposition.WRONG_LOCATION
    assert second.alert.note == "Seen on imagery"
    assert second.alert.version == first.alert.version + 1
    assert second.summary == "Acknowledged by bo as wrong location."


def test_notes_are_trimmed_and_recorded_in_the_history():
    change = acknowledge(
        alert(), actor="ana", now=NOW, disposition="confirmed", note="  Roof hit.  "
    )
    assert change.alert.note == change.note == "Roof hit."
    assert resolve(alert(), actor="ana", now=NOW, note=" done ").note == "done"
    assert snooze(alert(), actor="ana", now=NOW, note="\tlater\n").note == "later"


def test_a_note_at_the_limit_is_kept_and_one_past_it_refused():
    longest = "x" * MAX_NOTE_CHARS
    assert resolve(alert(), actor="ana", now=NOW, note=longest).note == longest
    with pytest.raises(InvalidInputError) as caught:
        resolve(alert(), actor="ana", now=NOW, note=longest + "x")
    assert f"at most {MAX_NOTE_CHARS} characters, this one has {MAX_NOTE_CHARS + 1}" in str(
        caught.value
    )
    assert caught.value.problems[0].location == "note"


@pytest.mark.parametrize("status", [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED])
def test_snooze_until_a_time_or_until_something_changes(status):
    until = NOW + timedelta(days=1)
    timed = snooze(alert(status), actor="ana", now=NOW, until=until)
    assert (timed.alert.status, timed.alert.snoozed_until) == (AlertStatus.SNOOZED, until)
    assert timed.summary == f"Snoozed by ana until {until.isoformat()}."
    open_ended = snooze(alert(status), actor="ana", now=NOW)
    assert open_ended.alert.snoozed_until is None
    assert open_ended.summary == "Snoozed by ana until something changes."
    assert open_ended.action is AlertAction.SNOOZED


@pytest.mark.parametrize("until", [NOW, NOW - timedelta(minutes=1)], ids=["now", "past"])
def test_a_snooze_that_is_not_in_the_future_is_refused(until):
    with pytest.raises(InvalidInputError) as caught:
        snooze(alert(), actor="ana", now=NOW, until=until)
    assert until.isoformat() in str(caught.value) and "not in the future" in str(caught.value)
    assert caught.value.problems[0].location == "until"


@pytest.mark.parametrize("status", LIVE)
def test_a_person_resolves_a_live_alert(status):
    change = resolve(alert(status), actor="ana", now=NOW)
    assert (change.alert.status, change.alert.resolved_at) == (AlertStatus.RESOLVED, NOW)
    assert change.alert.snoozed_until is None
    assert (change.action, change.summary) == (AlertAction.RESOLVED, "Resolved by ana.")


def test_reopen_clears_the_resolution_quiet_period_and_disposition():
    resolved = alert(
        AlertStatus.RESOLVED, below_since=date(2026, 11, 20), disposition=Disposition.CONFIRMED
    )
    change = reopen(resolved, actor="ana", now=NOW, note="Not over yet")
    after = change.alert
    assert after.status is AlertStatus.OPEN
    assert (after.resolved_at, after.below_since, after.disposition) == (None, None, None)
    assert (change.action, change.summary, change.note) == (
        AlertAction.REOPENED,
        "Reopened by ana.",
        "Not over yet",
    )


REFUSED = [
    (acknowledge, AlertStatus.RESOLVED, {"disposition": "confirmed"}),
    (snooze, AlertStatus.SNOOZED, {}),
    (snooze, AlertStatus.RESOLVED, {}),
    (resolve, AlertStatus.RESOLVED, {}),
    (reopen, AlertStatus.OPEN, {}),
    (reopen, AlertStatus.ACKNOWLEDGED, {}),
    (reopen, AlertStatus.SNOOZED, {}),
]


@pytest.mark.parametrize(("action", "status", "options"), REFUSED)
def test_a_transition_the_status_does_not_allow_is_a_conflict(action, status, options):
    with pytest.raises(ConflictError) as caught:
        action(alert(status), actor="ana", now=NOW, **options)
    message = str(caught.value)
    assert message.startswith(f"alert 7 is {status.value}: cannot {action.__name__} it")
    assert ("reopen it first" in message) is (status is AlertStatus.RESOLVED)


def test_wake_ends_a_snooze_only_when_its_time_is_up():
    snoozed = alert(AlertStatus.SNOOZED, snoozed_until=NOW)
    assert wake(snoozed, now=NOW - timedelta(seconds=1)) is None
    change = wake(snoozed, now=NOW)
    assert (change.alert.status, change.alert.snoozed_until) == (AlertStatus.OPEN, None)
    assert (change.action, change.actor, change.summary) == (
        AlertAction.WOKEN,
        "monitor",
        "The snooze ended.",
    )
    assert change.alert.version == snoozed.version + 1
    assert wake(alert(AlertStatus.SNOOZED, snoozed_until=None), now=NOW) is None
    assert wake(alert(AlertStatus.OPEN), now=NOW) is None


def test_history_summaries_name_the_actor():
    steps = [
        acknowledge(alert(), actor="Dr. Hala", now=NOW, disposition="duplicate"),
        snooze(alert(), actor="Dr. Hala", now=NOW),
        resolve(alert(), actor="Dr. Hala", now=NOW),
        reopen(alert(AlertStatus.RESOLVED), actor="Dr. Hala", now=NOW),
    ]
    for change in steps:
        assert change.actor == "Dr. Hala" and "by Dr. Hala" in change.summary
        assert change.at == change.alert.updated_at == NOW


def test_actions_return_new_alerts_and_leave_the_given_one_alone():
    before = alert()
    resolve(before, actor="ana", now=NOW)
    assert before == alert()
