"""Outbound HTTP: the one way the monitor downloads feeds and reports and posts webhooks.

A URL from a user, a feed or a subscriber must not reach the monitor's own machine or the
network behind it (server-side request forgery). Every connection made here resolves its host
once, checks each address it got, and connects to one of those very addresses, so a name
cannot resolve to a public address for the check and to a private one for the connection (DNS
rebinding). TLS still verifies the certificate for the URL's host name, which SNI and the
``Host`` header carry as before. Redirects are followed here, hop by hop (at most
:data:`MAX_REDIRECTS`), and every hop is checked the same way.

Refused: loopback (unless ``allow_loopback_fetch``, for tests and local deployments), private,
link-local (and the cloud metadata address 169.254.169.254), shared (100.64.0.0/10),
multicast, reserved and unspecified addresses, and IPv6 addresses that embed such an IPv4
address. Proxies named in the environment are not used: a proxy would connect on our behalf
to an address nobody checked.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

from heritage.config import Settings
from heritage.errors import DeliveryError, InvalidInputError

__all__ = [
    "MAX_REDIRECTS",
    "REPLY_HEAD_BYTES",
    "Reply",
    "address_refusal",
    "fetch_bytes",
    "fetch_to_file",
    "post_json",
]

MAX_REDIRECTS = 5
"""Hops followed for a GET; feeds and exports that move rarely take more than two."""
REPLY_HEAD_BYTES = 200
"""Bytes of a POST's answer kept: enough for an error message, and a receiver cannot flood us."""
USER_AGENT = "heritage-risk-monitor"
_CHUNK_BYTES = 64 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_METADATA = ipaddress.ip_address("169.254.169.254")
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
_LOOPBACK_HINT = " (HERITAGE_ALLOW_LOOPBACK_FETCH allows loopback for tests and local deployments)"


@dataclass(frozen=True)
class Reply:
    """What a POST got back: the status, the first bytes of the body and any ``Location``."""

    status: int
    head: bytes
    location: str = ""


def address_refusal(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why the monitor must not connect to ``address`` (an IP address), or None if it may.

    ``allow_loopback`` lets 127.0.0.0/8 and ::1 through, and nothing else.

    >>> address_refusal("10.0.0.5")
    'a private address'
    """
    ip = ipaddress.ip_address(address)
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        reason = address_refusal(str(embedded), allow_loopback=allow_loopback)
        return reason and f"{reason} ({embedded}, {_embedding(ip)})"
    if ip == _METADATA:
        return "the cloud metadata address"
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    for refused, reason in (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip in _SHARED, "a shared address space (carrier-grade NAT) address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    ):
        if refused:
            return reason
    return None


def fetch_bytes(url: str, *, settings: Settings, max_bytes: int, timeout_s: float) -> bytes:
    """The body of a GET of ``url``, at most ``max_bytes`` (counted while it streams in).

    Raises
    ------
    InvalidInputError
        Naming the URL (without credentials or query): a refused address (at any hop), a
        scheme other than http(s), too many redirects, a status other than 2xx, a body over
        ``max_bytes``, or a network failure.
    """
    chunks = []
    with _get(url, settings=settings, timeout_s=timeout_s) as response:
        for chunk in _capped_stream(response, url, max_bytes):
            chunks.append(chunk)
    return b"".join(chunks)


def fetch_to_file(
    url: str, path: Path, *, settings: Settings, max_bytes: int, timeout_s: float
) -> None:
    """Write the body of a GET of ``url`` to ``path``, as :func:`fetch_bytes` checks it.

    Nothing is left at ``path`` when the download fails.
    """
    path = Path(path)
    try:
        with (
            _get(url, settings=settings, timeout_s=timeout_s) as response,
            path.open("wb") as out,
        ):
            for chunk in _capped_stream(response, url, max_bytes):
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def post_json(
    url: str, body: bytes, headers: Mapping[str, str], *, settings: Settings, timeout_s: float
) -> Reply:
    """POST ``body`` to ``url`` once; redirects are answers, not followed.

    Raises
    ------
    InvalidInputError
        The URL is not http(s) or its host resolves to a refused address: trying again
        will not help.
    DeliveryError
        The network failed (no connection, a timeout, a broken answer): worth a retry.
    """
    try:
        with _exchange(
            "POST", url, settings=settings, body=body, headers=headers, timeout_s=timeout_s
        ) as response:
            head = response.read(REPLY_HEAD_BYTES)
            return Reply(response.status, head, response.headers.get("Location", ""))
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise DeliveryError(f"{_public(url)}: {_describe(error)}") from error


class _RefusedAddressError(Exception):
    """A host resolved to an address the monitor does not connect to (made an
    InvalidInputError naming the URL by :func:`_exchange`)."""


class _CheckedHTTPConnection(HTTPConnection):
    def __init__(self, *args, allow_loopback: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allow_loopback = allow_loopback

    def _new_conn(self) -> socket.socket:
        return _checked_socket(self, allow_loopback=self.allow_loopback)


class _CheckedHTTPSConnection(HTTPSConnection):
    # HTTPSConnection.connect wraps the socket from _new_conn, with SNI and certificate
    # checks for self.host: the URL's name, not the address connected to.
    def __init__(self, *args, allow_loopback: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allow_loopback = allow_loopback

    def _new_conn(self) -> socket.socket:
        return _checked_socket(self, allow_loopback=self.allow_loopback)


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


def _checked_socket(conn: HTTPConnection, *, allow_loopback: bool) -> socket.socket:
    """Resolve ``conn.host`` once, refuse it if any address is refused, else connect to one of
    the checked addresses (never resolving again). Errors are urllib3's, as its own
    ``_new_conn`` raises them."""
    host = conn.host
    if _is_ip(host):  # checked as written, also where it could not resolve (IPv6 off)
        _check_address(host, host, allow_loopback=allow_loopback)
    try:
        found = socket.getaddrinfo(host, conn.port, allowed_gai_family(), socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise NameResolutionError(host, conn, error) from error
    for *_, sockaddr in found:
        _check_address(host, str(sockaddr[0]), allow_loopback=allow_loopback)
    failure: OSError | None = None
    for family, kind, proto, _, sockaddr in found:
        sock = socket.socket(family, kind, proto)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            if conn.timeout is None or isinstance(conn.timeout, int | float):
                sock.settimeout(conn.timeout)
            if conn.source_address:
                sock.bind(conn.source_address)
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            failure = error
            continue
        sys.audit("http.client.connect", conn, host, conn.port)
        return sock
    if isinstance(failure, TimeoutError):
        raise ConnectTimeoutError(
            conn, f"Connection to {host} timed out. (connect timeout={conn.timeout})"
        ) from failure
    raise NewConnectionError(
        conn, f"Failed to establish a new connection: {failure or 'no address'}"
    ) from failure


def _check_address(host: str, address: str, *, allow_loopback: bool) -> None:
    reason = address_refusal(address, allow_loopback=allow_loopback)
    if reason is not None:
        named = f"{address} is" if _is_ip(host) else f"{host} resolves to {address},"
        hint = _LOOPBACK_HINT if reason.startswith("a loopback") else ""
        raise _RefusedAddressError(f"{named} {reason}{hint}")


@contextmanager
def _exchange(
    method: str,
    url: str,
    *,
    settings: Settings,
    timeout_s: float,
    body: bytes | None = None,
    headers: Mapping[str, str],
    origin: str = "",
) -> Iterator[urllib3.BaseHTTPResponse]:
    """One request to ``url`` through a checked connection, its response left to stream;
    ``origin`` is the URL first asked for, when ``url`` is a redirect's hop."""
    parts = _checked_url(url)
    pool_class = _CheckedHTTPSPool if parts.scheme == "https" else _CheckedHTTPPool
    timeout = (
        urllib3.Timeout(total=timeout_s)
        if method == "POST"
        else urllib3.Timeout(connect=timeout_s, read=timeout_s)
    )
    with pool_class(
        parts.host,
        parts.port or (443 if parts.scheme == "https" else 80),  # "::1" alone reads as a port
        timeout=timeout,
        maxsize=1,
        retries=False,
        allow_loopback=settings.allow_loopback_fetch,
    ) as pool:
        try:
            response = pool.urlopen(
                method,
                parts.request_uri,
                body=body,
                headers=dict(headers),
                retries=False,
                redirect=False,
                preload_content=False,
                decode_content=False,  # bytes as sent: a .gz stays gzip, and no bomb opens here
                release_conn=False,
            )
        except _RefusedAddressError as error:
            where = _via(url, origin) if origin else ""
            raise InvalidInputError(
                f"refused to connect{where}: {error}", source=_public(origin or url)
            ) from None
        try:
            yield response
        finally:
            response.close()


@contextmanager
def _get(url: str, *, settings: Settings, timeout_s: float) -> Iterator[urllib3.BaseHTTPResponse]:
    """A GET's 2xx response, redirects followed and every hop checked; any failure is an
    InvalidInputError naming the URL asked for (and the hop, if it was redirected)."""
    current = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            with _exchange(
                "GET",
                current,
                settings=settings,
                timeout_s=timeout_s,
                headers={"User-Agent": USER_AGENT},
                origin=url,
            ) as response:
                location = response.headers.get("Location")
                if response.status in _REDIRECT_STATUSES and location:
                    current = _next_hop(current, location, url)
                    continue
                if not 200 <= response.status < 300:
                    raise InvalidInputError(
                        f"cannot download{_via(current, url)}: HTTP {response.status} "
                        f"{response.reason or ''}".rstrip(),
                        source=_public(url),
                    )
                yield response
                return
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise InvalidInputError(
            f"cannot download{_via(current, url)}: {_describe(error)}", source=_public(url)
        ) from None
    raise InvalidInputError(
        f"cannot download: more than {MAX_REDIRECTS} redirects", source=_public(url)
    )


def _capped_stream(response: urllib3.BaseHTTPResponse, url: str, max_bytes: int) -> Iterator[bytes]:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(url, max_bytes, f"it declares {int(declared):,} bytes")
    received = 0
    for chunk in response.stream(_CHUNK_BYTES, decode_content=False):
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(url, max_bytes, "more arrived")
        yield chunk


def _too_large(url: str, max_bytes: int, why: str) -> InvalidInputError:
    return InvalidInputError(
        f"download refused: larger than the limit of {max_bytes:,} bytes ({why})",
        source=_public(url),
    )


def _checked_url(url: str) -> urllib3.util.Url:
    try:
        parts = urllib3.util.parse_url(url)
    except urllib3.exceptions.LocationParseError as error:
        raise InvalidInputError(f"not a valid URL: {error}", source=_public(url)) from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInputError(
            f"only http and https URLs are fetched, not {parts.scheme or 'a relative URL'}",
            source=_public(url),
        )
    if not parts.host:
        raise InvalidInputError("the URL names no host", source=_public(url))
    return parts


def _next_hop(current: str, location: str, first: str) -> str:
    """The redirect target, absolute and without user or password (never passed on)."""
    target = urljoin(current, location.strip())
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https"):
        raise InvalidInputError(
            f"cannot download: redirect to a {parts.scheme or 'schemeless'} URL refused",
            source=_public(first),
        )
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def _via(current: str, first: str) -> str:
    return f" (redirected to {_public(current)})" if current != first else ""


def _public(url: str) -> str:
    """The URL as errors show it: no user, password, query or fragment (API keys live there,
    e.g. ACLED's ``key=``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("?", 1)[0].split("#", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def _describe(error: BaseException) -> str:
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2: test it first.
    if isinstance(error, NewConnectionError):
        return f"cannot connect: {error.__cause__ or error}"
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {error}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address):
    if ip.version == 4:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _embedding(ip: ipaddress.IPv6Address) -> str:
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped"
    return "6to4" if ip.sixtofour is not None else "NAT64"
