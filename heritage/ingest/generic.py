"""Events from GeoJSON points or any CSV, with a mapping from our fields to its columns.

Fields: ``id`` (required), ``date`` (or ``date_start`` and ``date_end``), ``lon``/``lat``
(GeoJSON: the Point), ``type`` (a taxonomy value; anything else is kept as the original type
and mapped to ``other``), ``precision_m`` (default 1 km: a point given without its precision is
taken as a place in a town), ``place``, ``country``, ``fatalities``, ``actors`` (``;``-separated),
``description``, ``url``, ``confidence`` (0..1, default 1), ``revision``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heritage.domain import ConflictEvent, DatePrecision, EventType, Fatalities
from heritage.ingest.base import RowError, parse_date, parse_float, parse_int, parse_point, text

__all__ = ["FIELDS", "GenericAdapter", "parse_mapping"]

FIELDS = (
    "id",
    "date",
    "date_start",
    "date_end",
    "lon",
    "lat",
    "type",
    "precision_m",
    "place",
    "country",
    "fatalities",
    "actors",
    "description",
    "url",
    "confidence",
    "revision",
)
DEFAULT_PRECISION_M = 1_000.0


def parse_mapping(spec: str) -> dict[str, str]:
    """'date=Date,lon=X' -> {'date': 'Date', 'lon': 'X'}; our field names are checked."""
    mapping = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not column:
            raise ValueError(f"'{part}' is not field=column")
        if field not in FIELDS:
            raise ValueError(f"unknown field '{field}' (fields: {', '.join(FIELDS)})")
        mapping[field] = column
    return mapping


class GenericAdapter:
    """Our own field names, or the columns a mapping names for them."""

    def __init__(self, name: str, source: str, mapping: Mapping[str, str] | None = None):
        self.name = name
        self.source = source
        self.mapping = {f: f for f in FIELDS} | dict(mapping or {})

    def matches(self, columns: Sequence[str]) -> bool:
        present = set(columns)
        return self.column("id") in present and (
            self.column("date") in present or self.column("date_start") in present
        )

    def column(self, field: str) -> str:
        return self.mapping.get(field, field)

    def parse_row(self, row: Mapping[str, str]) -> ConflictEvent:
        col = self.column
        source_id = text(row, col("id"))
        if not source_id:
            raise RowError(col("id"), "missing event id")
        start = parse_date(row, col("date_start"), required=False) or parse_date(row, col("date"))
        end = parse_date(row, col("date_end"), required=False) or start
        if end < start:
            raise RowError(col("date_end"), f"ends ({end}) before it starts ({start})")
        lon, lat = parse_point(row, col("lon"), col("lat"))
        original = text(row, col("type"))
        key = original.lower().replace("-", "_").replace(" ", "_")
        event_type = EventType(key) if key in EventType._value2member_map_ else EventType.OTHER
        precision_m = parse_float(row, col("precision_m"), required=False) or DEFAULT_PRECISION_M
        confidence = parse_float(row, col("confidence"), required=False)
        if confidence is not None and not 0.0 <= confidence <= 1.0:
            raise RowError(col("confidence"), f"must be between 0 and 1, got {confidence}")
        deaths = parse_int(row, col("fatalities"))
        return ConflictEvent(
            source=self.source,
            source_id=source_id,
            date_start=start,
            date_end=end,
            date_precision=DatePrecision.DAY,
            lon=lon,
            lat=lat,
            precision_m=precision_m,
            event_type=event_type,
            original_type=original,
            place=text(row, col("place")),
            country=text(row, col("country")),
            actors=tuple(a.strip() for a in text(row, col("actors")).split(";") if a.strip()),
            fatalities=Fatalities(deaths, deaths, deaths),
            description=text(row, col("description")),
            url=text(row, col("url")),
            confidence=1.0 if confidence is None else confidence,
            revision=text(row, col("revision")),
            location_precision=f"precision_m {precision_m:g}",
        )
