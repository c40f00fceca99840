"""ACLED: the CSV export, the API's JSON rows, and deletion lists.

Location precision (``geo_precision``) as a radius, after ACLED's codebook:
1 = the town or a more exact point: 2 km; 2 = near a town or in a small part of a region:
25 km; 3 = only the region or province capital is known: 100 km.
Time precision (``time_precision``): 1 = day, 2 = week, 3 = month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heritage.domain import ConflictEvent, DatePrecision, EventType, Fatalities, Retraction
from heritage.ingest.base import RowError, parse_date, parse_int, parse_point, text

__all__ = ["AcledAdapter", "AcledDeletionsAdapter", "PRECISION_M"]

SOURCE = "acled"
PRECISION_M = {1: 2_000.0, 2: 25_000.0, 3: 100_000.0}
_DATE_PRECISION = {1: DatePrecision.DAY, 2: DatePrecision.WEEK, 3: DatePrecision.MONTH}

# (event_type, sub_event_type) -> taxonomy; a sub-event not listed falls back to its type.
_SUB_EVENTS = {
    "Air/drone strike": EventType.AIRSTRIKE,
    "Shelling/artillery/missile attack": EventType.SHELLING,
    "Chemical weapon": EventType.SHELLING,
    "Remote explosive/landmine/IED": EventType.EXPLOSION,
    "Suicide bomb": EventType.EXPLOSION,
    "Grenade": EventType.EXPLOSION,
    "Looting/property destruction": EventType.DESTRUCTION,
    "Headquarters or base established": EventType.OCCUPATION,
    "Non-violent transfer of territory": EventType.OCCUPATION,
    "Government regains territory": EventType.ARMED_CLASH,
    "Non-state actor overtakes territory": EventType.ARMED_CLASH,
    "Armed clash": EventType.ARMED_CLASH,
}
_EVENT_TYPES = {
    "Battles": EventType.ARMED_CLASH,
    "Explosions/Remote violence": EventType.EXPLOSION,
    "Violence against civilians": EventType.VIOLENCE_AGAINST_CIVILIANS,
    "Protests": EventType.UNREST,
    "Riots": EventType.UNREST,
    "Strategic developments": EventType.OTHER,
}


class AcledAdapter:
    name = "acled"

    def matches(self, columns: Sequence[str]) -> bool:
        return {"event_id_cnty", "event_date", "event_type"} <= set(columns)

    def parse_row(self, row: Mapping[str, str]) -> ConflictEvent:
        source_id = text(row, "event_id_cnty")
        if not source_id:
            raise RowError("event_id_cnty", "missing event id")
        event_type, sub_event = text(row, "event_type"), text(row, "sub_event_type")
        mapped = _SUB_EVENTS.get(sub_event) or _EVENT_TYPES.get(event_type)
        if mapped is None:
            raise RowError("event_type", f"unknown ACLED event type: {event_type!r}")
        day = parse_date(row, "event_date_iso") if text(row, "event_date_iso") else None
        day = day or parse_date(row, "event_date")
        lon, lat = parse_point(row, "longitude", "latitude")
        geo_precision = parse_int(row, "geo_precision", required=True)
        if geo_precision not in PRECISION_M:
            raise RowError("geo_precision", f"must be 1, 2 or 3, got {geo_precision}")
        fatalities = parse_int(row, "fatalities")
        actors = tuple(
            a
            for a in (text(row, c) for c in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"))
            if a
        )
        return ConflictEvent(
            source=SOURCE,
            source_id=source_id,
            date_start=day,
            date_end=day,
            date_precision=_DATE_PRECISION.get(
                parse_int(row, "time_precision") or 1, DatePrecision.DAY
            ),
            lon=lon,
            lat=lat,
            precision_m=PRECISION_M[geo_precision],
            event_type=mapped,
            original_type=event_type,
            original_subtype=sub_event,
            place=text(row, "location"),
            admin=tuple(a for a in (text(row, c) for c in ("admin1", "admin2", "admin3")) if a),
            country=text(row, "country"),
            actors=actors,
            fatalities=Fatalities(fatalities, fatalities, fatalities),
            description=text(row, "notes"),
            url="",
            confidence=1.0,
            revision=text(row, "timestamp"),
            location_precision=f"geo_precision {geo_precision}",
        )


class AcledDeletionsAdapter:
    """ACLED's list of deleted events (``event_id_cnty``, ``deleted_timestamp``)."""

    name = "acled-deletions"

    def matches(self, columns: Sequence[str]) -> bool:
        return {"event_id_cnty", "deleted_timestamp"} <= set(columns)

    def parse_row(self, row: Mapping[str, str]) -> Retraction:
        source_id = text(row, "event_id_cnty")
        if not source_id:
            raise RowError("event_id_cnty", "missing event id")
        return Retraction(SOURCE, source_id, text(row, "deleted_timestamp"))
