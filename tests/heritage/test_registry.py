"""Site records become Sites only when every record is good; problems name file, feature, field."""

import geometries as zoo
import pytest
from shapely.geometry import Point, box
from site_files_zoo import write_geojson

from heritage.domain import DesignationKind, GeometryPrecision
from heritage.errors import InvalidInputError
from heritage.registry import SiteRecord, build_sites
from heritage.site_files import read_site_records

GOOD = {"id": "palmyra", "name": "Site of Palmyra"}


def _record(properties, geometry=zoo.PALMYRA_SQUARE, location="feature index 0"):
    return SiteRecord("sites.geojson", location, properties, geometry)


def _problems(records, settings):
    with pytest.raises(InvalidInputError) as info:
        build_sites(records, settings)
    return info.value.problems


@pytest.mark.parametrize(
    "properties, geometry, field, words",
    [
        ({"name": "No id"}, zoo.PALMYRA_SQUARE, "id", "missing id"),
        ({"id": "Palmyra Site", "name": "x"}, zoo.PALMYRA_SQUARE, "id", "slug"),
        ({"id": "palmyra"}, zoo.PALMYRA_SQUARE, "name", "missing name"),
        ({"id": "palmyra", "name": "  "}, zoo.PALMYRA_SQUARE, "name", "missing name"),
        (GOOD, zoo.EMPTY, "geometry", "empty"),
        (GOOD, None, "geometry", "empty"),
        (GOOD, zoo.LINE, "geometry", "not LinearRing"),
        (GOOD, zoo.POINT, "geometry", "needs area_ha or radius_m"),
        (GOOD, zoo.OUT_OF_RANGE, "geometry", "out of range"),
        (GOOD, zoo.SWAPPED_OUT_OF_RANGE, "geometry", "latitude and longitude look swapped"),
        (GOOD, zoo.HUGE, "geometry", "limit of 10,000 km²"),
        ({**GOOD, "countries": "Syria"}, zoo.PALMYRA_SQUARE, "countries", "ISO 3166-1"),
        ({**GOOD, "designation": "unesco"}, zoo.PALMYRA_SQUARE, "designation", "must be one of"),
        ({**GOOD, "vulnerability": "high"}, zoo.PALMYRA_SQUARE, "vulnerability", "number"),
        ({**GOOD, "vulnerability": -1}, zoo.PALMYRA_SQUARE, "vulnerability", "between"),
        ({**GOOD, "sensitive": "perhaps"}, zoo.PALMYRA_SQUARE, "sensitive", "true or false"),
        (
            {**GOOD, "geometry_precision": "exact"},
            zoo.PALMYRA_SQUARE,
            "geometry_precision",
            "one of",
        ),
        ({**GOOD, "inscribed_year": 1980.5}, zoo.PALMYRA_SQUARE, "inscribed_year", "whole number"),
        ({**GOOD, "names": [{"lang": "ar"}]}, zoo.PALMYRA_SQUARE, "names", "needs a 'name'"),
        ({**GOOD, "names": [{"name": "x", "lang": "?!"}]}, zoo.PALMYRA_SQUARE, "names", "BCP 47"),
        ({**GOOD, "area_ha": 0}, zoo.POINT, "area_ha", "greater than"),
        ({**GOOD, "zone": "outer"}, zoo.PALMYRA_SQUARE, "zone", "'core' or 'buffer'"),
    ],
)
def test_bad_record_is_refused_naming_the_field(settings, properties, geometry, field, words):
    (problem,) = _problems([_record(properties, geometry)], settings)
    assert (problem.source, problem.location, problem.field) == (
        "sites.geojson",
        "feature index 0",
        field,
    )
    assert words in problem.reason
    assert words in str(InvalidInputError([problem])) or words in problem.reason


def test_all_problems_of_a_file_are_reported_together(settings):
    records = [
        _record({"name": "no id"}, location="feature index 0"),
        _record({"id": "b"}, location="feature index 1"),
        _record({"id": "c", "name": "C"}, zoo.SWAPPED_OUT_OF_RANGE, location="feature index 2"),
    ]
    problems = _problems(records, settings)
    assert [p.location for p in problems] == [
        "feature index 0",
        "feature index 1",
        "feature index 2",
    ]


def test_duplicate_ids_name_both_places(settings):
    records = [_record(GOOD, location="feature index 0"), _record(GOOD, location="feature index 4")]
    (problem,) = _problems(records, settings)
    assert problem.location == "feature index 4"
    assert "duplicate id" in problem.reason and "feature index 0" in problem.reason


def test_swapped_coordinates_in_a_file_are_reported_with_file_feature_and_value(tmp_path, settings):
    path = write_geojson(tmp_path / "swapped.geojson", [(GOOD, zoo.SWAPPED_OUT_OF_RANGE)])
    with pytest.raises(InvalidInputError) as info:
        build_sites(read_site_records(path), settings)
    message = str(info.value)
    assert message.startswith("swapped.geojson, feature index 0, field 'geometry'")
    assert "swapped" in message and "138.2" in message


def test_invalid_polygon_is_repaired_and_listed_in_the_report(settings):
    (site,), report = build_sites([_record(GOOD, zoo.BOW_TIE)], settings)
    assert site.core_zone.is_valid
    assert len(report.repairs) == 1
    assert report.repairs[0].startswith("sites.geojson, feature index 0: repaired invalid polygon")


def test_antimeridian_polygon_is_split_and_reported(settings):
    record = _record({"id": "taveuni", "name": "Taveuni"}, zoo.ACROSS_ANTIMERIDIAN)
    (site,), report = build_sites([record], settings)
    assert len(site.core_zone.geoms) == 2
    assert site.core_zone.contains(Point(179.95, -16.75))
    assert any("antimeridian" in r for r in report.repairs)
    assert site.buffer_zone.is_valid and not site.buffer_zone.is_empty


def test_too_many_vertices_is_refused(settings):
    (problem,) = _problems([_record(GOOD, zoo.many_vertices(100_100))], settings)
    assert "more than the limit of 100,000" in problem.reason


def test_defaults_fill_what_a_record_leaves_out(settings):
    (site,), _ = build_sites([_record(GOOD)], settings)
    assert site.vulnerability == 1.0 and site.sensitive is False
    assert site.designation.kind is DesignationKind.NATIONAL
    assert site.provenance.geometry_precision is GeometryPrecision.DIGITISED
    outer = site.buffer_zone.union(site.core_zone)
    assert outer.contains(box(38.265, 34.545, 38.280, 34.555))


def test_explicit_buffer_zone_feature_is_used_without_the_core(settings):
    core = _record(GOOD)
    buffer = _record(
        {"id": "palmyra", "zone": "buffer"}, box(38.2, 34.5, 38.35, 34.6), "feature index 1"
    )
    (site,), _ = build_sites([core, buffer], settings)
    assert site.buffer_zone.contains(Point(38.21, 34.51))
    assert not site.buffer_zone.contains(Point(38.27, 34.55))  # the core is not in the ring


def test_buffer_without_core_is_refused(settings):
    buffer = _record({"id": "lost", "zone": "buffer"}, box(38.2, 34.5, 38.35, 34.6))
    (problem,) = _problems([buffer], settings)
    assert "no core zone" in problem.reason


def test_names_and_sources_in_flat_and_nested_forms_agree(settings):
    nested = _record(
        {
            **GOOD,
            "names": [{"name": "تدمر", "lang": "ar"}, {"name": "Tadmur", "lang": "ar-Latn"}],
            "sources": {"geometry": "drawn", "names": "GeoNames"},
        }
    )
    flat = _record(
        {
            **GOOD,
            "names": "تدمر@ar; Tadmur@ar-Latn",
            "source_geometry": "drawn",
            "source_names": "GeoNames",
        }
    )
    (a,), _ = build_sites([nested], settings)
    (b,), _ = build_sites([flat], settings)
    assert a.names == b.names and dict(a.provenance.sources) == dict(b.provenance.sources)


def test_unlocated_listing_is_kept_with_empty_zones(settings):
    record = _record({**GOOD, "geometry_precision": "unlocated"}, None)
    (site,), report = build_sites([record], settings)
    assert site.core_zone.is_empty and site.buffer_zone.is_empty
    assert "unlocated" in report.notes[0]


@pytest.mark.parametrize(
    "properties, field, words",
    [
        ({**GOOD, "name": "Pal\x00myra"}, "name", "NUL"),
        ({**GOOD, "name": {"en": "Palmyra"}}, "name", "must be text"),
        ({**GOOD, "name": True}, "name", "must be text"),
        (
            {**GOOD, "names": [{"name": "x", "lang": "ar-Latn-" + "-".join(["abcdefgh"] * 4)}]},
            "names",
            "BCP 47",
        ),
        ({**GOOD, "names": [{"name": {"x": 1}, "lang": "ar"}]}, "names", "needs a 'name'"),
        ({**GOOD, "sources": {"geometry": {"nested": 1}}}, "sources", "must be text"),
        ({**GOOD, "unesco_id": 3_000_000_000}, "unesco_id", "between 1 and"),
        ({**GOOD, "unesco_id": 1e20}, "unesco_id", "between 1 and"),
        ({**GOOD, "unesco_id": True}, "unesco_id", "whole number"),
        ({**GOOD, "vulnerability": True}, "vulnerability", "must be a number"),
    ],
)
def test_values_of_the_wrong_kind_are_named_not_stored_as_text(settings, properties, field, words):
    (problem,) = _problems([_record(properties)], settings)
    assert problem.field == field and words in problem.reason


@pytest.mark.parametrize(
    "extra, field, words",
    [
        ({"radius_m": 8_000_000}, "radius_m", "at most 500,000 m"),
        ({"area_ha": 1e12}, "area_ha", "larger than any heritage property"),
        ({"radius_m": True}, "radius_m", "must be a number"),
    ],
)
def test_absurd_circles_are_refused(settings, extra, field, words):
    (problem,) = _problems([_record({**GOOD, **extra}, zoo.POINT)], settings)
    assert problem.field == field and words in problem.reason


def test_a_polygon_labelled_as_an_area_circle_is_still_held_to_a_limit(settings):
    huge = box(20.0, 10.0, 32.0, 20.0)  # about 1.4 million km²
    (problem,) = _problems(
        [_record({**GOOD, "geometry_precision": "approximate-area-circle"}, huge)], settings
    )
    assert "limit of 1,000,000 km²" in problem.reason


def test_an_unlocated_site_with_a_geometry_is_a_contradiction(settings):
    (problem,) = _problems([_record({**GOOD, "geometry_precision": "unlocated"})], settings)
    assert problem.field == "geometry_precision" and "no geometry" in problem.reason


def test_an_empty_input_is_an_error_not_a_silent_success(settings):
    with pytest.raises(InvalidInputError, match="no sites in the input"):
        build_sites([], settings)


def test_swapped_coordinates_that_stay_in_range_are_caught_by_the_declared_country(settings):
    # Palmyra written as (lat, lon): in range, but in central Turkey, not in Syria.
    (problem,) = _problems([_record({**GOOD, "countries": "SY"}, zoo.SWAPPED)], settings)
    assert problem.field == "geometry" and "latitude and longitude look swapped" in problem.reason
    point = [_record({**GOOD, "countries": "SY", "radius_m": 500}, Point(34.55, 38.27))]
    (problem,) = _problems(point, settings)
    assert "look swapped" in problem.reason


def test_a_zone_outside_its_country_is_noted_not_refused(settings):
    record = _record({**GOOD, "countries": "JO"})  # Palmyra is in Syria
    (site,), report = build_sites([record], settings)
    assert any("outside its declared country (JO), in or near SY" in n for n in report.notes)


def test_crimea_is_ukraine_in_the_country_check(settings):
    chersonese = _record({**GOOD, "countries": "UA", "radius_m": 300}, Point(33.4925, 44.6119))
    (site,), report = build_sites([chersonese], settings)
    assert not any("outside" in n for n in report.notes)
