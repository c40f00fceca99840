"""What every adapter shares: the Adapter protocol, row errors and value parsers.

Location precision becomes a radius in metres; each adapter documents its table, and the
README collects them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from heritage.domain import ConflictEvent, Rejection, Retraction
from heritage.geo import GeometryError, check_point

__all__ = [
    "Adapter",
    "Item",
    "ROW_PROBLEM",
    "RowError",
    "parse_rows",
    "parse_date",
    "parse_float",
    "parse_int",
    "parse_point",
    "text",
]

Item = ConflictEvent | Retraction | Rejection
# Readers mark a row they could not split or locate with (column, reason) under this key.
ROW_PROBLEM = "__row_problem__"


class RowError(ValueError):
    """A row that cannot become an event, with the column at fault."""

    def __init__(self, column: str | None, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


class Adapter(Protocol):
    """One source format. ``parse_row`` turns one row into an event or a retraction."""

    name: str  # the format name users pass to --format

    def matches(self, columns: Sequence[str]) -> bool:
        """Whether a header with these columns is this format."""
        ...

    def parse_row(self, row: Mapping[str, str]) -> ConflictEvent | Retraction:
        """Raise RowError for a row that cannot be used."""
        ...


def parse_rows(
    adapter: Adapter, rows: Iterable[tuple[int, Mapping[str, str]]], source_file: str
) -> Iterator[tuple[int, Item]]:
    """Each row, by number, as an event, a retraction or a rejection naming column and reason."""
    for number, row in rows:
        problem = row.get(ROW_PROBLEM)
        if problem:
            raw = {k: v for k, v in row.items() if k != ROW_PROBLEM}
            yield number, Rejection(source_file, number, problem[0], problem[1], raw)
            continue
        try:
            item = adapter.parse_row(row)
            _check_sizes(item)
            yield number, item
        except RowError as exc:
            yield number, Rejection(source_file, number, exc.column, exc.reason, dict(row))


# Column sizes of the event store: longer values are data errors, named here, not in the database.
_MAX_ID, _MAX_REVISION, _MAX_SOURCE = 128, 64, 64
_MAX_INT = 2**31 - 1  # the integer columns' range on PostgreSQL


def _check_sizes(item: ConflictEvent | Retraction) -> None:
    if len(item.source) > _MAX_SOURCE or ":" in item.source:
        raise RowError("source", f"source name must be at most {_MAX_SOURCE} characters, no ':'")
    if len(item.source_id) > _MAX_ID:
        raise RowError("id", f"event id longer than {_MAX_ID} characters")
    if len(item.revision) > _MAX_REVISION:
        raise RowError("revision", f"revision longer than {_MAX_REVISION} characters")


def text(row: Mapping[str, str], column: str) -> str:
    value = row.get(column)
    if value.__class__ is not str:
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            raise RowError(column, f"must be a single value, not {type(value).__name__}")
        value = str(value)
    if "\x00" in value:  # PostgreSQL cannot store it; nothing real contains it
        raise RowError(column, "contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a broken JSON escape
            raise RowError(column, "is not valid Unicode text") from None
    return value.strip()


def parse_float(row: Mapping[str, str], column: str, *, required: bool = True) -> float | None:
    raw = text(row, column)
    if not raw:
        if required:
            raise RowError(column, "missing value")
        return None
    try:
        value = float(raw)
    except ValueError:
        raise RowError(column, f"not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise RowError(column, f"not a finite number: {raw!r}")
    return value


def parse_int(row: Mapping[str, str], column: str, *, required: bool = False) -> int | None:
    raw = text(row, column)
    if raw.isascii() and raw.isdigit():  # the common case, without the float round trip
        value = int(raw)
        if value > _MAX_INT:
            raise RowError(column, f"larger than {_MAX_INT}: {raw!r}")
        return value
    value = parse_float(row, column, required=required)
    if value is None:
        return None
    if not value.is_integer() or value < 0 or value > _MAX_INT:
        raise RowError(column, f"not a whole number from 0 to {_MAX_INT}: {text(row, column)!r}")
    return int(value)


def parse_point(row: Mapping[str, str], lon_column: str, lat_column: str) -> tuple[float, float]:
    lon = parse_float(row, lon_column)
    lat = parse_float(row, lat_column)
    try:
        return check_point(lon, lat)
    except GeometryError as exc:
        raise RowError(f"{lon_column}/{lat_column}", f"{exc.reason} (got {lon}, {lat})") from None


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_FORMATS = ("%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%Y%m%d", "%Y/%m/%d")


def parse_date(row: Mapping[str, str], column: str, *, required: bool = True) -> date | None:
    """ISO dates, ACLED's '14 August 2020' and '6-Jun-25', GDELT's 20240131.

    Numeric day/month dates such as 02/05/2023 are refused unless the day is above 12: guessing
    the order would put events a season off.
    """
    raw = text(row, column)
    if not raw:
        if required:
            raise RowError(column, "missing date")
        return None
    if len(raw) == 10 and raw[4] == "-":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass  # fall through to the detailed checks below
    iso = _ISO.match(raw)
    if iso:
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            raise RowError(column, f"not a calendar date: {raw!r}") from None
    for fmt in _FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return _slashed_date(raw, column)


def _slashed_date(raw: str, column: str) -> date:
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})\b", raw)
    if not match:
        raise RowError(column, f"unrecognised date: {raw!r}")
    first, second, year = (int(g) for g in match.groups())
    if first > 12 and second <= 12:
        day, month = first, second
    elif second > 12 and first <= 12:
        day, month = second, first
    elif first == second:
        day = month = first
    else:
        raise RowError(column, f"ambiguous date (day/month or month/day?): {raw!r}; use ISO dates")
    try:
        return date(year, month, day)
    except ValueError:
        raise RowError(column, f"not a calendar date: {raw!r}") from None
