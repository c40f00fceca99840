"""The email channel against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import dataclasses
import logging
import socket
from datetime import UTC, datetime

import pytest

from alerts.channels import DeliveryResult, Envelope, send
from alerts.channels import email as email_channel
from alerts.messages import Message
from heritage.config import Settings
from heritage.domain import Channel
from heritage.errors import InvalidInputError

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
UNSUBSCRIBE = "https://monitor.test/unsubscribe?token=abc"


def envelope(**changes) -> Envelope:
    values = {
        "key": "alert-7-v2.sub-3",
        "channel": Channel.EMAIL,
        "target": "officer@museum.test",
        "message": Message(
            subject="[Heritage monitor] CRITICAL: Palmyra - alert opened",
            text="Two armed clashes near the site. Ünïcode: تدمر\n",
            html="<p>Two armed clashes near the site. Ünïcode: تدمر</p>\n",
        ),
        "unsubscribe_url": UNSUBSCRIBE,
    }
    return Envelope(**(values | changes))


def settings_for(server, **changes) -> Settings:
    values = {
        "smtp_host": server.host,
        "smtp_port": server.port,
        "smtp_security": "none",
        "smtp_timeout_s": 5.0,
        "mail_from": "Heritage monitor <alerts@heritage.test>",
    }
    return Settings(**(values | changes))


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_message_arrives_with_both_parts_and_headers(smtp_server):
    result = send(envelope(), settings_for(smtp_server), now=NOW)

    assert result.delivered and not result.permanent
    assert result.detail.endswith(": 250 2.0.0 OK queued")
    [mail] = smtp_server.messages
    assert mail.mail_from == "alerts@heritage.test"
    assert mail.rcpt_tos == ("officer@museum.test",)
    message = mail.message
    assert message["Subject"] == "[Heritage monitor] CRITICAL: Palmyra - alert opened"
    assert message["From"] == "Heritage monitor <alerts@heritage.test>"
    assert message["To"] == "officer@museum.test"
    assert message["Date"] == "Tue, 24 Nov 2026 12:00:00 +0000"
    assert message["Message-ID"] == "<alert-7-v2.sub-3@heritage.test>"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Heritage-Delivery"] == "alert-7-v2.sub-3"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ünïcode: تدمر" in text and "<p>Two armed clashes" in html
    assert max(mail.raw) < 128  # 7-bit on the wire: no server needs 8BITMIME


def test_no_unsubscribe_link_means_no_list_headers(smtp_server):
    send(envelope(unsubscribe_url=""), settings_for(smtp_server), now=NOW)
    [mail] = smtp_server.messages
    assert "List-Unsubscribe" not in mail.message
    assert "List-Unsubscribe-Post" not in mail.message


def test_resending_an_envelope_keeps_its_message_id(smtp_server):
    settings = settings_for(smtp_server)
    send(envelope(), settings, now=NOW)
    send(envelope(), settings, now=NOW.replace(hour=13))

    first, second = smtp_server.wait_for(2)
    assert first.message["Message-ID"] == second.message["Message-ID"]


def test_recipient_rejected_with_5xx_is_a_permanent_failure(smtp_server):
    smtp_server.reject_with = "550 5.1.1 no such user"
    result = send(envelope(), settings_for(smtp_server), now=NOW)

    assert result == DeliveryResult(False, True, result.detail)
    assert "recipient refused: 550 5.1.1 no such user" in result.detail
    assert smtp_server.messages == []


def test_recipient_deferred_with_4xx_is_retryable(smtp_server):
    smtp_server.reject_with = "451 4.3.0 try again later"
    result = send(envelope(), settings_for(smtp_server), now=NOW)

    assert not result.delivered and not result.permanent
    assert "451" in result.detail


@pytest.mark.parametrize(
    ("answer", "is_permanent"), [("554 5.7.1 spam", True), ("452 4.3.1 full", False)]
)
def test_message_refused_after_data_follows_the_code(smtp_server, answer, is_permanent):
    smtp_server.reject_data_with = answer
    result = send(envelope(), settings_for(smtp_server), now=NOW)

    assert not result.delivered
    assert result.permanent is is_permanent
    assert answer in result.detail


def test_nothing_listening_is_a_retryable_failure_that_says_so():
    settings = Settings(smtp_host="127.0.0.1", smtp_port=closed_port(), smtp_security="none")
    result = send(envelope(), settings, now=NOW)

    assert not result.delivered and not result.permanent
    assert result.detail.startswith("cannot connect to SMTP server 127.0.0.1:")
    assert "refused" in result.detail.lower()


def test_connection_dropped_after_acceptance_still_counts_as_delivered(smtp_server, caplog):
    smtp_server.drop_on_quit = True
    with caplog.at_level(logging.INFO, logger="alerts.channels.email"):
        result = send(envelope(), settings_for(smtp_server), now=NOW)

    assert result.delivered  # the server took the message: a retry would send it twice
    assert "250 2.0.0 OK queued" in result.detail
    assert len(smtp_server.messages) == 1
    assert "QUIT failed after the message was accepted" in caplog.text


def test_starttls_required_but_not_offered_fails_without_sending(smtp_server):
    smtp_server.credentials = ("monitor", "s3cret-pw")
    settings = settings_for(
        smtp_server, smtp_security="starttls", smtp_username="monitor", smtp_password="s3cret-pw"
    )
    result = send(envelope(), settings, now=NOW)

    assert not result.delivered and not result.permanent
    assert "STARTTLS" in result.detail
    assert smtp_server.messages == [] and smtp_server.logins == []  # nothing in clear


def test_implicit_tls_against_a_plain_server_fails_without_sending(smtp_server):
    result = send(envelope(), settings_for(smtp_server, smtp_security="tls"), now=NOW)

    assert not result.delivered and not result.permanent
    assert "cannot connect" in result.detail
    assert smtp_server.messages == []


def test_logs_in_when_a_username_is_set(smtp_server):
    smtp_server.credentials = ("monitor", "s3cret-pw")
    settings = settings_for(smtp_server, smtp_username="monitor", smtp_password="s3cret-pw")
    result = send(envelope(), settings, now=NOW)

    assert result.delivered
    assert smtp_server.logins == ["monitor"]


def test_wrong_password_fails_and_the_detail_never_shows_it(smtp_server):
    smtp_server.credentials = ("monitor", "right-pw")
    settings = settings_for(smtp_server, smtp_username="monitor", smtp_password="wrong-pw-123")
    result = send(envelope(), settings, now=NOW)

    assert not result.delivered and not result.permanent
    assert "535" in result.detail
    assert "wrong-pw-123" not in result.detail
    assert smtp_server.messages == []


def test_unconfigured_smtp_keeps_the_message_unsent():
    result = send(envelope(), Settings(), now=NOW)
    assert result == DeliveryResult(False, False, "SMTP is not configured (HERITAGE_SMTP_HOST)")


def test_message_id_uses_the_sender_domain():
    settings = Settings(smtp_host="smtp.test", mail_from="alerts@unesco.example")
    message = email_channel.build_email(envelope(), settings, now=NOW)
    assert message["Message-ID"] == "<alert-7-v2.sub-3@unesco.example>"


@pytest.mark.parametrize(
    "changes",
    [
        {"key": "alert 7\r\nBcc: x@y.z"},
        {"key": ""},
        {"target": "a@b.test\r\nBcc: x@y.z"},
        {"unsubscribe_url": "javascript:alert(1)"},
        {"unsubscribe_url": "https://monitor.test/u>\r\nBcc: x"},
    ],
)
def test_envelope_refuses_header_breaking_values(changes):
    with pytest.raises(InvalidInputError):
        dataclasses.replace(envelope(), **changes)
