"""Query parameters of the API: parsed strictly, and a bad one is named in a 400 answer."""

from __future__ import annotations

import math
import re
from datetime import date
from urllib.parse import urlencode

from flask import request, url_for
from werkzeug.routing import IntegerConverter

from heritage.errors import InvalidInputError, Problem

__all__ = [
    "ROW_ID_MAX",
    "RowIdConverter",
    "bad",
    "bbox",
    "boolean",
    "choice",
    "country",
    "day",
    "integer",
    "known_args",
    "page",
    "page_links",
    "search_text",
]

_ALPHA2 = re.compile(r"[A-Za-z]{2}")
GEOJSON = "application/geo+json"
ROW_ID_MAX = 2**31 - 1  # ids are Integer columns, 4 bytes on PostgreSQL: none is larger


class RowIdConverter(IntegerConverter):
    """``<id:alert_id>``: a row id, 0 to ROW_ID_MAX; a larger number names no row (404).

    The plain ``int`` converter passes any size on to the database, which fails on it
    (PostgreSQL past 4 bytes, SQLite past 8).
    """

    def __init__(self, url_map) -> None:
        super().__init__(url_map, max=ROW_ID_MAX)


def known_args(allowed: set[str]) -> dict[str, str]:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise InvalidInputError(
            [
                Problem(
                    "query",
                    "",
                    name,
                    request.args.get(name),
                    f"unknown parameter (allowed: {', '.join(sorted(allowed))})",
                )
                for name in unknown
            ]
        )
    return {k: v for k, v in request.args.items()}


def bad(name: str, value: object, reason: str) -> InvalidInputError:
    return InvalidInputError([Problem("query", "", name, value, reason)])


def bbox(raw: str | None):
    if raw is None:
        return None
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        raise bad(
            "bbox", raw, "bbox must be four numbers: min_lon,min_lat,max_lon,max_lat"
        ) from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise bad("bbox", raw, "bbox must be four numbers: min_lon,min_lat,max_lon,max_lat")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise bad(
            "bbox",
            raw,
            "bbox out of range or min_lat > max_lat "
            "(min_lon > max_lon is allowed and crosses the antimeridian)",
        )
    return min_lon, min_lat, max_lon, max_lat


def country(raw: str | None) -> str | None:
    if raw is None:
        return None
    if not _ALPHA2.fullmatch(raw):
        raise bad("country", raw, "country must be an ISO 3166-1 alpha-2 code such as SY")
    return raw.upper()


def choice(args: dict, name: str, allowed: list[str]) -> str | None:
    raw = args.get(name)
    if raw is not None and raw not in allowed:
        raise bad(name, raw, f"must be one of {', '.join(allowed)}")
    return raw


def search_text(args: dict, name: str) -> str | None:
    """Words to look for: 1 to 100 characters once trimmed (None when not given or blank)."""
    raw = args.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw.strip()) > 100:
        raise bad(name, raw[:100] + "...", "must be at most 100 characters")
    return raw.strip()


def boolean(args: dict, name: str) -> bool | None:
    raw = args.get(name)
    if raw is None:
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise bad(name, raw, "must be true or false")


def integer(args: dict, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad(name, raw, "must be a whole number") from None
    if not low <= value <= high:
        raise bad(name, raw, f"must be between {low} and {high}")
    return value


def page_links(
    endpoint: str,
    args: dict,
    limit: int,
    offset: int,
    total: int,
    *,
    media_type: str = GEOJSON,
    **path_args: str,
) -> list[dict]:
    """OGC API style self/next/prev links that keep the request's filters."""

    def href(new_offset: int) -> str:
        params = {**args, "limit": limit, "offset": new_offset}
        return url_for(endpoint, _external=True, **path_args) + "?" + urlencode(params)

    links = [{"rel": "self", "type": media_type, "href": href(offset)}]
    if offset + limit < total:
        links.append({"rel": "next", "type": media_type, "href": href(offset + limit)})
    if offset > 0:
        links.append({"rel": "prev", "type": media_type, "href": href(max(0, offset - limit))})
    return links


def day(args: dict, name: str) -> date | None:
    raw = args.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise bad(name, raw, "must be an ISO date such as 2017-03-02") from None


def page(args: dict, settings) -> tuple[int, int]:
    """(limit, offset) of a list request."""
    limit = integer(args, "limit", settings.page_limit_default, 1, settings.page_limit_max)
    return limit, integer(args, "offset", 0, 0, 10**9)
