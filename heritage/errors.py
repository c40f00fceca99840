"""Exceptions of the monitor: each says what is wrong and where.

The web layer maps ``http_status`` to responses; nothing here knows about HTTP otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConflictError",
    "DatabaseNotReadyError",
    "DeliveryError",
    "HeritageError",
    "InvalidInputError",
    "NotFoundError",
    "Problem",
]


class HeritageError(Exception):
    """Root of the monitor's own errors."""

    code = "error"
    http_status = 500

    @property
    def message(self) -> str:
        return str(self)

    @property
    def details(self) -> object:
        return None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, which field, the value and why."""

    source: str
    location: str
    field: str | None
    value: object
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}, {self.location}" if self.location else self.source
        if self.field is not None:
            where += f", field '{self.field}'"
        shown = _shorten(self.value)
        return f"{where}: {self.reason}" + (f" (value: {shown})" if shown else "")

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "location": self.location,
            "field": self.field,
            "value": self.value if _is_plain(self.value) else (_shorten(self.value) or None),
            "reason": self.reason,
        }


def _shorten(value: object, limit: int = 80) -> str:
    if value is None:
        return ""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_plain(value: object) -> bool:
    """Short scalars go into JSON details as they are; anything else as a shortened repr."""
    if isinstance(value, str):
        return len(value) <= 80
    return isinstance(value, (bool, int, float)) or value is None


class InvalidInputError(HeritageError, ValueError):
    """Input that cannot be accepted; carries every problem found, not just the first."""

    code = "invalid_input"
    http_status = 400

    def __init__(self, problems: Sequence[Problem] | str, *, source: str = "", location: str = ""):
        if isinstance(problems, str):
            problems = [Problem(source, location, None, None, problems)]
        self.problems = list(problems)
        first = self.problems[:5]
        more = len(self.problems) - len(first)
        text = "; ".join(str(p) for p in first)
        if more:
            text += f"; and {more} more problem(s)"
        super().__init__(text)

    @property
    def source(self) -> str:
        return self.problems[0].source if self.problems else ""

    @property
    def location(self) -> str:
        return self.problems[0].location if self.problems else ""

    @property
    def details(self) -> object:
        return [p.as_dict() for p in self.problems]


class NotFoundError(HeritageError, LookupError):
    """A named thing (site, event, alert) does not exist."""

    code = "not_found"
    http_status = 404

    def __init__(self, kind: str, ident: object):
        self.kind = kind
        self.ident = ident
        super().__init__(f"no {kind} with id {ident!r}")


class ConflictError(HeritageError):
    """The request contradicts what is stored (e.g. a duplicate id)."""

    code = "conflict"
    http_status = 409


class DatabaseNotReadyError(HeritageError):
    """The database has not been created or migrated to the code's schema."""

    code = "database_not_ready"
    http_status = 503


class DeliveryError(HeritageError):
    """A message could not be delivered."""

    code = "delivery_failed"
    http_status = 502
