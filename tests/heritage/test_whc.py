"""The UNESCO World Heritage List export: complete import, in-danger facts, shipped ids kept."""

import time

import pytest
from shapely.geometry import Point, box
from site_files_zoo import write_csv

from heritage import pipeline
from heritage.domain import GeometryPrecision
from heritage.errors import InvalidInputError
from heritage.geo import geodesic_area_km2
from heritage.registry import build_sites
from heritage.store import sites as site_store
from heritage.whc import read_whc_records

ROW = {
    "id_no": 23,
    "name_en": "Site of <em>Palmyra</em> &amp; its tombs",
    "name_fr": "Site de Palmyre",
    "date_inscribed": 1980,
    "danger": 1,
    "danger_list": "Y 2013",
    "Longitude": 38.26667,
    "Latitude": 34.55417,
    "area_hectares": 1640,
    "iso_code": "sy",
}


def _sites(path, settings, **kwargs):
    records = read_whc_records(path, default_radius_m=settings.whc_default_radius_m, **kwargs)
    return build_sites(records, settings)


def test_row_becomes_an_area_circle_with_its_designation(tmp_path, settings):
    (site,), _ = _sites(write_csv(tmp_path / "whc.csv", [ROW]), settings)
    assert site.id == "whc-23" and site.name == "Site of Palmyra & its tombs"
    assert site.countries == ("SY",)
    d = site.designation
    assert (d.unesco_id, d.inscribed_year, d.in_danger, d.in_danger_since) == (23, 1980, True, 2013)
    assert site.provenance.geometry_precision is GeometryPrecision.APPROXIMATE_AREA_CIRCLE
    assert geodesic_area_km2(site.core_zone) * 100 == pytest.approx(1640, rel=0.003)
    assert site.core_zone.contains(Point(38.26667, 34.55417))
    assert not site.buffer_zone.is_empty
    assert "id_no 23" in site.provenance.sources["geometry"]


def test_past_danger_periods_are_not_current(tmp_path, settings):
    rows = [
        {**ROW, "id_no": 1, "danger": 0, "danger_list": "P 1997-2005"},
        {**ROW, "id_no": 2, "danger": 1, "danger_list": "Y 2011 P 1996-2007"},
    ]
    sites, _ = _sites(write_csv(tmp_path / "whc.csv", rows), settings)
    by_id = {s.designation.unesco_id: s.designation for s in sites}
    assert (by_id[1].in_danger, by_id[1].in_danger_since) == (False, None)
    assert (by_id[2].in_danger, by_id[2].in_danger_since) == (True, 2011)


def test_rows_without_area_or_point_are_kept_and_reported(tmp_path, settings):
    rows = [
        {**ROW, "id_no": 5, "area_hectares": ""},
        {**ROW, "id_no": 6, "Longitude": "", "Latitude": ""},
    ]
    sites, report = _sites(write_csv(tmp_path / "whc.csv", rows), settings)
    by_id = {s.designation.unesco_id: s for s in sites}
    assert by_id[5].provenance.geometry_precision is GeometryPrecision.APPROXIMATE_RADIUS_CIRCLE
    assert by_id[6].provenance.geometry_precision is GeometryPrecision.UNLOCATED
    assert len(report.notes) == 2


def test_swapped_official_point_is_refused_with_row_and_value(tmp_path, settings):
    rows = [ROW, {**ROW, "id_no": 99, "Longitude": 34.5, "Latitude": 138.2}]
    with pytest.raises(InvalidInputError, match=r"whc.csv, row 3, field 'lon/lat'.*swapped"):
        _sites(write_csv(tmp_path / "whc.csv", rows), settings)


def test_file_that_is_not_the_export_says_which_columns_are_missing(tmp_path, settings):
    path = write_csv(tmp_path / "other.csv", [{"id": 1, "name": "x"}])
    with pytest.raises(InvalidInputError, match="missing column\\(s\\) id_no, name_en"):
        _sites(path, settings)


def test_the_whole_2023_list_imports_in_seconds(shared_data, settings):
    started = time.perf_counter()
    sites, report = _sites(shared_data / "heritage" / "whc-sites-2023.csv", settings)
    elapsed = time.perf_counter() - started
    assert len(sites) == 1199 and len({s.id for s in sites}) == 1199
    assert elapsed < 60  # a generous ceiling, not the benchmark (bench/ measures it)
    palmyra = next(s for s in sites if s.designation.unesco_id == 23)
    assert palmyra.designation.in_danger and palmyra.designation.in_danger_since == 2013
    assert sum(s.designation.in_danger for s in sites) == 56


def test_list_import_keeps_shipped_ids_and_better_geometry(session, settings, clock, tmp_path):
    shipped = tmp_path / "shipped.csv"
    write_csv(
        shipped,
        [
            {
                "id": "palmyra",
                "name": "Site of Palmyra",
                "unesco_id": 23,
                "vulnerability": 1.5,
                "geometry_precision": "digitised",
                "names": "تدمر@ar",
                "wkt": box(38.26, 34.54, 38.28, 34.56).wkt,
            }
        ],
    )
    pipeline.import_site_files(session, shipped, settings, now=clock())
    listing = write_csv(tmp_path / "whc.csv", [ROW, {**ROW, "id_no": 22, "name_en": "Bosra"}])
    result = pipeline.import_whc_list(session, listing, settings, now=clock())
    assert result.updated == ["palmyra"] and result.created == ["whc-22"]
    palmyra = site_store.get_site(session, "palmyra").site
    assert palmyra.provenance.geometry_precision is GeometryPrecision.DIGITISED
    assert palmyra.vulnerability == 1.5 and palmyra.names[0].name == "تدمر"
    assert palmyra.designation.in_danger_since == 2013
    again = pipeline.import_whc_list(session, listing, settings, now=clock())
    assert again.updated == [] and again.created == []


def test_excel_export_reads_like_the_csv(tmp_path, settings):
    import pandas as pd

    path = tmp_path / "whc-sites-2023.xlsx"
    pd.DataFrame([ROW]).to_excel(path, index=False)
    (site,), _ = _sites(path, settings)
    assert site.designation.unesco_id == 23 and site.countries == ("SY",)


def test_list_without_an_area_keeps_the_curators_stated_radius(session, settings, clock, tmp_path):
    shipped = write_csv(
        tmp_path / "shipped.csv",
        [
            {
                "id": "djenne",
                "name": "Old Towns of Djenné",
                "unesco_id": 116,
                "lon": -4.5556,
                "lat": 13.9061,
                "radius_m": 3000,
            },
        ],
    )
    pipeline.import_site_files(session, shipped, settings, now=clock())
    row = {
        **ROW,
        "id_no": 116,
        "name_en": "Old Towns of Djenné",
        "area_hectares": 0,
        "Longitude": -4.5556,
        "Latitude": 13.9061,
        "iso_code": "ml",
    }
    pipeline.import_whc_list(session, write_csv(tmp_path / "whc.csv", [row]), settings, now=clock())
    djenne = site_store.get_site(session, "djenne").site
    assert djenne.core_zone.contains(Point(-4.5556 + 0.02, 13.9061))  # ~2.2 km east: inside 3 km
    assert djenne.designation.in_danger_since == 2013
