"""GeoNames dump files (``SY.txt``, ``allCountries.txt``, ``SY.zip``) read into places: the
villages and military bases a user needs beyond what :mod:`heritage.geoparse.sources` ships."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from heritage.archives import open_zip
from heritage.errors import InvalidInputError, Problem
from heritage.geoparse.places import Place, PlaceKind
from heritage.geoparse.sources import useful_names

__all__ = ["read_geonames_dump"]


_DUMP_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature class", "feature code", "country code", "cc2", "admin1 code", "admin2 code",
    "admin3 code", "admin4 code", "population", "elevation", "dem", "timezone",
    "modification date",
)  # fmt: skip
_COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"})
# Facilities conflict reports name: military sites, airports, dams, prisons, power stations,
# refineries, ports, stations, bridges, refugee camps, hospitals, border posts.
_FACILITY_CODES = frozenset(
    "INSM MILB AIRB AIRP AIRF AIRH AIRQ DAM PRN PS PSN OILR PRT RSTN BDG CMPRF HSP CSTM".split()
)
_MAX_PROBLEMS = 100


def read_geonames_dump(path: Path | str) -> Iterator[Place]:
    """Places from a GeoNames dump (``SY.txt``, ``allCountries.txt``, or ``SY.zip`` as GeoNames
    distributes it), read line by line.

    Kinds by feature class and code: P.* → populated; A.ADM1 → admin1; A.ADM2 → admin2;
    A.PCLI and the other A.PCL*, A.TERR → country; S.INSM, MILB, AIRB, AIRP, DAM, PRN and the
    other facility codes → facility; L.RGN → region. Other features (ADM3 and below, whose main
    town is a place of its own; terrain, water, buildings) are skipped.

    Raises
    ------
    InvalidInputError
        Naming the file, line and column of each bad line (up to 100). No place is yielded
        after the first bad line, and the error comes once the file is read: a caller that
        takes everything (:meth:`Gazetteer.build`) gets the error and no gazetteer.
    """
    path = Path(path)
    if path.suffix.lower() != ".zip":
        with path.open("rb") as stream:
            yield from _read_dump(stream, str(path))
        return
    try:
        archive = open_zip(path)  # size, ratio and member paths checked first
    except zipfile.BadZipFile as error:
        raise InvalidInputError(f"not a zip archive ({error})", source=str(path)) from None
    with archive:
        member = _dump_member(archive, path)
        with archive.open(member) as stream:
            yield from _read_dump(stream, f"{path}:{member}")


def _dump_member(archive: zipfile.ZipFile, path: Path) -> str:
    """``SY.txt`` in ``SY.zip``, else the only text file that is not the readme."""
    names = [n for n in archive.namelist() if n.lower().endswith(".txt")]
    if f"{path.stem}.txt" in names:
        return f"{path.stem}.txt"
    texts = [n for n in names if Path(n).name.lower() != "readme.txt"]
    if len(texts) != 1:
        raise InvalidInputError(
            f"expected one GeoNames .txt file in the archive, found {texts or 'none'}",
            source=str(path),
        )
    return texts[0]


def _read_dump(stream: io.BufferedIOBase, source: str) -> Iterator[Place]:
    problems: list[Problem] = []
    for number, raw in enumerate(stream, start=1):
        try:
            place = _dump_place(raw, source, number)
        except InvalidInputError as error:
            problems.extend(error.problems)
            if len(problems) >= _MAX_PROBLEMS:
                break
            continue
        if place is not None and not problems:
            yield place
    if problems:
        raise InvalidInputError(problems)


def _dump_place(raw: bytes, source: str, number: int) -> Place | None:
    """The place on one dump line; None for a blank line or a feature not indexed."""
    where = f"line {number}"
    try:
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 ({error.reason})"
        raise InvalidInputError(reason, source=source, location=where) from None
    if not line.strip():
        return None
    fields = line.split("\t")
    if len(fields) != len(_DUMP_COLUMNS):
        raise InvalidInputError(
            f"expected {len(_DUMP_COLUMNS)} tab-separated columns, found {len(fields)}",
            source=source,
            location=where,
        )
    geonameid = _dump_int(fields, 0, source, where)
    lat = _dump_float(fields, 4, source, where, limit=90.0)
    lon = _dump_float(fields, 5, source, where, limit=180.0)
    population = _dump_int(fields, 14, source, where, empty=0)
    name, country = fields[1].strip(), fields[8]
    if not name:
        raise _bad(source, where, 1, fields, "a place needs a name")
    if country and not (len(country) == 2 and country.isalpha() and country.isupper()):
        raise _bad(source, where, 8, fields, "not an ISO 3166-1 alpha-2 code")
    kind = _dump_kind(fields[6], fields[7])
    if kind is None:
        return None
    return Place(
        id=f"gn:{geonameid}",
        name=name,
        lon=lon,
        lat=lat,
        kind=kind,
        country=country or None,
        admin1=fields[10] or None,
        population=population,
        names=useful_names(name, fields[3].split(",")),
    )


def _dump_kind(feature_class: str, feature_code: str) -> PlaceKind | None:
    if feature_class == "P":
        return PlaceKind.POPULATED
    if feature_class == "A":
        if feature_code in _COUNTRY_CODES:
            return PlaceKind.COUNTRY
        return {"ADM1": PlaceKind.ADMIN1, "ADM2": PlaceKind.ADMIN2}.get(feature_code)
    if feature_class == "S" and feature_code in _FACILITY_CODES:
        return PlaceKind.FACILITY
    if feature_class == "L" and feature_code == "RGN":
        return PlaceKind.REGION
    return None


def _dump_int(fields, column, source, where, *, empty: int | None = None) -> int:
    text = fields[column].strip()
    if not text and empty is not None:
        return empty
    if not text.isdigit():
        raise _bad(source, where, column, fields, "not a whole number of 0 or more")
    return int(text)


def _dump_float(fields, column, source, where, *, limit: float) -> float:
    try:
        value = float(fields[column])
    except ValueError:
        raise _bad(source, where, column, fields, "not a number") from None
    if not -limit <= value <= limit:  # also false for NaN
        raise _bad(source, where, column, fields, f"not a number from -{limit:g} to {limit:g}")
    return value


def _bad(source: str, where: str, column: int, fields: list[str], reason: str):
    label = f"{_DUMP_COLUMNS[column]} (column {column + 1})"
    return InvalidInputError([Problem(source, where, label, fields[column], reason)])
