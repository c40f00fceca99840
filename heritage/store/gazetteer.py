"""Gazetteer entries the users add: GeoNames dump imports and aliases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from heritage.geoparse.gazetteer import Alias, Place, PlaceKind
from heritage.store.tables import gazetteer_entries

__all__ = ["add_alias", "entries_version", "load_entries", "save_places"]

_BATCH = 5_000


def save_places(session: Session, places: Iterable[Place], *, now: datetime) -> int:
    """Store imported places (GeoNames), replacing earlier imports of the same ids."""
    total = 0
    batch: list[dict] = []
    for place in places:
        batch.append(
            {
                "origin": "geonames",
                "place_id": place.id,
                "name": place.name,
                "alternate_names": list(place.names),
                "lon": place.lon,
                "lat": place.lat,
                "kind": place.kind.value,
                "country": place.country,
                "admin1": place.admin1,
                "population": place.population,
                "precision_m": place.precision_m,
                "target": None,
                "created_at": now,
            }
        )
        if len(batch) >= _BATCH:
            total += _replace(session, batch)
            batch = []
    if batch:
        total += _replace(session, batch)
    return total


def add_alias(session: Session, alias: Alias, *, now: datetime) -> str:
    """Store a user's alias; returns its id (``alias:<n>``)."""
    number = (session.execute(select(func.max(gazetteer_entries.c.id))).scalar() or 0) + 1
    place_id = f"alias:{number}"
    session.execute(
        insert(gazetteer_entries).values(
            origin="alias",
            place_id=place_id,
            name=alias.name,
            alternate_names=[],
            lon=alias.lon,
            lat=alias.lat,
            kind=PlaceKind.ALIAS.value,
            country=alias.country,
            admin1=None,
            population=0,
            precision_m=alias.precision_m,
            target=alias.place_id,
            created_at=now,
        )
    )
    return place_id


def load_entries(session: Session) -> tuple[list[Place], list[Alias]]:
    """Every stored place and alias, in the order they were added."""
    places, aliases = [], []
    for row in session.execute(select(gazetteer_entries).order_by(gazetteer_entries.c.id)):
        if row.origin == "alias":
            aliases.append(
                Alias(row.name, row.target, row.lon, row.lat, row.country, row.precision_m or 0.0)
            )
        else:
            places.append(
                Place(
                    row.place_id,
                    row.name,
                    row.lon,
                    row.lat,
                    PlaceKind(row.kind),
                    row.country,
                    row.admin1,
                    row.population,
                    row.precision_m or 0.0,
                    names=tuple(row.alternate_names),
                )
            )
    return places, aliases


def entries_version(session: Session) -> tuple[int, int]:
    """(count, highest id): changes whenever entries are added or replaced."""
    count, top = session.execute(
        select(func.count(), func.max(gazetteer_entries.c.id)).select_from(gazetteer_entries)
    ).one()
    return int(count), int(top or 0)


def _replace(session: Session, batch: list[dict]) -> int:
    session.execute(
        delete(gazetteer_entries).where(
            gazetteer_entries.c.place_id.in_([row["place_id"] for row in batch])
        )
    )
    session.execute(insert(gazetteer_entries), batch)
    return len(batch)
