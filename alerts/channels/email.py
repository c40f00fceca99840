"""Email channel: one SMTP attempt per envelope, over smtplib.

The outcome follows the protocol, not the socket: once the server answered 250 to the
message data, the message is delivered, even if QUIT fails or the connection drops after, so
the outbox never sends it twice. A retry after a lost answer carries the same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr

from alerts.channels import DeliveryResult, Envelope
from alerts.messages import subject_line
from heritage.config import Settings

__all__ = ["build_email", "send"]

log = logging.getLogger(__name__)


class _Refused(Exception):
    """The server refused a step of the transaction with ``code``."""

    def __init__(self, step: str, code: int, answer: bytes | str):
        text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
        super().__init__(f"{step} refused: {code} {subject_line(text)}")
        self.code = code


def build_email(envelope: Envelope, settings: Settings, *, now: datetime) -> EmailMessage:
    """The message as it goes on the wire: text and HTML alternatives and the headers."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = settings.mail_from
    message["To"] = envelope.target
    message["Subject"] = subject_line(envelope.message.subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{envelope.key}@{_domain(settings.mail_from)}>"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Heritage-Delivery"] = envelope.key
    if envelope.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{envelope.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps the body 7-bit, so no server needs 8BITMIME.
    message.set_content(envelope.message.text, cte="quoted-printable")
    message.add_alternative(envelope.message.html, subtype="html", cte="quoted-printable")
    return message


def send(envelope: Envelope, settings: Settings, *, now: datetime) -> DeliveryResult:
    """Try once to hand the envelope's message to the SMTP server in ``settings``."""
    if not settings.smtp_host:
        return DeliveryResult(False, False, "SMTP is not configured (HERITAGE_SMTP_HOST)")
    server = f"{settings.smtp_host}:{settings.smtp_port}"
    if not envelope.target.isascii():
        return DeliveryResult(
            False, True, f"address {envelope.target!r} is not ASCII; SMTPUTF8 is not supported"
        )
    try:
        data = build_email(envelope, settings, now=now).as_bytes()
    except (ValueError, UnicodeError) as error:
        return DeliveryResult(False, True, f"cannot build the email to {envelope.target}: {error}")
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        return _retryable(f"cannot connect to SMTP server {server}: {_describe(error)}")
    try:
        answer = _transact(client, settings, envelope.target, data)
    except _Refused as error:
        _close(client)
        return DeliveryResult(False, 500 <= error.code < 600, f"{server}: {error}")
    except (OSError, smtplib.SMTPException) as error:
        _close(client)
        return _retryable(f"SMTP server {server}: {_describe(error)}")
    _quit(client, server)
    return DeliveryResult(True, False, f"accepted by {server}: {answer}")


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout_s
    if settings.smtp_security == "tls":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    return smtplib.SMTP(host, port, timeout=timeout)


def _transact(client: smtplib.SMTP, settings: Settings, target: str, data: bytes) -> str:
    """EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA; returns the server's answer to the data."""
    client.ehlo()
    if settings.smtp_security == "starttls":
        if not client.has_extn("starttls"):
            # Never fall back to plaintext: the password and the message would travel in clear.
            raise smtplib.SMTPNotSupportedError(
                "the server does not offer STARTTLS (HERITAGE_SMTP_SECURITY=starttls); "
                "nothing was sent"
            )
        client.starttls(context=ssl.create_default_context())
        client.ehlo()
    if settings.smtp_username:
        client.login(settings.smtp_username, settings.smtp_password)
    sender = parseaddr(settings.mail_from)[1] or settings.mail_from
    code, answer = client.mail(sender)
    if code != 250:
        raise _Refused("sender", code, answer)
    code, answer = client.rcpt(target)
    if code not in (250, 251):
        raise _Refused("recipient", code, answer)
    try:
        code, answer = client.data(data)
    except smtplib.SMTPDataError as error:  # the server refused DATA itself
        raise _Refused("message", error.smtp_code, error.smtp_error) from None
    if code != 250:
        raise _Refused("message", code, answer)
    return subject_line(f"{code} {answer.decode('utf-8', 'replace')}")


def _quit(client: smtplib.SMTP, server: str) -> None:
    """Say goodbye; the message is already accepted, so a failure here changes nothing."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException) as error:
        log.info("SMTP server %s: QUIT failed after the message was accepted: %s", server, error)
        _close(client)


def _close(client: smtplib.SMTP) -> None:
    try:
        client.close()
    except OSError as error:
        log.debug("closing the SMTP connection failed: %s", error)


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return subject_line(f"{error.smtp_code} {text}")
    if isinstance(error, TimeoutError):
        return "timed out"
    return subject_line(f"{type(error).__name__}: {error}") or type(error).__name__


def _retryable(detail: str) -> DeliveryResult:
    return DeliveryResult(False, False, detail)


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"
