"""Write the same sites in every format the registry imports (for the import tests)."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import mapping

FORMATS = ("geojson", "gpkg", "shp-zip", "kml", "kmz", "csv-wkt")


def write_geojson(path: Path, features: list[tuple[dict, object]], **extra) -> Path:
    collection = {
        "type": "FeatureCollection",
        **extra,
        "features": [
            {"type": "Feature", "properties": props, "geometry": mapping(geom) if geom else None}
            for props, geom in features
        ],
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_sites(
    folder: Path, fmt: str, features: list[tuple[dict, object]], crs="EPSG:4326"
) -> Path:
    """Write flat-attribute features in ``fmt``; returns the file to import."""
    if fmt == "geojson":
        return write_geojson(folder / "sites.geojson", features)
    if fmt == "csv-wkt":
        rows = [{**props, "wkt": geom.wkt} for props, geom in features]
        return write_csv(folder / "sites.csv", rows)
    frame = gpd.GeoDataFrame(
        [props for props, _ in features], geometry=[g for _, g in features], crs="EPSG:4326"
    ).to_crs(crs)
    if fmt == "gpkg":
        path = folder / "sites.gpkg"
        frame.to_file(path, layer="sites", driver="GPKG")
        return path
    if fmt == "shp-zip":
        shp = folder / "shp"
        shp.mkdir()
        frame.to_file(shp / "sites.shp", engine="pyogrio")
        path = folder / "sites.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for part in shp.iterdir():
                archive.write(part, part.name)
        return path
    if fmt in ("kml", "kmz"):
        kml = folder / "doc.kml"
        frame.to_file(kml, driver="LIBKML")
        if fmt == "kml":
            return kml
        path = folder / "sites.kmz"
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(kml, "doc.kml")
        kml.unlink()
        return path
    raise ValueError(fmt)
