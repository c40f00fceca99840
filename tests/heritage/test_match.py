"""Matching events to sites: exact distances, zones, reach by type and location precision."""

import dataclasses
from datetime import date

import numpy as np
import pytest
from shapely.geometry import box

from heritage.config import RISK_MODEL
from heritage.domain import (
    ConflictEvent,
    DatePrecision,
    Designation,
    DesignationKind,
    EventType,
    GeometryPrecision,
    Provenance,
    Site,
    Zone,
)
from heritage.geo import GEOD, buffer_ring, geodesic_circle
from heritage.match import build_site_index, match_events

WIDE = dataclasses.replace(RISK_MODEL, reach_m=dict.fromkeys(RISK_MODEL.reach_m, 100_000.0))


def site(site_id, core, buffer_m=2000.0):
    return Site(
        site_id,
        site_id,
        core,
        buffer_ring(core, buffer_m),
        Designation(DesignationKind.NATIONAL),
        Provenance(GeometryPrecision.DIGITISED),
    )


def event(event_id, lon, lat, *, kind=EventType.SHELLING, precision_m=10.0):
    return ConflictEvent(
        "test",
        str(event_id),
        date(2017, 3, 1),
        date(2017, 3, 1),
        DatePrecision.DAY,
        lon,
        lat,
        precision_m,
        kind,
        "test",
    )


CENTRES = [
    (38.27, 34.55),
    (179.9999, -16.5),
    (-179.9999, 60.0),
    (20.0, 79.9),
    (0.0, -79.9),
    (-70.0, 0.0),
]


@pytest.mark.parametrize(
    "lon, lat",
    CENTRES,
    ids=["palmyra", "east-of-180", "west-of-180", "north-79.9", "south-79.9", "equator"],
)
def test_distances_agree_with_the_geodesic_within_a_thousandth_up_to_100_km(lon, lat):
    tiny = site("s", geodesic_circle(lon, lat, 1.0, 72))  # 1 m: its distance is the centre's - 1 m
    rng = np.random.default_rng(7)
    azimuths, truth = rng.uniform(0, 360, 300), rng.uniform(200.0, 99_000.0, 300)
    lons, lats, _ = GEOD.fwd(np.full(300, lon), np.full(300, lat), azimuths, truth)
    events = [event(i, x, y) for i, (x, y) in enumerate(zip(lons, lats, strict=True))]
    found = {
        e.event_ref: e.distance_m for e in match_events(build_site_index([tiny]), events, WIDE)
    }
    assert len(found) == 300  # none missed across the antimeridian or near the poles' limit
    measured = np.array([found[f"test:{i}"] for i in range(300)])
    assert np.max(np.abs(measured - (truth - 1.0)) / (truth - 1.0)) < 1e-3


def test_zones_core_buffer_and_vicinity():
    palmyra = site("palmyra", geodesic_circle(38.27, 34.55, 1000.0))
    inside = event("in", 38.27, 34.55)
    buffer_lon, buffer_lat, _ = GEOD.fwd(38.27, 34.55, 90, 2000)
    near_lon, near_lat, _ = GEOD.fwd(38.27, 34.55, 90, 8000)
    far_lon, far_lat, _ = GEOD.fwd(38.27, 34.55, 90, 40_000)
    exposures = match_events(
        build_site_index([palmyra]),
        [
            inside,
            event("buffer", buffer_lon, buffer_lat),
            event("near", near_lon, near_lat),
            event("far", far_lon, far_lat),
        ],
        RISK_MODEL,
    )
    zones = {e.event_ref: (e.zone, round(e.distance_m)) for e in exposures}
    assert zones["test:in"] == (Zone.CORE, 0)
    assert zones["test:buffer"][0] is Zone.BUFFER and zones["test:near"][0] is Zone.VICINITY
    assert "test:far" not in zones  # beyond a shelling's 20 km reach


def test_reach_depends_on_the_event_type():
    palmyra = site("palmyra", geodesic_circle(38.27, 34.55, 500.0))
    lon, lat, _ = GEOD.fwd(38.27, 34.55, 0, 12_000)
    events = [
        event("strike", lon, lat, kind=EventType.AIRSTRIKE),
        event("protest", lon, lat, kind=EventType.UNREST),
    ]
    refs = {e.event_ref for e in match_events(build_site_index([palmyra]), events, RISK_MODEL)}
    assert refs == {"test:strike"}


def test_an_imprecise_location_is_never_a_core_hit_and_a_coarse_one_never_matches():
    palmyra = site("palmyra", geodesic_circle(38.27, 34.55, 1000.0))
    district = event("district", 38.27, 34.55, precision_m=25_000.0)
    province = event("province", 38.27, 34.55, precision_m=150_000.0)
    (exposure,) = match_events(build_site_index([palmyra]), [district, province], RISK_MODEL)
    assert exposure.event_ref == "test:district"
    assert exposure.is_uncertain and exposure.zone is Zone.VICINITY


def test_unlocated_sites_never_match_and_sites_across_the_antimeridian_do():
    from shapely.geometry import MultiPolygon

    unlocated = Site(
        "nowhere",
        "nowhere",
        MultiPolygon(),
        MultiPolygon(),
        Designation(DesignationKind.NATIONAL),
        Provenance(GeometryPrecision.UNLOCATED),
    )
    taveuni = site(
        "taveuni",
        MultiPolygon([box(179.9, -16.8, 180.0, -16.7), box(-180.0, -16.8, -179.9, -16.7)]),
    )
    events = [
        event("east", -179.95, -16.75),
        event("west", 179.95, -16.75),
        event("off", 179.0, -16.75),
    ]
    exposures = match_events(build_site_index([unlocated, taveuni]), events, RISK_MODEL)
    assert {(e.site_id, e.event_ref, e.zone) for e in exposures} == {
        ("taveuni", "test:east", Zone.CORE),
        ("taveuni", "test:west", Zone.CORE),
    }


def test_an_empty_registry_matches_nothing():
    assert match_events(build_site_index([]), [event("x", 38.27, 34.55)], RISK_MODEL) == []


def test_a_site_across_many_grid_cells_is_matched_once_per_event_with_exact_distances():
    # 1.2° by 1.0°: listed in about twenty 0.25° cells, and far from flat across its width.
    large = site("large", box(38.0, 34.0, 39.2, 35.0), buffer_m=5000.0)
    inside = event("inside", 38.6, 34.5)
    lon, lat, _ = GEOD.fwd(39.2, 34.5, 90.0, 15_000.0)  # 15 km east of the east edge
    exposures = match_events(build_site_index([large]), [inside, event("east", lon, lat)], WIDE)
    by_ref = {e.event_ref: e for e in exposures}
    assert len(exposures) == 2
    assert by_ref["test:inside"].zone is Zone.CORE
    assert by_ref["test:east"].distance_m == pytest.approx(15_000.0, rel=1e-3)


def test_each_part_of_a_serial_site_is_measured_where_it_is():
    # Two parts 300 km apart: an event beside either part is that close to the site.
    west = geodesic_circle(36.0, 34.0, 500.0)
    east_lon, east_lat, _ = GEOD.fwd(36.0, 34.0, 90.0, 300_000.0)
    east = geodesic_circle(east_lon, east_lat, 500.0)
    from shapely.geometry import MultiPolygon

    serial = site("serial", MultiPolygon([*west.geoms, *east.geoms]))
    near_lon, near_lat, _ = GEOD.fwd(east_lon, east_lat, 200.0, 3_500.0)
    (exposure,) = match_events(build_site_index([serial]), [event("e", near_lon, near_lat)], WIDE)
    assert exposure.distance_m == pytest.approx(3_000.0, rel=1e-3)
