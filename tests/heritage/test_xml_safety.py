"""Entity bombs and external entities in the XML the monitor reads: RSS/Atom reports, KML, KMZ.

Each is refused or inert: no entity grows the document, no local file is read into it, and
nothing is fetched (a loopback server watches for requests).
"""

from __future__ import annotations

import http.server
import threading
import zipfile

import pytest

from heritage.errors import InvalidInputError
from heritage.geoparse.intake import read_reports
from heritage.site_files import read_site_records

SECRET = "TOP-SECRET-LINE-41"
LAUGHS = '<!ENTITY lol0 "lololololololololololololololololololololol">' + "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
)  # &lol9; is 10^9 times "lol..."


class _Watcher(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _Watcher.requests.append(self.path)
        body = b'<!ENTITY x "fetched">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="module")
def watcher():
    """A server on loopback that records any request an external entity would make."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Watcher)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def _doctypes(secret_file, watcher) -> dict[str, str]:
    """Document type declarations, by attack, for a root element named ROOT."""
    return {
        "billion-laughs": f"<!DOCTYPE ROOT [{LAUGHS}]>",
        "file-entity": f'<!DOCTYPE ROOT [<!ENTITY lol9 SYSTEM "file://{secret_file}">]>',
        "http-entity": f'<!DOCTYPE ROOT [<!ENTITY lol9 SYSTEM "{watcher}/entity">]>',
        "parameter-entity": f'<!DOCTYPE ROOT [<!ENTITY % p SYSTEM "{watcher}/dtd"> %p;]>',
        "external-dtd": f'<!DOCTYPE ROOT SYSTEM "{watcher}/external.dtd">',
    }


ATTACKS = ["billion-laughs", "file-entity", "http-entity", "parameter-entity", "external-dtd"]


def _feed(doctype: str) -> bytes:
    uses = "&lol9;" if "lol9" in doctype else ""
    return (
        f'<?xml version="1.0"?>{doctype.replace("ROOT", "rss")}<rss version="2.0"><channel>'
        f"<title>News</title><item><title>Shelling near Palmyra {uses}</title>"
        f"<description>Shelling hit the town of Palmyra. {uses}</description></item>"
        "</channel></rss>"
    ).encode()


def _kml(doctype: str) -> str:
    uses = "&lol9;" if "lol9" in doctype else ""
    return (
        f'<?xml version="1.0"?>{doctype.replace("ROOT", "kml")}'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        f'<name>Palmyra {uses}</name><ExtendedData><Data name="id"><value>palmyra</value>'
        "</Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        "38.26,34.55 38.28,34.55 38.28,34.56 38.26,34.55</coordinates></LinearRing>"
        "</outerBoundaryIs></Polygon></Placemark></Document></kml>"
    )


def _outcome(read) -> str:
    """'refused', or what was read, as text, to search for the secret and growth."""
    try:
        return repr(read())
    except InvalidInputError:
        return "refused"


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_hostile_feed_is_refused_or_inert(attack, secret_file, watcher):
    _Watcher.requests.clear()
    data = _feed(_doctypes(secret_file, watcher)[attack])
    outcome = _outcome(lambda: read_reports(data, source="feed.xml"))

    assert SECRET not in outcome and "fetched" not in outcome and len(outcome) < 2_000
    assert _Watcher.requests == []
    if "ENTITY" in data.decode():  # any entity declaration is refused outright
        assert outcome == "refused"


def test_an_rss_bomb_ingested_as_a_report_fails_with_the_reason(runner, tmp_path, watcher):
    path = tmp_path / "feed.xml"
    path.write_bytes(_feed(f"<!DOCTYPE rss [{LAUGHS}]>"))
    result = runner.invoke(args=["reports", "ingest", str(path)])

    assert result.exit_code == 1
    assert "feed refused: EntitiesForbidden (entity declarations are not allowed)" in result.output


def test_feed_bytes_are_never_taken_for_a_file_name(tmp_path, monkeypatch):
    # feedparser opens bytes that name an existing file and parses that file instead.
    data = b'<rss version="2.0"/>'
    monkeypatch.chdir(tmp_path)
    (tmp_path / '<rss version="2.0"').mkdir()
    (tmp_path / '<rss version="2.0"' / ">").write_bytes(_feed(""))
    with pytest.raises(InvalidInputError, match="the feed has no entries with text"):
        read_reports(data, source="feed.xml")


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_a_hostile_kml_or_kmz_site_file_is_refused_or_inert(
    attack, suffix, tmp_path, secret_file, watcher
):
    _Watcher.requests.clear()
    kml = _kml(_doctypes(secret_file, watcher)[attack])
    path = tmp_path / f"sites{suffix}"
    if suffix == ".kml":
        path.write_text(kml)
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("doc.kml", kml)
    outcome = _outcome(lambda: read_site_records(path))

    assert SECRET not in outcome and "fetched" not in outcome and len(outcome) < 2_000
    assert _Watcher.requests == []
