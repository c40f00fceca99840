"""Every import format reads the same sites; bad files fail naming file, feature and field."""

import json
import warnings

import geometries as zoo
import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, box
from site_files_zoo import FORMATS, write_csv, write_geojson, write_sites

from heritage.domain import GeometryPrecision
from heritage.errors import InvalidInputError
from heritage.registry import build_sites
from heritage.site_files import read_site_records

PALMYRA = {
    "id": "palmyra",
    "name": "Site of Palmyra",
    "countries": "SY",
    "unesco_id": 23,
    "inscribed_year": 1980,
    "in_danger": "true",
    "in_danger_since": 2013,
    "vulnerability": 1.3,
    "geometry_precision": "digitised",
    "source_geometry": "drawn around the Temple of Bel",
}
BOSRA = {"id": "bosra", "name": "Ancient City of Bosra", "countries": "SY", "vulnerability": 1.0}


def _import(path, settings, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's note on shortened DBF names
        return build_sites(read_site_records(path, **kwargs), settings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_imports_the_same_sites(tmp_path, settings, fmt):
    features = [(PALMYRA, zoo.PALMYRA_SQUARE), (BOSRA, box(36.47, 32.51, 36.49, 32.52))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (RuntimeWarning, UserWarning))
        path = write_sites(tmp_path, fmt, features)
    sites, report = _import(path, settings)
    by_id = {s.id: s for s in sites}
    assert sorted(by_id) == ["bosra", "palmyra"]
    palmyra = by_id["palmyra"]
    assert palmyra.name == "Site of Palmyra"
    assert palmyra.countries == ("SY",)
    assert palmyra.designation.unesco_id == 23 and palmyra.designation.in_danger
    assert palmyra.designation.in_danger_since == 2013
    assert palmyra.vulnerability == pytest.approx(1.3)
    assert palmyra.provenance.geometry_precision is GeometryPrecision.DIGITISED
    assert palmyra.provenance.sources["geometry"] == "drawn around the Temple of Bel"
    assert palmyra.core_zone.equals_exact(shapely.MultiPolygon([zoo.PALMYRA_SQUARE]), 1e-6) or (
        palmyra.core_zone.symmetric_difference(zoo.PALMYRA_SQUARE).area < 1e-10
    )
    assert not palmyra.buffer_zone.is_empty
    assert report.records == 2 and report.repairs == []


@pytest.mark.parametrize("fmt", ["gpkg", "shp-zip"])
def test_projected_files_are_reprojected_to_wgs84(tmp_path, settings, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (RuntimeWarning, UserWarning))
        path = write_sites(tmp_path, fmt, [(PALMYRA, zoo.PALMYRA_SQUARE)], crs="EPSG:32637")
    (site,), _ = _import(path, settings)
    assert site.core_zone.symmetric_difference(zoo.PALMYRA_SQUARE).area < 1e-9
    assert site.core_zone.contains(Point(38.2740, 34.5477))  # Temple of Bel


def _to_utm37(geom):
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(to_utm.transform(*xy.T)))


def test_legacy_geojson_crs_member_is_honoured(tmp_path, settings):
    projected = _to_utm37(zoo.PALMYRA_SQUARE)
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}}
    path = write_geojson(tmp_path / "utm.geojson", [(PALMYRA, projected)], crs=crs)
    (site,), _ = _import(path, settings)
    assert site.core_zone.symmetric_difference(zoo.PALMYRA_SQUARE).area < 1e-9


def test_csv_with_lon_lat_and_area_or_radius_makes_approximate_circles(tmp_path, settings):
    path = write_csv(
        tmp_path / "points.csv",
        [
            {"id": "palmyra", "name": "Palmyra", "lon": 38.27, "lat": 34.55, "area_ha": 1640},
            {"id": "nimrud", "name": "Nimrud", "lon": 43.329, "lat": 36.098, "radius_m": 1200},
        ],
    )
    sites, report = _import(path, settings)
    by_id = {s.id: s for s in sites}
    assert (
        by_id["palmyra"].provenance.geometry_precision is GeometryPrecision.APPROXIMATE_AREA_CIRCLE
    )
    assert (
        by_id["nimrud"].provenance.geometry_precision is GeometryPrecision.APPROXIMATE_RADIUS_CIRCLE
    )
    assert by_id["nimrud"].core_zone.contains(Point(43.329, 36.098))
    assert any("nimrud" not in n and "radius 1,200 m" in n for n in report.notes)


def test_csv_coordinates_in_another_crs_are_reprojected_with_the_crs_option(tmp_path, settings):
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True).transform(38.27, 34.55)
    path = write_csv(
        tmp_path / "utm.csv",
        [{"id": "palmyra", "name": "Palmyra", "lon": x, "lat": y, "radius_m": 500}],
    )
    (site,), _ = _import(path, settings, crs="EPSG:32637")
    assert site.core_zone.contains(Point(38.27, 34.55))


def test_folder_import_reads_every_supported_file_and_skips_readmes(tmp_path, settings):
    write_geojson(tmp_path / "a.geojson", [(PALMYRA, zoo.PALMYRA_SQUARE)])
    write_csv(tmp_path / "b.csv", [{**BOSRA, "lon": 36.48, "lat": 32.52, "radius_m": 400}])
    (tmp_path / "README.md").write_text("not data")
    sites, _ = _import(tmp_path, settings)
    assert sorted(s.id for s in sites) == ["bosra", "palmyra"]


def _problem_text(callable_):
    with pytest.raises(InvalidInputError) as info:
        callable_()
    return str(info.value), info.value.problems


def test_missing_file_and_unsupported_type_are_named(tmp_path, settings):
    text, _ = _problem_text(lambda: _import(tmp_path / "nope.geojson", settings))
    assert "nope.geojson" in text and "not found" in text
    (tmp_path / "sites.xlsx").write_bytes(b"PK")
    text, _ = _problem_text(lambda: _import(tmp_path / "sites.xlsx", settings))
    assert "unsupported file type '.xlsx'" in text and "import-whc" in text


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("broken.geojson", "{not json", "not valid JSON"),
        ("list.geojson", "[1, 2]", "not a GeoJSON Feature or FeatureCollection"),
        ("broken.gpkg", "not a geopackage", "cannot read the file"),
        ("broken.zip", "not a zip", "cannot read the file"),
        ("broken.kml", "<kml><Document><Placemark>", "cannot read the file"),
        ("broken.kmz", "not a zip", "cannot read the file"),
        ("nogeom.csv", "id,name\npalmyra,Palmyra\n", "needs a WKT column"),
    ],
)
def test_unreadable_files_fail_naming_the_file(tmp_path, settings, name, content, words):
    path = tmp_path / name
    path.write_text(content)
    text, _ = _problem_text(lambda: _import(path, settings))
    assert name in text and words in text


def test_bad_wkt_names_the_row_and_column(tmp_path, settings):
    path = write_csv(
        tmp_path / "s.csv",
        [
            {"id": "a", "name": "A", "wkt": zoo.PALMYRA_SQUARE.wkt},
            {"id": "b", "name": "B", "wkt": "POLYGON ((1 2, 3"},
        ],
    )
    text, problems = _problem_text(lambda: _import(path, settings))
    assert problems[0].location == "row 3" and problems[0].field == "wkt"
    assert "s.csv, row 3" in text


def test_invalid_geojson_geometry_names_the_feature(tmp_path, settings):
    path = tmp_path / "s.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "a", "name": "A"},
                        "geometry": {"type": "Polygon", "coordinates": [[[1, 2], [3]]]},
                    },
                ],
            }
        )
    )
    text, problems = _problem_text(lambda: _import(path, settings))
    assert problems[0].location == "feature index 0" and problems[0].field == "geometry"


def test_zip_with_shapefiles_in_a_subfolder_and_multi_layer_geopackage(tmp_path, settings):
    import zipfile

    import geopandas as gpd

    frame = gpd.GeoDataFrame([PALMYRA], geometry=[zoo.PALMYRA_SQUARE], crs="EPSG:4326")
    (tmp_path / "shp").mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (RuntimeWarning, UserWarning))
        frame.to_file(tmp_path / "shp" / "palmyra.shp")
    archive_path = tmp_path / "registry.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for part in (tmp_path / "shp").iterdir():
            archive.write(part, f"export/shapefiles/{part.name}")
    (site,), _ = _import(archive_path, settings)
    assert site.id == "palmyra"

    gpkg = tmp_path / "layers.gpkg"
    frame.to_file(gpkg, layer="syria")
    gpd.GeoDataFrame([BOSRA], geometry=[box(36.47, 32.51, 36.49, 32.52)], crs="EPSG:4326").to_file(
        gpkg, layer="more"
    )
    records = read_site_records(gpkg)
    assert sorted(r.location for r in records) == [
        "layer 'more', feature index 0",
        "layer 'syria', feature index 0",
    ]


def test_zip_without_a_shapefile_says_so(tmp_path, settings):
    import zipfile

    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(InvalidInputError, match="empty.zip: the ZIP archive holds no shapefile"):
        _import(path, settings)


def test_geopackage_style_tables_without_geometry_are_skipped(tmp_path, settings):
    import pandas as pd
    import pyogrio

    gpkg = tmp_path / "qgis.gpkg"
    frame = gpd.GeoDataFrame([PALMYRA], geometry=[zoo.PALMYRA_SQUARE], crs="EPSG:4326")
    frame.to_file(gpkg, layer="sites")
    pyogrio.write_dataframe(pd.DataFrame({"styleName": ["default"]}), gpkg, layer="layer_styles")
    (site,), _ = _import(gpkg, settings)
    assert site.id == "palmyra"


@pytest.mark.parametrize(
    "content, words",
    [
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1, 2], '
            '"geometry": null}]}',
            "field 'properties'",
        ),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_geojson_gives_a_clear_error(tmp_path, settings, content, words):
    path = tmp_path / "odd.geojson"
    path.write_text(content)
    text, _ = _problem_text(lambda: _import(path, settings))
    assert "odd.geojson" in text and words in text
