"""The one outbound HTTP client, against a real server on 127.0.0.1.

Nothing here leaves loopback: every other address is refused before a socket connects, which
an audit hook on ``socket.connect`` checks.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from heritage.config import Settings
from heritage.errors import DeliveryError, InvalidInputError
from heritage.fetch import MAX_REDIRECTS, address_refusal, fetch_bytes, fetch_to_file, post_json

LOOPBACK = Settings(allow_loopback_fetch=True)
DEFAULT = Settings()
BODY = b"Shelling was reported near the museum of Palmyra."
_WATCHING: list[list[object]] = []  # one list per test that watches connections
_HOOK = {"added": False}


def _record_connects(event: str, args: tuple) -> None:
    if event == "socket.connect" and _WATCHING:
        _WATCHING[-1].append(args[1])


@pytest.fixture
def connects():
    """The addresses sockets connect to during the test, seen by an audit hook (added once:
    audit hooks cannot be removed, and this one records only while a test watches)."""
    if not _HOOK["added"]:
        sys.addaudithook(_record_connects)
        _HOOK["added"] = True
    seen: list[object] = []
    _WATCHING.append(seen)
    yield seen
    _WATCHING.remove(seen)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        path = urlsplit(self.path).path
        query = parse_qs(urlsplit(self.path).query)
        if path == "/report":
            self._answer(200, BODY)
        elif path == "/redirect":
            self._answer(302, b"", Location=query["to"][0])
        elif path.startswith("/hops/"):
            left = int(path.rsplit("/", 1)[1])
            self._answer(302, b"", Location=f"/hops/{left - 1}") if left else self._answer(
                200, BODY
            )
        elif path == "/declared-large":
            self._answer(200, b"x" * 2000)
        elif path == "/undeclared-large":  # no Content-Length: the size shows only while reading
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"x" * 2000)
        else:
            self._answer(404, b"not here")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, body))
        if self.path == "/moved":
            self._answer(307, b"", Location="http://10.0.0.1/hook")
        else:
            self._answer(202, b"accepted " + b"y" * 1000)

    def _answer(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    requests: list


@pytest.fixture(scope="module")
def running_server():
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def server(running_server):
    running_server.requests = []
    return running_server


def _url(server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_loopback_is_fetched_only_with_the_setting(server, connects):
    url = _url(server, "/report")
    assert fetch_bytes(url, settings=LOOPBACK, max_bytes=1000, timeout_s=5) == BODY

    with pytest.raises(InvalidInputError) as refused:
        fetch_bytes(url, settings=DEFAULT, max_bytes=1000, timeout_s=5)
    assert "127.0.0.1 is a loopback address" in str(refused.value)
    assert "HERITAGE_ALLOW_LOOPBACK_FETCH" in str(refused.value)
    assert len(server.requests) == 1  # the refused fetch never connected
    assert connects == [("127.0.0.1", server.server_address[1])]


@pytest.mark.parametrize(
    "host, words",
    [
        ("localhost", "localhost resolves to 127.0.0.1, a loopback address"),
        ("[::1]", "::1 is a loopback address"),
        ("0x7f000001", "0x7f000001 resolves to 127.0.0.1, a loopback address"),
        ("2130706433", "2130706433 resolves to 127.0.0.1, a loopback address"),
        ("0177.0.0.1", "0177.0.0.1 resolves to 127.0.0.1, a loopback address"),
        ("127.1", "127.1 resolves to 127.0.0.1, a loopback address"),
        ("[::ffff:127.0.0.1]", "a loopback address (127.0.0.1, IPv4-mapped)"),
        ("0.0.0.0", "0.0.0.0 is an unspecified address"),
    ],
)
def test_names_and_numeric_forms_of_loopback_are_refused_without_the_setting(
    server, connects, host, words
):
    url = f"http://{host}:{server.server_address[1]}/report"
    with pytest.raises(InvalidInputError) as refused:
        fetch_bytes(url, settings=DEFAULT, max_bytes=1000, timeout_s=5)
    assert words in str(refused.value)
    assert str(refused.value).startswith(url)
    assert connects == [] and server.requests == []


def test_localhost_is_fetched_with_the_setting(server):
    url = f"http://localhost:{server.server_address[1]}/report"
    assert fetch_bytes(url, settings=LOOPBACK, max_bytes=1000, timeout_s=5) == BODY


@pytest.mark.parametrize(
    "target, words",
    [
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is the cloud metadata"),
        ("http://100.64.0.1/", "100.64.0.1 is a shared address space"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[::ffff:192.168.0.1]/", "a private address (192.168.0.1, IPv4-mapped)"),
    ],
)
def test_a_redirect_to_a_private_address_is_refused_at_the_hop(server, connects, target, words):
    url = _url(server, f"/redirect?to={target}")
    with pytest.raises(InvalidInputError) as refused:
        fetch_bytes(url, settings=LOOPBACK, max_bytes=1000, timeout_s=5)
    message = str(refused.value)
    assert words in message and f"redirected to {target.split('latest')[0]}" in message
    assert len(server.requests) == 1
    assert connects == [("127.0.0.1", server.server_address[1])]  # only the first hop


def test_redirects_are_followed_up_to_the_limit(server):
    ok = _url(server, f"/hops/{MAX_REDIRECTS}")
    assert fetch_bytes(ok, settings=LOOPBACK, max_bytes=1000, timeout_s=5) == BODY
    with pytest.raises(InvalidInputError, match=f"more than {MAX_REDIRECTS} redirects"):
        fetch_bytes(
            _url(server, f"/hops/{MAX_REDIRECTS + 1}"),
            settings=LOOPBACK,
            max_bytes=1000,
            timeout_s=5,
        )


def test_a_redirect_passes_on_no_credentials_and_only_to_http(server):
    port = server.server_address[1]
    url = _url(server, f"/redirect?to=http://analyst:s3cret@127.0.0.1:{port}/report")
    assert fetch_bytes(url, settings=LOOPBACK, max_bytes=1000, timeout_s=5) == BODY
    (_, first), (second_path, second) = server.requests
    assert second_path == "/report" and "Authorization" not in second
    assert first["User-Agent"] == second["User-Agent"] == "heritage-risk-monitor"

    with pytest.raises(InvalidInputError, match="redirect to a file URL refused"):
        fetch_bytes(
            _url(server, "/redirect?to=file:///etc/passwd"),
            settings=LOOPBACK,
            max_bytes=1000,
            timeout_s=5,
        )


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example/x", "gopher://x/"])
def test_only_http_and_https_urls_are_fetched(url, connects):
    with pytest.raises(InvalidInputError, match="only http and https URLs are fetched"):
        fetch_bytes(url, settings=LOOPBACK, max_bytes=1000, timeout_s=5)
    assert connects == []


@pytest.mark.parametrize("path", ["/declared-large", "/undeclared-large"])
def test_the_size_limit_holds_while_streaming(server, tmp_path, path):
    url = _url(server, path) + "?key=SECRET"
    with pytest.raises(InvalidInputError) as too_large:
        fetch_bytes(url, settings=LOOPBACK, max_bytes=1000, timeout_s=5)
    message = str(too_large.value)
    assert message.startswith(_url(server, path) + ": ")
    assert "larger than the limit of 1,000 bytes" in message and "SECRET" not in message

    target = tmp_path / "events.csv"
    with pytest.raises(InvalidInputError, match="limit of 1,000 bytes"):
        fetch_to_file(url, target, settings=LOOPBACK, max_bytes=1000, timeout_s=5)
    assert not target.exists()  # no half file left behind


def test_fetch_to_file_writes_the_body_and_http_errors_name_the_status(server, tmp_path):
    target = tmp_path / "report.html"
    fetch_to_file(_url(server, "/report"), target, settings=LOOPBACK, max_bytes=1000, timeout_s=5)
    assert target.read_bytes() == BODY
    with pytest.raises(InvalidInputError, match="cannot download: HTTP 404"):
        fetch_bytes(_url(server, "/nothing"), settings=LOOPBACK, max_bytes=1000, timeout_s=5)


def test_post_json_returns_the_status_and_the_start_of_the_answer(server):
    reply = post_json(
        _url(server, "/hook"),
        b'{"a":1}',
        {"Content-Type": "application/json"},
        settings=LOOPBACK,
        timeout_s=5,
    )
    assert reply.status == 202 and reply.head.startswith(b"accepted ")
    assert len(reply.head) == 200  # a receiver cannot flood the monitor
    assert server.requests == [("/hook", b'{"a":1}')]


def test_post_json_does_not_follow_redirects(server, connects):
    reply = post_json(_url(server, "/moved"), b"{}", {}, settings=LOOPBACK, timeout_s=5)
    assert reply.status == 307 and reply.location == "http://10.0.0.1/hook"
    assert connects == [("127.0.0.1", server.server_address[1])]


def test_post_json_refusals_are_input_errors_and_network_failures_delivery_errors(server):
    with pytest.raises(InvalidInputError, match="127.0.0.1 is a loopback address"):
        post_json(_url(server, "/hook"), b"{}", {}, settings=DEFAULT, timeout_s=5)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(DeliveryError, match="cannot connect: .*refused"):
        post_json(f"http://127.0.0.1:{closed}/hook", b"{}", {}, settings=LOOPBACK, timeout_s=5)
    assert server.requests == []


@pytest.mark.parametrize(
    "address, allow_loopback, reason",
    [
        ("93.184.216.34", False, None),
        ("2606:4700:4700::1111", False, None),
        ("127.0.0.1", False, "a loopback address"),
        ("127.8.9.10", True, None),
        ("::1", True, None),
        ("::ffff:127.0.0.1", True, None),
        ("10.0.0.5", True, "a private address"),
        ("172.16.3.4", True, "a private address"),
        ("192.168.1.1", True, "a private address"),
        ("fc00::1", True, "a private address"),
        ("169.254.169.254", True, "the cloud metadata address"),
        ("169.254.1.1", True, "a link-local address"),
        ("fe80::1", True, "a link-local address"),
        ("100.64.0.1", True, "a shared address space (carrier-grade NAT) address"),
        ("224.0.0.1", True, "a multicast address"),
        ("ff02::1", True, "a multicast address"),
        ("0.0.0.0", True, "an unspecified address"),
        ("::", True, "an unspecified address"),
        ("240.0.0.1", True, "a reserved address"),
        ("::ffff:10.0.0.5", True, "a private address (10.0.0.5, IPv4-mapped)"),
        (
            "::ffff:169.254.169.254",
            True,
            "the cloud metadata address (169.254.169.254, IPv4-mapped)",
        ),
        ("64:ff9b::a00:5", True, "a private address (10.0.0.5, NAT64)"),
        ("2002:a00:5::1", True, "a private address (10.0.0.5, 6to4)"),
        ("192.0.2.7", True, "a private address"),  # documentation range, never on the Internet
    ],
)
def test_address_refusal_names_the_kind_of_address(address, allow_loopback, reason):
    assert address_refusal(address, allow_loopback=allow_loopback) == reason


@pytest.fixture
def tls_localhost(tmp_path, monkeypatch):
    """An HTTPS server on 127.0.0.1 whose certificate names only ``localhost``, trusted as
    the only certificate authority (SSL_CERT_FILE) for the test."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603 - a fixed command line
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


def test_https_verifies_the_url_host_name_on_the_checked_address(tls_localhost):
    # The connection goes to the address checked for "localhost" (127.0.0.1), and TLS still
    # verifies the certificate for the name in the URL: by address, the same server fails.
    by_name = f"https://localhost:{tls_localhost}/report"
    assert fetch_bytes(by_name, settings=LOOPBACK, max_bytes=1000, timeout_s=5) == BODY
    with pytest.raises(InvalidInputError, match="not valid for '127.0.0.1'"):
        fetch_bytes(
            f"https://127.0.0.1:{tls_localhost}/report",
            settings=LOOPBACK,
            max_bytes=1000,
            timeout_s=5,
        )
