"""Geometry on the ellipsoid: circles, buffer rings, validation, repair and the antimeridian."""

import math

import geometries as zoo
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from heritage.geo import (
    GEOD,
    GeometryError,
    buffer_ring,
    canonical,
    check_point,
    check_zone,
    generalise,
    generalised_bounds,
    geodesic_area_km2,
    geodesic_circle,
    radius_for_area_m,
)

LIMITS = {"max_area_km2": 10_000.0, "max_vertices": 100_000}


def _distances_from(lon, lat, geom):
    xy = shapely.get_coordinates(geom)
    _, _, dist = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return np.asarray(dist)


@pytest.mark.parametrize(
    "lon, lat",
    [(38.27, 34.55), (0.0, 0.0), (20.0, 79.0), (-60.0, -79.0), (179.99, -16.5), (-179.99, 65.0)],
)
def test_circle_vertices_lie_at_the_radius_on_the_ellipsoid(lon, lat):
    circle = geodesic_circle(lon, lat, 2285.0)
    xy = shapely.get_coordinates(circle)
    on_ring = xy[np.abs(xy[:, 0]) < 180.0]  # leave out the cut along the antimeridian
    _, _, dist = GEOD.inv(np.full(len(on_ring), lon), np.full(len(on_ring), lat), *on_ring.T)
    assert len(on_ring) >= 72
    assert np.allclose(dist, 2285.0, rtol=1e-6)


def test_circle_of_declared_area_has_that_area():
    area_ha = 1640.0  # Palmyra's declared area
    circle = geodesic_circle(38.27, 34.55, radius_for_area_m(area_ha), 72)
    assert geodesic_area_km2(circle) * 100 == pytest.approx(area_ha, rel=0.002)


def test_circle_across_the_antimeridian_is_split_into_two_valid_parts():
    circle = geodesic_circle(179.99, -16.5, 3000.0)
    assert isinstance(circle, MultiPolygon) and len(circle.geoms) == 2
    assert circle.is_valid
    lons = shapely.get_coordinates(circle)[:, 0]
    assert lons.min() >= -180 and lons.max() <= 180
    assert geodesic_area_km2(circle) == pytest.approx(math.pi * 3.0**2, rel=0.002)


@pytest.mark.parametrize("lon, lat", [(38.27, 34.55), (20.0, 79.0), (179.99, -16.5)])
def test_buffer_ring_reaches_its_width_within_a_thousandth(lon, lat):
    core = geodesic_circle(lon, lat, 1000.0)
    ring = buffer_ring(core, 2000.0)
    outer = _distances_from(lon, lat, ring.boundary)
    assert outer.max() == pytest.approx(3000.0, rel=1e-3)
    assert ring.intersection(core).area < 1e-6 * ring.area  # the ring excludes the core (to 1 cm)
    assert geodesic_area_km2(ring) == pytest.approx(math.pi * (3.0**2 - 1.0**2), rel=0.003)


def test_zero_width_buffer_is_empty():
    assert buffer_ring(geodesic_circle(38.27, 34.55, 1000.0), 0).is_empty


def test_valid_polygon_passes_unchanged_as_multipolygon():
    checked = check_zone(zoo.PALMYRA_SQUARE, **LIMITS)
    assert checked.zone.geom_type == "MultiPolygon"
    assert checked.repairs == ()
    assert checked.zone.equals(zoo.PALMYRA_SQUARE)


def test_polygon_with_hole_keeps_the_hole():
    checked = check_zone(zoo.WITH_HOLE, **LIMITS)
    assert sum(len(part.interiors) for part in checked.zone.geoms) == 1
    assert not checked.zone.contains(Point(36.05, 33.05))


def test_invalid_bow_tie_is_repaired_and_the_repair_is_reported():
    checked = check_zone(zoo.BOW_TIE, **LIMITS)
    assert checked.zone.is_valid
    assert len(checked.zone.geoms) == 2
    assert any("make_valid" in r and "Self-intersection" in r for r in checked.repairs)


def test_polygon_drawn_across_the_antimeridian_is_split_not_wrapped_round_the_world():
    checked = check_zone(zoo.ACROSS_ANTIMERIDIAN, **LIMITS)
    assert len(checked.zone.geoms) == 2
    assert any("antimeridian" in r for r in checked.repairs)
    # 0.2 by 0.1 degrees at 16.7 S: about 227 km², not half the planet.
    assert 200 < checked.area_km2 < 260
    assert checked.zone.contains(Point(179.95, -16.75))
    assert checked.zone.contains(Point(-179.95, -16.75))
    assert not checked.zone.contains(Point(0.0, -16.75))


@pytest.mark.parametrize(
    "geom", [zoo.NEAR_NORTH_LIMIT, zoo.NEAR_SOUTH_LIMIT], ids=["north", "south"]
)
def test_zones_near_the_latitude_limits_are_accepted(geom):
    checked = check_zone(geom, **LIMITS)
    assert checked.area_km2 == pytest.approx(abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6)


@pytest.mark.parametrize(
    "geom, words",
    [
        (zoo.EMPTY, "empty"),
        (None, "empty"),
        (zoo.LINE, "must be a Polygon or MultiPolygon, not LinearRing"),
        (zoo.POINT, "not Point"),
        (zoo.SWAPPED_OUT_OF_RANGE, "latitude and longitude look swapped"),
        (zoo.OUT_OF_RANGE, "out of range"),
        (zoo.HUGE, "more than the limit of 10,000 km²"),
    ],
    ids=["empty", "none", "line", "point", "swapped", "out-of-range", "huge"],
)
def test_unacceptable_zones_are_refused_with_the_reason(geom, words):
    with pytest.raises(GeometryError, match=words):
        check_zone(geom, **LIMITS)


def test_zone_with_too_many_vertices_is_refused_with_the_count():
    with pytest.raises(GeometryError, match="vertices, more than the limit of 1,000") as info:
        check_zone(zoo.many_vertices(2000), max_area_km2=10_000.0, max_vertices=1000)
    assert info.value.value > 1000


def test_swapped_point_is_named_as_swapped():
    with pytest.raises(GeometryError, match="swapped"):
        check_point(34.55, 138.27)
    assert check_point("38.27", "34.55") == (38.27, 34.55)


@pytest.mark.parametrize("lon, lat", [("x", 1), (float("nan"), 1.0), (200.0, 10.0)])
def test_bad_points_are_refused(lon, lat):
    with pytest.raises(GeometryError):
        check_point(lon, lat)


def test_generalised_geometry_covers_the_truth_on_a_coarse_grid():
    truth = geodesic_circle(38.27, 34.55, 800.0)
    coarse = generalise(truth, 0.05)
    assert coarse.contains(truth)
    xy = shapely.get_coordinates(coarse)
    assert np.allclose(np.round(xy / 0.05) * 0.05, xy)
    # no published vertex is within about 4 km of the true outline
    assert min(_distances_from(x, y, truth.boundary).min() for x, y in xy) > 4000


def test_generalised_bounds_are_those_of_the_generalised_geometry_without_building_it():
    rng = np.random.default_rng(5)
    geometries = [
        MultiPolygon(
            [*geodesic_circle(lon, lat, r).geoms, *geodesic_circle(lon + 0.3, lat, r).geoms]
        )
        for lon, lat, r in zip(
            rng.uniform(-179.5, 179, 40),
            rng.uniform(-89, 89, 40),
            rng.uniform(50, 9000, 40),
            strict=True,
        )
    ] + [
        Polygon([(179.97, 10.0), (180.0, 10.0), (180.0, 10.02)]),
        Polygon([(0.0, 0.0), (0.05, 0.0), (0.05, 0.05)]),
    ]
    bounds = np.array([g.bounds for g in geometries])
    expected = np.array([generalise(g, 0.05).bounds for g in geometries])
    assert np.allclose(generalised_bounds(bounds, 0.05), expected)


def test_buffer_of_a_serial_property_is_accurate_around_every_part():
    core = MultiPolygon(
        [*geodesic_circle(10.0, 40.0, 1000.0).geoms, *geodesic_circle(40.0, 40.0, 1000.0).geoms]
    )
    ring = buffer_ring(core, 2000.0)
    for lon in (10.0, 40.0):
        xy = shapely.get_coordinates(ring)
        near = xy[np.abs(xy[:, 0] - lon) < 1.0]
        _, _, dist = GEOD.inv(np.full(len(near), lon), np.full(len(near), 40.0), *near.T)
        assert dist.max() == pytest.approx(3000.0, rel=1e-3)


def test_invalid_polygon_across_the_antimeridian_is_repaired_then_split():
    bow_tie = Polygon([(179.9, -16.8), (-179.9, -16.6), (-179.9, -16.8), (179.9, -16.6)])
    checked = check_zone(bow_tie, **LIMITS)
    assert checked.zone.is_valid and not checked.zone.is_empty
    assert any("make_valid" in r for r in checked.repairs)
    assert any("antimeridian" in r for r in checked.repairs)


def test_polygons_of_a_collection_are_kept_and_noted():
    collection = shapely.GeometryCollection([Point(38.27, 34.55), zoo.PALMYRA_SQUARE])
    checked = check_zone(collection, **LIMITS)
    assert checked.zone.equals(zoo.PALMYRA_SQUARE)
    assert any("collection" in r for r in checked.repairs)


def test_published_rings_wind_counter_clockwise_after_rounding():
    checked = check_zone(geodesic_circle(38.27, 34.55, 1000.0), **LIMITS)
    for part in checked.zone.geoms:
        assert part.exterior.is_ccw
    assert canonical(checked.zone).equals_exact(checked.zone, 0)  # stored == published
