"""Open an event file, pick its adapter and stream its rows in chunks.

CSV and TSV files (gzip too) stream with the csv module, so memory stays flat however long
the file; JSON (GeoJSON, ACLED API responses) is read whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from heritage.archives import open_gzip
from heritage.errors import InvalidInputError
from heritage.ingest.acled import AcledAdapter, AcledDeletionsAdapter
from heritage.ingest.base import ROW_PROBLEM, Adapter
from heritage.ingest.gdelt import COLUMNS as GDELT_COLUMNS
from heritage.ingest.gdelt import GdeltAdapter
from heritage.ingest.generic import GenericAdapter
from heritage.ingest.ucdp import UcdpCandidateAdapter, UcdpGedAdapter

__all__ = ["FORMATS", "EventFile", "open_event_file"]

FORMATS = ("acled", "acled-deletions", "ucdp-ged", "ucdp-candidate", "gdelt", "geojson", "csv")
Row = tuple[int, Mapping[str, object]]
csv.field_size_limit(16 * 1024 * 1024)  # long narratives in ACLED notes


@dataclass
class EventFile:
    """An opened event file: its adapter, and its rows as (row number, row) in chunks."""

    name: str
    adapter: Adapter
    chunks: Iterator[list[Row]]


def open_event_file(
    path: Path,
    *,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    source: str | None = None,
    chunk_rows: int = 20_000,
) -> EventFile:
    """Open ``path``, detect its format from the header unless ``fmt`` names it.

    ``mapping`` maps our field names to a generic CSV's columns; ``source`` names the source
    of generic CSV and GeoJSON events (default: the file's name).
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError("file not found", source=str(path))
    if fmt is not None and fmt not in FORMATS:
        raise InvalidInputError(
            f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})", source=str(path)
        )
    generic_source = source or f"file-{path.name}"
    if _is_json(path):
        rows = _json_rows(path)
        first = rows[0][1] if rows else {}
        adapter = _choose(
            path, fmt, list(first), mapping, generic_source, json_kind=_json_kind(path)
        )
        return EventFile(path.name, adapter, _batches(iter(rows), chunk_rows))
    columns, rows = _table_rows(path, fmt)
    adapter = _choose(path, fmt, columns, mapping, generic_source)
    return EventFile(path.name, adapter, _batches(rows, chunk_rows))


def _choose(path, fmt, columns, mapping, generic_source, json_kind=None) -> Adapter:
    generic_name = "geojson" if json_kind == "geojson" else "csv"
    adapters: list[Adapter] = [
        AcledDeletionsAdapter(),
        AcledAdapter(),
        UcdpGedAdapter(),
        UcdpCandidateAdapter(),
        GdeltAdapter(),
        GenericAdapter(generic_name, generic_source, mapping),
    ]
    if fmt in ("geojson", "csv"):
        return GenericAdapter(fmt, generic_source, mapping)
    if fmt is not None:
        return next(a for a in adapters if a.name == fmt)
    if mapping:
        return GenericAdapter(generic_name, generic_source, mapping)
    for adapter in adapters:
        if adapter.matches(columns):
            return adapter
    raise InvalidInputError(
        "cannot tell the format from the header "
        f"(columns: {', '.join(map(str, columns[:12]))}{'...' if len(columns) > 12 else ''}); "
        f"name it with --format ({', '.join(FORMATS)}), or map a generic CSV with --map",
        source=str(path),
        location="header",
    )


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix.lower() == ".gz":
        return io.TextIOWrapper(open_gzip(path), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _is_json(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith((".json", ".geojson"))


def _table_rows(path: Path, fmt: str | None) -> tuple[list[str], Iterator[Row]]:
    try:
        with _open_text(path) as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InvalidInputError(f"cannot read the file: {exc}", source=str(path)) from exc
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    fields = next(csv.reader([first], delimiter=delimiter, quoting=quoting), [])
    headerless = fmt == "gdelt" or (
        fmt is None and len(fields) == len(GDELT_COLUMNS) and fields[0].isdigit()
    )
    columns = list(GDELT_COLUMNS) if headerless else [f.strip() for f in fields]
    return columns, _csv_rows(path, columns, delimiter, skip_header=not headerless)


def _csv_rows(
    path: Path, columns: list[str], delimiter: str, *, skip_header: bool
) -> Iterator[Row]:
    """Rows as dicts; a row with the wrong number of fields comes back marked, not dropped.

    Rows count from 1 as a spreadsheet shows them: with a header, the first data row is row 2.
    """
    number = 0
    try:
        with _open_text(path) as handle:
            # Tab-separated exports (GDELT) do not quote: a leading '"' is just a character.
            quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
            reader = csv.reader(handle, delimiter=delimiter, quoting=quoting)
            if skip_header:
                next(reader, None)
                number = 1
            for fields in reader:
                number += 1
                if not fields:
                    continue
                if len(fields) != len(columns):
                    reason = f"{len(fields)} fields where the header has {len(columns)}"
                    yield number, {ROW_PROBLEM: (None, reason), "fields": fields}
                    continue
                yield number, dict(zip(columns, fields, strict=True))
    except (csv.Error, UnicodeDecodeError, OSError, EOFError) as exc:
        raise InvalidInputError(
            f"cannot read the file after row {number}: {exc}", source=str(path)
        ) from exc


def _json_kind(path: Path) -> str:
    return "geojson" if path.name.lower().removesuffix(".gz").endswith(".geojson") else "json"


def _json_rows(path: Path) -> list[Row]:
    try:
        with _open_text(path) as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InvalidInputError(f"cannot read the file: {exc}", source=str(path)) from exc
    except RecursionError:
        raise InvalidInputError("JSON nested too deeply", source=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"not valid JSON: {exc.msg}", source=str(path), location=f"line {exc.lineno}"
        ) from exc
    return json_rows(data, str(path))


def json_rows(data: object, where: str) -> list[Row]:
    """Rows of a GeoJSON Feature(Collection), an ACLED API response or a list of objects.

    Numbers count from 1: feature 1 is the first feature.
    """
    if isinstance(data, dict) and data.get("type") in ("Feature", "FeatureCollection"):
        features = [data] if data["type"] == "Feature" else data.get("features") or []
        return [(i, _feature_row(f)) for i, f in enumerate(features, start=1)]
    if isinstance(data, dict) and isinstance(data.get("data"), list):  # ACLED API
        data = data["data"]
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return list(enumerate(data, start=1))
    raise InvalidInputError(
        "not GeoJSON, an ACLED API response or a list of event objects",
        source=where,
        location="top level",
    )


def _feature_row(feature: object) -> dict:
    if not isinstance(feature, dict):
        return {ROW_PROBLEM: (None, "not a GeoJSON Feature")}
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return {ROW_PROBLEM: ("properties", "properties must be an object")}
    row = dict(properties)
    if "id" not in row and feature.get("id") is not None:
        row["id"] = feature["id"]
    geometry = feature.get("geometry") or {}
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
    if kind != "Point":
        row[ROW_PROBLEM] = ("geometry", f"geometry must be a Point, got {kind or 'none'}")
    elif not isinstance(coordinates, list) or len(coordinates) < 2:
        row[ROW_PROBLEM] = ("geometry", f"Point without two coordinates: {coordinates!r}")
    else:
        row["lon"], row["lat"] = coordinates[0], coordinates[1]
    return row
