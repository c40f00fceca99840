"""Reports as they arrive (plain text, an HTML page, an RSS or Atom feed) → texts to geoparse.

Libraries do the parsing: trafilatura extracts an article's text from a web page and drops
its chrome (menus, footers, related links); feedparser reads RSS and Atom in all their
dialects and dates; defusedxml checks a feed first, refusing entity declarations and external
entities (a "billion laughs" feed, or one that reads local files), which feedparser alone
would not refuse. feedparser gets a stream, never bytes: it opens bytes that name an existing
file and reads that file instead.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime

import defusedxml.ElementTree
import feedparser
import trafilatura
from defusedxml import DefusedXmlException

from heritage.errors import InvalidInputError

__all__ = ["ReportText", "content_hash", "detect_kind", "read_reports"]

MAX_REPORT_BYTES = 5_000_000  # a long article is 50 KB; a feed of 100 entries about 1 MB
_FEED_RE = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|p|div)[\s>]", re.IGNORECASE)


@dataclass(frozen=True)
class ReportText:
    """One report to geoparse: its text and what is known of where it came from."""

    text: str
    title: str = ""
    url: str = ""
    published: date | None = None
    media_type: str = "text/plain"


def detect_kind(data: bytes) -> str:
    """``feed``, ``html`` or ``text``, from the content itself (not a file name)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        if _FEED_RE.search(head):
            return "feed"
        if _HTML_RE.search(head):
            return "html"
    return "text"


def read_reports(data: bytes, *, source: str, url: str = "") -> list[ReportText]:
    """The reports in ``data``: one for a text or a page, one per entry for a feed.

    Raises
    ------
    InvalidInputError
        Too large, not UTF-8 text, a feed with entity declarations, or nothing to read;
        the error names ``source``.
    """
    if len(data) > MAX_REPORT_BYTES:
        raise InvalidInputError(
            f"report too large: {len(data):,} bytes (the limit is {MAX_REPORT_BYTES:,})",
            source=source,
        )
    kind = detect_kind(data)
    if kind == "feed":
        return _feed_entries(data, source)
    if kind == "html":
        text = _article_text(data.decode("utf-8", errors="replace"))
        title = _html_title(data)
        if not text:
            raise InvalidInputError("no article text found in this HTML page", source=source)
        return [ReportText(text, title, url, None, "text/html")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"not UTF-8 text: byte {exc.start} cannot be decoded", source=source
        ) from None
    if "\x00" in text:
        raise InvalidInputError("not text: the file holds NUL characters", source=source)
    if not text.strip():
        raise InvalidInputError("the report is empty", source=source)
    return [ReportText(text, text.strip().splitlines()[0][:300], url)]


def content_hash(text: str) -> str:
    """The same report twice is the same hash: NFC, and whitespace runs as one space."""
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _article_text(html: str) -> str:
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_recall=True
    )
    return (text or "").strip()


def _html_title(data: bytes) -> str:
    found = re.search(rb"<title[^>]*>(.*?)</title>", data[:65536], re.IGNORECASE | re.DOTALL)
    if not found:
        return ""
    return " ".join(found.group(1).decode("utf-8", errors="replace").split())[:300]


def _feed_entries(data: bytes, source: str) -> list[ReportText]:
    try:
        defusedxml.ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        raise InvalidInputError(
            f"feed refused: {type(exc).__name__} (entity declarations are not allowed)",
            source=source,
        ) from None
    except defusedxml.ElementTree.ParseError as exc:
        raise InvalidInputError(f"feed is not well-formed XML: {exc}", source=source) from None
    feed = feedparser.parse(io.BytesIO(data))  # bytes alone may be taken for a file name
    reports = []
    for number, entry in enumerate(feed.entries, start=1):
        body = entry.get("content", [{}])[0].get("value") or entry.get("summary", "")
        text = _article_text(f"<html><body><article>{body}</article></body></html>") or body
        title = " ".join(entry.get("title", "").split())
        if not (title or text).strip():
            continue
        full = f"{title}\n\n{text}" if title and not text.startswith(title) else text
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime(*stamp[:6], tzinfo=UTC).date() if stamp else None
        reports.append(
            ReportText(full, title, entry.get("link", ""), published, f"feed entry {number}")
        )
    if not reports:
        raise InvalidInputError("the feed has no entries with text", source=source)
    return reports
