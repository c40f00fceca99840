"""The gazetteer kept in a file: read back when its inputs are the same, rebuilt when not."""

from pathlib import Path

import pytest

from heritage.config import Settings
from heritage.geoparse.cache import cache_path, load_or_build
from heritage.geoparse.gazetteer import Alias, Place, PlaceKind
from heritage.registry import build_sites
from heritage.site_files import read_site_records

REPO = Path(__file__).resolve().parents[2]
AT_TANF = Place("gn:7910543", "At Tanf", 38.6625, 33.4906, PlaceKind.POPULATED, "SY")
TEXT = "Wounded were flown to Et-Tanf after fighting near Palmyra."


@pytest.fixture(scope="module")
def sites():
    sites, _ = build_sites(read_site_records(REPO / "sites"), Settings())
    return sites


def _load(folder, sites, places=(AT_TANF,), aliases=()):
    return load_or_build(folder, sites, places, aliases, with_standard_places=False)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("gazetteer-*.pickle"))


def _surfaces(gazetteer) -> list[str]:
    return [m.surface for m in gazetteer.find(TEXT)]


def test_the_first_call_builds_and_writes_the_gazetteer_the_next_reads_it(tmp_path, sites):
    built = _load(tmp_path, sites)
    (written,) = _files(tmp_path)
    before = written.stat().st_mtime_ns

    read = _load(tmp_path, sites)

    assert _files(tmp_path) == [written] and written.stat().st_mtime_ns == before
    assert _surfaces(read) == _surfaces(built) == ["Et-Tanf", "Palmyra"]
    assert len(read) == len(built) and read.key_count == built.key_count


def test_new_inputs_give_a_new_file_and_the_stale_one_goes(tmp_path, sites):
    _load(tmp_path, sites)
    (old,) = _files(tmp_path)

    gazetteer = _load(tmp_path, sites, aliases=[Alias("Qasr Tanf", place_id=AT_TANF.id)])

    (new,) = _files(tmp_path)
    assert new != old and not old.exists()
    assert [m.surface for m in gazetteer.find("Shelling near Qasr Tanf.")] == ["Qasr Tanf"]


@pytest.mark.parametrize(
    "change",
    [
        {"places": ()},
        {"places": (AT_TANF, Place("alias:1", "Camp X", 38.0, 33.0, PlaceKind.FACILITY, "SY"))},
        {"aliases": [Alias("Tanf base", place_id=AT_TANF.id)]},
    ],
)
def test_each_input_is_part_of_the_file_name(tmp_path, sites, change):
    same = cache_path(tmp_path, sites, [AT_TANF], [], with_standard_places=False)
    options = {"places": [AT_TANF], "aliases": [], **change}
    other = cache_path(tmp_path, sites, list(options["places"]), options["aliases"])

    assert same == cache_path(tmp_path, sites, [AT_TANF], [], with_standard_places=False)
    assert other != same
    assert cache_path(tmp_path, sites[1:], [AT_TANF], [], with_standard_places=False) != same


def test_a_changed_source_file_makes_the_file_stale(tmp_path, sites, monkeypatch):
    source = tmp_path / "geoparse"
    source.mkdir()
    (source / "names.py").write_text("RULES = 1\n")
    monkeypatch.setattr("heritage.geoparse.cache._SOURCES", (source,))
    first = cache_path(tmp_path, sites, [], [])

    (source / "names.py").write_text("RULES = 2\n")

    assert cache_path(tmp_path, sites, [], []) != first


def test_an_unreadable_file_is_rebuilt_and_replaced(tmp_path, sites):
    path = cache_path(tmp_path, sites, [AT_TANF], [], with_standard_places=False)
    path.write_bytes(b"not a pickle")

    gazetteer = _load(tmp_path, sites)

    assert _surfaces(gazetteer) == ["Et-Tanf", "Palmyra"]
    assert _load(tmp_path, sites).key_count == gazetteer.key_count
    assert path.read_bytes()[:1] == b"\x80"  # a pickle now


def test_a_folder_that_cannot_be_written_only_costs_the_build(tmp_path, sites):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")

    assert _surfaces(_load(blocked / "cache", sites)) == ["Et-Tanf", "Palmyra"]
