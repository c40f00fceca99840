"""Every file the project ships in sites/ and seeds/ loads, and the registry is what it promises."""

from pathlib import Path

import pytest
from shapely.geometry import Point

from heritage.domain import GeometryPrecision
from heritage.registry import build_sites
from heritage.site_files import read_site_records

REPO = Path(__file__).resolve().parents[1]
REQUIRED_IDS = (
    "palmyra aleppo damascus bosra crac-des-chevaliers northern-syria-villages hatra ashur "
    "samarra erbil-citadel babylon nimrud sanaa shibam zabid leptis-magna sabratha cyrene "
    "ghadames timbuktu djenne askia kyiv-saint-sophia lviv odesa hebron bethlehem baalbek "
    "byblos tyre anjar bamiyan jam meroe petra"
).split()


@pytest.fixture(scope="module")
def registry():
    from heritage.config import Settings

    sites, report = build_sites(read_site_records(REPO / "sites"), Settings())
    return {s.id: s for s in sites}, report


@pytest.mark.parametrize("path", sorted((REPO / "sites").glob("*.geojson")), ids=lambda p: p.name)
def test_every_shipped_site_file_loads_on_its_own(path):
    from heritage.config import Settings

    sites, report = build_sites(read_site_records(path), Settings())
    assert sites and report.repairs == []


def test_the_registry_has_every_promised_site_with_sources(registry):
    sites, _ = registry
    assert set(REQUIRED_IDS) <= set(sites)
    for site in sites.values():
        assert site.countries, site.id
        assert site.provenance.sources.get("geometry"), site.id
        assert not site.core_zone.is_empty, site.id


def test_palmyra_is_digitised_around_its_landmarks(registry):
    palmyra = registry[0]["palmyra"]
    assert palmyra.provenance.geometry_precision is GeometryPrecision.DIGITISED
    assert palmyra.designation.unesco_id == 23 and palmyra.designation.in_danger
    for lon, lat in [(38.2740, 34.5477), (38.2673, 34.5513), (38.2590, 34.5560)]:
        assert palmyra.core_zone.contains(Point(lon, lat))
    assert {n.lang for n in palmyra.names} >= {"ar", "ar-Latn"}


def test_nimrud_is_on_the_tentative_list(registry):
    nimrud = registry[0]["nimrud"]
    assert nimrud.designation.kind.value == "tentative"
    assert nimrud.core_zone.contains(Point(43.329, 36.098))


def test_seed_report_keeps_its_exact_bytes():
    text = (REPO / "seeds" / "palmyra-joint-attack-report.txt").read_text(encoding="utf-8")
    assert "Palmyra" in text and "Et-Tanf" in text
    assert "V\u0435rshinin" in text  # the Cyrillic 'е' the geoparser must cope with
