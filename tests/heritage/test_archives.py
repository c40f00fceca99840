"""Hostile archives, built in tmp_path, against every reader that opens zip or gzip files."""

from __future__ import annotations

import gzip
import stat
import struct
import zipfile

import pytest

from heritage.archives import (
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_UNPACKED_BYTES,
    RATIO_FLOOR_BYTES,
    open_gzip,
    open_zip,
)
from heritage.errors import InvalidInputError
from heritage.geoparse.gazetteer import read_geonames_dump
from heritage.ingest.reader import open_event_file
from heritage.site_files import read_site_records

BOMB_BYTES = RATIO_FLOOR_BYTES + 4 * 1024**2  # zeros: about 1000:1 deflated
KML = (
    '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
    "<name>Palmyra</name><Point><coordinates>38.27,34.55</coordinates></Point></Placemark>"
    "</Document></kml>"
)


def _zip(path, members: dict[str, bytes | str]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _symlink_zip(path, name: str, target: str):
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix, where the mode bits in external_attr mean something
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, target)
    return path


def _readers():
    """Each reader of zip archives, with the member name it looks for."""
    return [
        pytest.param(lambda p: read_site_records(p), ".kmz", "doc.kml", id="kmz"),
        pytest.param(lambda p: read_site_records(p), ".zip", "sites.shp", id="shapefile-zip"),
        pytest.param(lambda p: list(read_geonames_dump(p)), ".zip", "SY.txt", id="geonames"),
    ]


def test_a_plain_archive_opens(tmp_path):
    path = _zip(tmp_path / "ok.zip", {"a/readme.txt": "hello", "a/b.txt": "x" * 1000})
    with open_zip(path) as archive:
        assert archive.read("a/b.txt") == b"x" * 1000


@pytest.mark.parametrize("read, suffix, member", _readers())
def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, read, suffix, member):
    path = _zip(tmp_path / f"bomb{suffix}", {member: b"\0" * BOMB_BYTES})
    with pytest.raises(InvalidInputError) as refused:
        read(path)
    message = str(refused.value)
    assert "decompression bomb" in message and f"member {member!r}" in message
    assert f"at most {MAX_RATIO}:1" in message and str(path) in message


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../evil.kml", "climbs out of the archive"),
        ("sites/../../evil.kml", "climbs out of the archive"),
        ("..\\evil.kml", "climbs out of the archive"),
        ("/etc/evil.kml", "an absolute path"),
        ("C:/Windows/evil.kml", "an absolute path"),
    ],
)
@pytest.mark.parametrize("read, suffix, member", _readers())
def test_member_paths_outside_the_archive_are_refused(tmp_path, name, reason, read, suffix, member):
    path = _zip(tmp_path / f"paths{suffix}", {member: KML, name: KML})
    with pytest.raises(InvalidInputError, match=reason):
        read(path)


@pytest.mark.parametrize("read, suffix, member", _readers())
def test_symbolic_links_are_refused(tmp_path, read, suffix, member):
    path = _symlink_zip(tmp_path / f"link{suffix}", member, "/etc/passwd")
    with pytest.raises(InvalidInputError, match=f"member '{member}'.*a symbolic link"):
        read(path)


def test_too_many_members_are_refused(tmp_path):
    path = tmp_path / "many.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("doc.kml", KML)
        for number in range(MAX_MEMBERS):
            archive.writestr(f"icons/{number}.png", b"")
    with pytest.raises(InvalidInputError, match=f"{MAX_MEMBERS + 1:,} members"):
        read_site_records(path)


def test_members_that_unpack_to_too_much_in_all_are_refused(tmp_path):
    # Three members each declaring 2 GB from 30 MB (70:1, under the ratio limit): only the
    # central directory is altered, since nothing is read once the directory is refused.
    path = _zip(tmp_path / "SY.zip", {f"part{n}.txt": b"x" for n in range(3)})
    data = bytearray(path.read_bytes())
    start = 0
    for _ in range(3):
        start = data.index(b"PK\x01\x02", start)
        struct.pack_into("<II", data, start + 20, 30 * 1024**2, 2 * 1024**3)
        start += 4
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInputError, match=f"more than {MAX_UNPACKED_BYTES:,} bytes"):
        next(read_geonames_dump(path))


def test_a_member_that_lies_about_its_size_is_cut_short_for_gdal(tmp_path):
    # GDAL's /vsizip/ would read on past the declared size; members are unpacked by Python,
    # which stops there (and the CRC no longer matches).
    kml = KML.replace("<name>Palmyra</name>", "<name>" + "P" * BOMB_BYTES + "</name>")
    path = _zip(tmp_path / "liar.kmz", {"doc.kml": kml})
    data = bytearray(path.read_bytes())
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        struct.pack_into("<I", data, data.index(header) + offset, 1000)
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInputError, match="cannot read the file: Bad CRC-32"):
        read_site_records(path)


def test_a_gzip_bomb_stops_at_a_hundred_times_its_size(tmp_path):
    path = tmp_path / "events.csv.gz"
    path.write_bytes(gzip.compress(b"id,date,lon,lat\n" + b"x" * BOMB_BYTES))  # one long row
    events = open_event_file(path, fmt="csv", mapping={"id": "id", "date": "date"})
    with pytest.raises(InvalidInputError, match="gzip file refused.*decompression bomb"):
        for _chunk in events.chunks:
            pass
    json_path = tmp_path / "events.geojson.gz"
    json_path.write_bytes(gzip.compress(b" " * BOMB_BYTES + b"{}"))
    with pytest.raises(InvalidInputError, match=f"more than {RATIO_FLOOR_BYTES:,} bytes"):
        open_event_file(json_path)


def test_an_ordinary_gzip_reads_whole(tmp_path):
    path = tmp_path / "events.csv.gz"
    text = b"".join(b"SYR%d,2024-01-02,38.27,34.55\n" % n for n in range(50_000))
    path.write_bytes(gzip.compress(text))
    with open_gzip(path) as stream:
        assert stream.read() == text
