"""Read site records from GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ and CSV files.

Every record keeps the file and the feature or row it came from, so that problems can be
named precisely. Geometry in any CRS that GDAL or PROJ knows is reprojected to WGS84 lon/lat.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from heritage.archives import open_zip
from heritage.errors import InvalidInputError, Problem
from heritage.registry import SiteRecord

__all__ = ["SUPPORTED_SUFFIXES", "read_site_records"]

SUPPORTED_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp", ".kml", ".kmz", ".csv")
_WGS84 = CRS.from_epsg(4326)
# Shapefile field names are cut to 10 characters; map the cut names back to ours.
_LONG_KEYS = (
    "vulnerability",
    "geometry_precision",
    "inscribed_year",
    "in_danger_since",
    "designation",
    "source_geometry",
    "source_designation",
    "source_names",
)
_TRUNCATED = {key[:10]: key for key in _LONG_KEYS}
_WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom")
_LON_COLUMNS = ("lon", "longitude", "lng", "long")
_LAT_COLUMNS = ("lat", "latitude")


def read_site_records(path: Path, *, crs: str | None = None) -> list[SiteRecord]:
    """All records of a file, or of every supported file in a folder (sorted by name).

    ``crs`` names the CRS of CSV coordinates (default WGS84); other formats carry their own.

    Raises
    ------
    InvalidInputError
        The path is missing, unsupported or unreadable, naming the file and the reason.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
        if not files:
            raise InvalidInputError(
                f"no site files in the folder (looked for {', '.join(SUPPORTED_SUFFIXES)})",
                source=str(path),
            )
        return [record for file in files for record in _read_file(file, crs)]
    return list(_read_file(path, crs))


def _read_file(path: Path, crs: str | None) -> Iterator[SiteRecord]:
    if not path.exists():
        raise InvalidInputError("file not found", source=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InvalidInputError(
            f"unsupported file type '{suffix or path.name}' "
            f"(supported: {', '.join(SUPPORTED_SUFFIXES)}; UNESCO lists use 'sites import-whc')",
            source=str(path),
        )
    try:
        if suffix in (".geojson", ".json"):
            yield from _read_geojson(path)
        elif suffix == ".csv":
            yield from _read_csv(path, crs)
        else:
            yield from _read_with_gdal(path)
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise InvalidInputError(f"cannot read the file: {exc}", source=str(path)) from exc


def _read_geojson(path: Path) -> Iterator[SiteRecord]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except RecursionError:
        raise InvalidInputError("JSON nested too deeply to be GeoJSON", source=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"not valid JSON: {exc.msg}", source=str(path), location=f"line {exc.lineno}"
        ) from exc
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "Feature":
        features = [data]
    elif kind == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    else:
        raise InvalidInputError(
            "not a GeoJSON Feature or FeatureCollection", source=str(path), location="top level"
        )
    transformer = _transformer(_geojson_crs(data, path), path)
    for index, feature in enumerate(features):
        location = f"feature index {index}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InvalidInputError("not a GeoJSON Feature", source=str(path), location=location)
        raw_properties = feature.get("properties") or {}
        if not isinstance(raw_properties, dict):
            raise InvalidInputError(
                [
                    Problem(
                        path.name,
                        location,
                        "properties",
                        _brief(raw_properties),
                        "must be an object",
                    )
                ]
            )
        properties = {str(k).lower(): v for k, v in raw_properties.items()}
        if "id" not in properties and feature.get("id") is not None:
            properties["id"] = feature["id"]
        geometry = _geojson_geometry(feature.get("geometry"), path, location)
        buffer = properties.pop("buffer_zone", None)
        yield SiteRecord(path.name, location, properties, _reproject(geometry, transformer))
        if isinstance(buffer, dict):  # the shape the API and `sites export` write
            buffer_zone = _reproject(_geojson_geometry(buffer, path, location), transformer)
            buffer_props = {"id": properties.get("id"), "zone": "buffer"}
            yield SiteRecord(path.name, f"{location} (buffer_zone)", buffer_props, buffer_zone)


def _geojson_geometry(raw: object, path: Path, location: str) -> BaseGeometry | None:
    if raw is None:
        return None
    try:
        return shape(raw)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        raise InvalidInputError(
            [
                Problem(
                    path.name,
                    location,
                    "geometry",
                    _brief(raw),
                    f"not a valid GeoJSON geometry ({exc})",
                )
            ]
        ) from exc


def _geojson_crs(data: dict, path: Path) -> CRS | None:
    """The legacy (2008) GeoJSON ``crs`` member, if a file still carries one."""
    member = data.get("crs")
    if not member:
        return None
    name = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
    return _parse_crs(str(name), path, "crs member")


def _read_csv(path: Path, crs: str | None) -> Iterator[SiteRecord]:
    text = path.read_text(encoding="utf-8-sig")
    header = text.split("\n", 1)[0]
    # The header decides the delimiter: data rows hold ';' and ',' inside quoted values.
    delimiter = max(",;\t", key=header.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    wkt_col = next((columns[c] for c in _WKT_COLUMNS if c in columns), None)
    lon_col = next((columns[c] for c in _LON_COLUMNS if c in columns), None)
    lat_col = next((columns[c] for c in _LAT_COLUMNS if c in columns), None)
    if wkt_col is None and (lon_col is None or lat_col is None):
        raise InvalidInputError(
            "a site CSV needs a WKT column (wkt or geometry) or lon and lat columns "
            "(with radius_m or area_ha)",
            source=str(path),
            location="header",
        )
    transformer = _transformer(_parse_crs(crs, path, "--crs") if crs else None, path)
    for row_number, row in enumerate(reader, start=2):  # row 1 is the header
        location = f"row {row_number}"
        properties = {k.strip().lower(): v for k, v in row.items() if k is not None}
        if wkt_col is not None and (row.get(wkt_col) or "").strip():
            geometry = _wkt(row[wkt_col], path, location, wkt_col)

        elif lon_col is not None and lat_col is not None and (row.get(lon_col) or "").strip():
            geometry = _csv_point(row, lon_col, lat_col, path, location)
        else:
            geometry = None
        for key in (wkt_col, lon_col, lat_col):
            properties.pop((key or "").strip().lower(), None)
        buffer_wkt = (properties.pop("buffer_wkt", "") or "").strip()
        yield SiteRecord(path.name, location, properties, _reproject(geometry, transformer))
        if buffer_wkt:  # the buffer zone as `sites export --format csv` writes it
            buffer = _wkt(buffer_wkt, path, location, "buffer_wkt")
            buffer_props = {"id": properties.get("id"), "zone": "buffer"}
            yield SiteRecord(path.name, location, buffer_props, _reproject(buffer, transformer))


def _wkt(text: str, path: Path, location: str, column: str) -> BaseGeometry:
    try:
        return shapely.from_wkt(text)
    except shapely.errors.ShapelyError as exc:
        problem = Problem(path.name, location, column, _brief(text), f"not valid WKT ({exc})")
        raise InvalidInputError([problem]) from exc


def _csv_point(row, lon_col, lat_col, path, location) -> Point:
    try:
        return Point(float(row[lon_col]), float(row[lat_col]))
    except (TypeError, ValueError):
        raise InvalidInputError(
            [
                Problem(
                    path.name,
                    location,
                    f"{lon_col}/{lat_col}",
                    (row[lon_col], row[lat_col]),
                    "longitude and latitude must be numbers",
                )
            ]
        ) from None


def _read_with_gdal(path: Path) -> Iterator[SiteRecord]:
    if path.suffix.lower() not in (".kmz", ".zip"):
        yield from _read_datasets(path, [(str(path), path.name)])
        return
    # Members are unpacked by Python's zipfile, which stops at each member's checked size:
    # GDAL's /vsizip/ reads on past a size an archive lies about.
    with tempfile.TemporaryDirectory(prefix="heritage-sites-") as folder:
        yield from _read_datasets(path, _unpacked_datasets(path, Path(folder)))


def _read_datasets(path: Path, datasets: list[tuple[str, str]]) -> Iterator[SiteRecord]:
    try:
        layers = [  # tables without geometry (QGIS's layer_styles) hold no sites
            (dataset, name, inner)
            for dataset, inner in datasets
            for name, geometry_type in pyogrio.list_layers(dataset)
            if geometry_type is not None
        ]
        for dataset, layer, inner in layers:
            frame = pyogrio.read_dataframe(dataset, layer=layer)
            if frame.crs is not None and not CRS.from_user_input(frame.crs).equals(_WGS84):
                frame = frame.to_crs(_WGS84)
            where = f"{inner}, " if len(datasets) > 1 else ""
            where += f"layer '{layer}', " if len(layers) > 1 else ""
            for index, row in enumerate(frame.to_dict("records")):
                geometry = row.pop("geometry", None)
                properties = {_key(k): v for k, v in row.items()}
                yield SiteRecord(path.name, f"{where}feature index {index}", properties, geometry)
    except (DataSourceError, DataLayerError, RuntimeError) as exc:
        raise InvalidInputError(f"cannot read the file: {exc}", source=str(path)) from exc


def _unpacked_datasets(path: Path, folder: Path) -> list[tuple[str, str]]:
    """The datasets of a KMZ or zip, unpacked into ``folder``, each with its name inside.

    A KMZ holds one KML document; a zip may hold several shapefiles, in sub-folders too,
    each unpacked with its sidecar files (.dbf, .shx, .prj, .cpg).
    """
    suffix = path.suffix.lower()
    wanted, kind = (".kml", "KML document") if suffix == ".kmz" else (".shp", "shapefile")
    with open_zip(path) as archive:  # size, ratio and member paths checked first
        names = [n for n in archive.namelist() if not n.endswith("/")]
        members = sorted(n for n in names if n.lower().endswith(wanted))
        if not members:
            raise InvalidInputError(
                f"the {suffix[1:].upper()} archive holds no {kind}", source=str(path)
            )
        if suffix == ".kmz":
            members = ["doc.kml"] if "doc.kml" in members else members[:1]
        stems = {_stem(member) for member in members}
        for name in names:
            if _stem(name) in stems:
                archive.extract(name, folder)
    return [(str(folder / member), member) for member in members]


def _stem(member: str) -> str:
    return member.rsplit(".", 1)[0].lower()


def _key(column: str) -> str:
    key = str(column).strip().lower()
    return _TRUNCATED.get(key, key)


def _parse_crs(text: str, path: Path, where: str) -> CRS:
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise InvalidInputError(
            [Problem(path.name, where, "crs", text, f"unknown coordinate reference system ({exc})")]
        ) from exc


def _transformer(crs: CRS | None, path: Path) -> Transformer | None:
    if crs is None or crs.equals(_WGS84):
        return None
    return Transformer.from_crs(crs, _WGS84, always_xy=True)


def _reproject(geometry: BaseGeometry | None, transformer: Transformer | None):
    if geometry is None or transformer is None or geometry.is_empty:
        return geometry
    return shapely.transform(geometry, lambda xy: _stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _stack(lon_lat) -> np.ndarray:
    return np.column_stack(lon_lat)


def _brief(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."
