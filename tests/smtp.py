"""``smtp_server``: a real SMTP server (aiosmtpd) on loopback that records what it receives.

Use it in any test module (it is registered in conftest.py)::

    def test_alert_is_mailed(smtp_server):
        settings = Settings(smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                            smtp_security="none")
        ...
        [mail] = smtp_server.wait_for(1)
        assert mail.message["Subject"].startswith("[Heritage monitor]")

Knobs, set before the client connects: ``reject_with`` (answer to RCPT, e.g.
``"550 5.1.1 no such user"``), ``reject_data_with`` (answer to the end of DATA),
``drop_on_quit`` (accept the message, then cut the connection instead of answering QUIT) and
``credentials`` (``(user, password)`` that AUTH accepts; AUTH is offered without TLS here).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

__all__ = ["ReceivedMail", "SmtpServer", "smtp_server"]


@dataclass(frozen=True)
class ReceivedMail:
    """One accepted message: the parsed message, the raw bytes and the SMTP envelope."""

    message: EmailMessage
    raw: bytes
    mail_from: str
    rcpt_tos: tuple[str, ...]


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 on a free port; thread-safe record of what arrived."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.reject_with: str | None = None
        self.reject_data_with: str | None = None
        self.drop_on_quit = False
        self.credentials: tuple[str, str] | None = None
        self._received: list[ReceivedMail] = []
        self._logins: list[str] = []
        self._arrived = threading.Condition()
        self._controller = _LoopbackController(
            self,
            hostname=self.host,
            port=0,
            server_hostname="smtp.test",  # no getfqdn(): it can wait on DNS
            authenticator=self._authenticate,
            auth_require_tls=False,
        )

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def messages(self) -> list[ReceivedMail]:
        """A snapshot of the messages accepted so far, oldest first."""
        with self._arrived:
            return list(self._received)

    @property
    def logins(self) -> list[str]:
        """User names that logged in successfully."""
        with self._arrived:
            return list(self._logins)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMail]:
        """Block until ``count`` messages arrived (or fail the test after ``timeout`` s)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._received) >= count, timeout):
                raise AssertionError(
                    f"SMTP server on port {self.port}: expected {count} message(s) "
                    f"within {timeout} s, got {len(self._received)}"
                )
            return list(self._received)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    # aiosmtpd handler hooks (run on the server's event loop thread)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_with:
            return self.reject_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data_with:
            return self.reject_data_with
        raw = bytes(envelope.original_content or envelope.content)
        mail = ReceivedMail(
            message=message_from_bytes(raw, _class=EmailMessage, policy=default_policy),
            raw=raw,
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
        )
        with self._arrived:
            self._received.append(mail)
            self._arrived.notify_all()
        return "250 2.0.0 OK queued"

    async def handle_QUIT(self, server, session, envelope):
        if self.drop_on_quit:
            # Cut the connection without an answer; connection_lost() then cancels this
            # session's task, so the "221" below is never sent.
            server.transport.abort()
        return "221 Bye"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        if self.credentials is not None and (user, password) != self.credentials:
            return AuthResult(success=False, handled=False)
        with self._arrived:
            self._logins.append(user)
        return AuthResult(success=True)


class _LoopbackController(Controller):
    """aiosmtpd's Controller, on port 0: it reads back the port the system chose.

    The stock Controller connects to ``self.port`` to check that the server is up, which
    fails for port 0; the listening socket is known by then, so take its port first.
    """

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server():
    """A fresh SMTP server on loopback for one test; stopped afterwards."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
