"""Storage contract for the site registry, run on SQLite and on PostgreSQL."""

import dataclasses
from datetime import timedelta

import geometries as zoo
import numpy as np
import pytest
import shapely
from alembic import command
from shapely.geometry import MultiPolygon, Point, Polygon, box
from site_files_zoo import write_geojson
from sqlalchemy import func, select

from heritage import pipeline
from heritage.errors import ConflictError, InvalidInputError, NotFoundError
from heritage.geo import generalise
from heritage.runtime import build_runtime
from heritage.store import sites as site_store
from heritage.store.session import _alembic_config, migrate, session_factory
from heritage.store.tables import registry_imports, site_geometry_history

PALMYRA = {
    "id": "palmyra",
    "name": "Site of Palmyra",
    "countries": ["SY"],
    "unesco_id": 23,
    "in_danger": True,
    "in_danger_since": 2013,
    "names": [{"name": "تدمر", "lang": "ar"}, {"name": "Tadmur", "lang": "ar-Latn"}],
}
BOSRA = {"id": "bosra", "name": "Ancient City of Bosra", "countries": ["SY"], "unesco_id": 22}
PETRA = {"id": "petra", "name": "Petra", "countries": ["JO"], "unesco_id": 326}
TAVEUNI = {
    "id": "taveuni",
    "name": "Taveuni test site",
    "countries": ["FJ"],
    "designation": "national",
}


def _write(tmp_path, features, name="sites.geojson"):
    return write_geojson(tmp_path / name, features)


def _registry(tmp_path):
    return _write(
        tmp_path,
        [
            (PALMYRA, zoo.PALMYRA_SQUARE),
            (BOSRA, box(36.47, 32.51, 36.49, 32.52)),
            (PETRA, box(35.43, 30.31, 35.46, 30.34)),
            (TAVEUNI, zoo.ACROSS_ANTIMERIDIAN),
        ],
    )


def _import(session, path, settings, clock):
    return pipeline.import_site_files(session, path, settings, now=clock())


def test_import_stores_every_fact_of_a_site(session, settings, clock, tmp_path):
    result = _import(session, _registry(tmp_path), settings, clock)
    assert sorted(result.created) == ["bosra", "palmyra", "petra", "taveuni"]
    stored = site_store.get_site(session, "palmyra")
    site = stored.site
    assert (stored.version, stored.created_at) == (1, clock())
    assert [(n.name, n.lang) for n in site.names] == [("تدمر", "ar"), ("Tadmur", "ar-Latn")]
    assert site.countries == ("SY",) and site.designation.in_danger_since == 2013
    assert site.core_zone.symmetric_difference(zoo.PALMYRA_SQUARE).area < 1e-12
    assert stored.created_at.tzinfo is not None


def test_reimporting_the_same_file_changes_nothing(session, settings, clock, tmp_path):
    path = _registry(tmp_path)
    _import(session, path, settings, clock)
    clock.now += timedelta(days=1)
    again = _import(session, path, settings, clock)
    assert again.created == [] and again.updated == []
    assert sorted(again.unchanged) == ["bosra", "palmyra", "petra", "taveuni"]
    stored = site_store.get_site(session, "palmyra")
    assert stored.version == 1 and stored.updated_at == clock.now - timedelta(days=1)


def test_changed_feature_updates_its_site_in_place_and_keeps_the_earlier_geometry(
    session, settings, clock, tmp_path
):
    _import(session, _registry(tmp_path), settings, clock)
    first_import = clock()
    clock.now += timedelta(days=3)
    bigger = box(38.26, 34.54, 38.29, 34.56)
    result = _import(session, _write(tmp_path, [(PALMYRA, bigger)], "v2.geojson"), settings, clock)
    assert result.updated == ["palmyra"]
    stored = site_store.get_site(session, "palmyra")
    assert stored.version == 2 and stored.site.core_zone.contains(Point(38.285, 34.558))
    history = site_store.geometry_history(session, "palmyra")
    assert [h.version for h in history] == [1, 2]
    assert history[0].core_zone.symmetric_difference(zoo.PALMYRA_SQUARE).area < 1e-12
    assert (history[0].valid_from, history[0].valid_until) == (first_import, clock.now)
    assert history[1].valid_until is None
    # a change of facts only bumps the version without a new geometry entry
    clock.now += timedelta(days=1)
    renamed = {**PALMYRA, "name": "Palmyra (Tadmur)"}
    _import(session, _write(tmp_path, [(renamed, bigger)], "v3.geojson"), settings, clock)
    assert site_store.get_site(session, "palmyra").version == 3
    assert (
        session.execute(select(func.count()).select_from(site_geometry_history)).scalar_one() == 1
    )


def test_a_bad_file_changes_nothing_already_stored(session, settings, clock, tmp_path):
    _import(session, _registry(tmp_path), settings, clock)
    bad = _write(
        tmp_path,
        [
            ({**PALMYRA, "name": "Changed"}, zoo.PALMYRA_SQUARE),
            ({"id": "broken", "name": "Broken"}, zoo.SWAPPED_OUT_OF_RANGE),
        ],
        "bad.geojson",
    )
    with pytest.raises(InvalidInputError, match="bad.geojson, feature index 1"):
        _import(session, bad, settings, clock)
    assert site_store.get_site(session, "palmyra").site.name == "Site of Palmyra"
    with pytest.raises(NotFoundError):
        site_store.get_site(session, "broken")
    assert session.execute(select(func.count()).select_from(registry_imports)).scalar_one() == 1


def test_a_failure_while_writing_rolls_the_whole_import_back(session, settings, clock, tmp_path):
    _import(session, _registry(tmp_path), settings, clock)
    # 'aaa-new' would be written first; the duplicate UNESCO id of 'zz-clash' fails afterwards.
    clash = _write(
        tmp_path,
        [
            ({"id": "aaa-new", "name": "New"}, box(10, 10, 10.01, 10.01)),
            ({"id": "zz-clash", "name": "Clash", "unesco_id": 23}, box(11, 11, 11.01, 11.01)),
        ],
        "clash.geojson",
    )
    with pytest.raises(ConflictError, match="UNESCO id 23, which site 'palmyra' already has"):
        _import(session, clash, settings, clock)
    with pytest.raises(NotFoundError):
        site_store.get_site(session, "aaa-new")


def test_duplicate_unesco_ids_within_a_file_are_refused(session, settings, clock, tmp_path):
    path = _write(
        tmp_path,
        [
            (PALMYRA, zoo.PALMYRA_SQUARE),
            ({**BOSRA, "unesco_id": 23}, box(36.47, 32.51, 36.49, 32.52)),
        ],
    )
    with pytest.raises(InvalidInputError, match="UNESCO id also given to site 'palmyra'"):
        _import(session, path, settings, clock)


@pytest.mark.parametrize(
    "query, expected",
    [
        (site_store.SiteQuery(), ["bosra", "palmyra", "petra", "taveuni"]),
        (site_store.SiteQuery(country="sy"), ["bosra", "palmyra"]),
        (site_store.SiteQuery(in_danger=True), ["palmyra"]),
        (site_store.SiteQuery(in_danger=False), ["bosra", "petra", "taveuni"]),
        (site_store.SiteQuery(designation="national"), ["taveuni"]),
        (site_store.SiteQuery(bbox=(38.0, 34.0, 39.0, 35.0)), ["palmyra"]),
        (site_store.SiteQuery(bbox=(35.0, 30.0, 37.0, 33.0)), ["bosra", "petra"]),
        (site_store.SiteQuery(bbox=(179.0, -17.0, -179.0, -16.0)), ["taveuni"]),  # antimeridian
        (site_store.SiteQuery(bbox=(-179.95, -16.8, -179.9, -16.7)), ["taveuni"]),
        (site_store.SiteQuery(bbox=(0.0, 0.0, 1.0, 1.0)), []),
        (site_store.SiteQuery(country="SY", bbox=(35.0, 30.0, 37.0, 33.0)), ["bosra"]),
    ],
)
def test_listing_filters(session, settings, clock, tmp_path, query, expected):
    _import(session, _registry(tmp_path), settings, clock)
    stored, total = site_store.list_sites(session, query, limit=100, offset=0)
    assert [s.site.id for s in stored] == expected and total == len(expected)


def test_paging_returns_every_site_once_in_id_order(session, settings, clock, tmp_path):
    _import(session, _registry(tmp_path), settings, clock)
    seen = []
    for offset in range(0, 4, 3):
        page, total = site_store.list_sites(session, site_store.SiteQuery(), limit=3, offset=offset)
        seen += [s.site.id for s in page]
        assert total == 4
    assert seen == ["bosra", "palmyra", "petra", "taveuni"]


def test_sensitive_site_cannot_be_located_finer_than_its_generalised_area(
    session, settings, clock, tmp_path
):
    hidden = {"id": "hidden-tell", "name": "Hidden tell", "sensitive": True}
    _import(
        session, _write(tmp_path, [(hidden, box(40.012, 35.012, 40.014, 35.014))]), settings, clock
    )
    probe = (40.03, 35.03, 40.04, 35.04)  # empty land a few km from the true outline
    exact, _ = site_store.list_sites(session, site_store.SiteQuery(bbox=probe), limit=10, offset=0)
    public, _ = site_store.list_sites(
        session,
        site_store.SiteQuery(bbox=probe),
        limit=10,
        offset=0,
        sensitive_grid_deg=settings.sensitive_grid_deg,
    )
    assert exact == [] and [s.site.id for s in public] == ["hidden-tell"]


def test_unknown_site_is_not_found(session):
    with pytest.raises(NotFoundError, match="no site with id 'atlantis'"):
        site_store.get_site(session, "atlantis")


def test_vulnerability_and_sensitive_round_trip(session, settings, clock, tmp_path):
    props = {**BOSRA, "vulnerability": 1.4, "sensitive": True}
    _import(session, _write(tmp_path, [(props, box(36.47, 32.51, 36.49, 32.52))]), settings, clock)
    site = site_store.get_site(session, "bosra").site
    assert dataclasses.astuple(site.designation)[1] == 22
    assert site.vulnerability == pytest.approx(1.4) and site.sensitive is True


def test_sqlite_runs_in_wal_mode(tmp_path, settings, clock):
    rt = build_runtime(settings, f"sqlite:///{tmp_path / 'wal.sqlite3'}", clock)
    migrate(rt.engine)
    with rt.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
    rt.engine.dispose()
    assert mode == "wal"


def test_a_bbox_across_a_sites_bounds_but_not_its_zones_does_not_find_it(
    session, settings, clock, tmp_path
):
    triangle = Polygon([(40.0, 35.0), (40.2, 35.0), (40.0, 35.2)])
    _import(session, _write(tmp_path, [(BOSRA, triangle)]), settings, clock)

    def found(bbox):
        stored, total = site_store.list_sites(
            session, site_store.SiteQuery(bbox=bbox), limit=10, offset=0
        )
        return [s.site.id for s in stored], total

    assert found((40.17, 35.17, 40.21, 35.21)) == ([], 0)  # inside the bounds, ~10 km off
    assert found((40.02, 35.02, 40.05, 35.05)) == (["bosra"], 1)  # across the core's edge
    assert found((39.0, 34.0, 41.0, 36.0)) == (["bosra"], 1)  # the whole site inside


def test_a_moved_site_is_found_at_its_new_place_and_no_longer_at_the_old(
    session, settings, clock, tmp_path
):
    _import(session, _registry(tmp_path), settings, clock)
    moved = box(36.0, 31.0, 36.01, 31.01)
    _import(session, _write(tmp_path, [(PALMYRA, moved)], "moved.geojson"), settings, clock)
    old = site_store.SiteQuery(bbox=(38.0, 34.0, 39.0, 35.0))
    new = site_store.SiteQuery(bbox=(35.9, 30.9, 36.1, 31.1))
    assert site_store.list_sites(session, old, limit=10, offset=0) == ([], 0)
    stored, _ = site_store.list_sites(session, new, limit=10, offset=0)
    assert [s.site.id for s in stored] == ["palmyra"]


def test_bbox_results_are_paged_in_id_order_with_the_full_count(session, settings, clock, tmp_path):
    _import(session, _registry(tmp_path), settings, clock)
    query = site_store.SiteQuery(bbox=(30.0, 29.0, 40.0, 36.0))
    first, total = site_store.list_sites(session, query, limit=2, offset=0)
    rest, _ = site_store.list_sites(session, query, limit=2, offset=2)
    assert total == 3
    assert [s.site.id for s in first + rest] == ["bosra", "palmyra", "petra"]


def test_sites_stored_before_the_spatial_index_existed_are_found_after_the_upgrade(
    database_url, settings, clock, tmp_path
):
    rt = build_runtime(settings, database_url, clock)
    command.upgrade(_alembic_config(rt.engine), "0006")
    with session_factory(rt.engine)() as session:  # rt.session() refuses an old schema
        _import(session, _registry(tmp_path), settings, clock)
        session.commit()
    migrate(rt.engine)
    with rt.session() as session:
        query = site_store.SiteQuery(bbox=(35.0, 30.0, 37.0, 33.0))
        stored, total = site_store.list_sites(session, query, limit=10, offset=0)
    rt.engine.dispose()
    assert [s.site.id for s in stored] == ["bosra", "petra"] and total == 2


def test_a_bbox_finds_exactly_the_sites_whose_published_zones_meet_it(
    session, settings, clock, tmp_path
):
    """Against the geometry a reader sees: sensitive sites by their generalised area, the
    rest by their zones; sites of one part or two, small boxes and large ones."""
    rng = np.random.default_rng(7)
    features = []
    for i in range(40):
        lon, lat = rng.uniform(36.0, 38.0), rng.uniform(33.0, 35.0)
        size = rng.uniform(0.002, 0.05)
        zone = box(lon, lat, lon + size, lat + size)
        if i % 3 == 0:  # a second part some way off
            dx, dy = rng.uniform(0.05, 0.2, 2)
            zone = MultiPolygon([zone, box(lon + dx, lat + dy, lon + dx + size, lat + dy + size)])
        props = {"id": f"site-{i:02d}", "name": f"Site {i}", "sensitive": i % 4 == 0}
        features.append((props, zone))
    _import(session, _write(tmp_path, features), settings, clock)
    grid = settings.sensitive_grid_deg
    published = {}
    for item in site_store.list_sites(session, site_store.SiteQuery(), limit=100, offset=0)[0]:
        site = item.site
        zones = shapely.union(site.core_zone, site.buffer_zone)
        published[site.id] = generalise(zones, grid) if site.sensitive else zones
    assert sum(1 for f in features if f[0]["sensitive"]) == 10

    for _ in range(80):
        west, south = rng.uniform(35.8, 38.2), rng.uniform(32.8, 35.2)
        width, height = rng.choice([0.01, 0.05, 0.2, 1.0], 2) * rng.uniform(0.5, 1.5, 2)
        bbox = (west, south, west + width, south + height)
        keys, total = site_store.list_site_keys(
            session, site_store.SiteQuery(bbox=bbox), limit=100, offset=0, sensitive_grid_deg=grid
        )
        expected = sorted(k for k, zone in published.items() if zone.intersects(box(*bbox)))
        assert [key.id for key in keys] == expected and total == len(expected), bbox
