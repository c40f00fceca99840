"""The command line (`flask --app app ...`) through Flask's CLI runner on a real database."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
import shapely
from geometries import PALMYRA_SQUARE
from shapely.geometry import Point, box, mapping, shape

from heritage.export import CSV_COLUMNS
from heritage.web import create_app

REPO = Path(__file__).resolve().parents[1]
SITES = REPO / "sites"


def feature(site_id: str, name: str | None, geometry, **properties) -> dict:
    props = {"id": site_id, **({"name": name} if name is not None else {}), **properties}
    return {"type": "Feature", "id": site_id, "geometry": mapping(geometry), "properties": props}


def write_sites(path: Path, features: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False)
    return path


def invoke(runner, *args: str):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def shipped_ids() -> set[str]:
    return {
        f["id"]
        for path in sorted(SITES.glob("*.geojson"))
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    }


def show(runner, site_id: str) -> dict:
    return json.loads(invoke(runner, "sites", "show", site_id).output)


@pytest.fixture
def fresh_app(database_url, clock):
    """The app on a database that `init-db` has never been run on."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock})
    yield app
    app.extensions["heritage"].engine.dispose()


# --- init-db and an uninitialised database -------------------------------------------------


def test_init_db_creates_the_schema_and_running_it_again_says_up_to_date(fresh_app):
    runner = fresh_app.test_cli_runner()

    first = invoke(runner, "init-db")
    second = invoke(runner, "init-db")

    assert "migrated from schema none to" in first.output
    assert "is up to date" in second.output
    assert "migrated" not in second.output
    # the database works afterwards
    assert invoke(runner, "sites", "list").output.strip().endswith("0 site(s)")


@pytest.mark.parametrize(
    "args",
    [
        ["sites", "list"],
        ["sites", "import", str(SITES)],
        ["sites", "show", "palmyra"],
        ["sites", "export", "--format", "geojson"],
        ["sites", "export", "--format", "csv"],
        ["seed", "--sites", str(SITES)],
    ],
    ids=lambda args: " ".join(a for a in args if not a.startswith("/")),
)
def test_commands_on_a_database_never_initialised_fail_saying_to_run_init_db(fresh_app, args):
    runner = fresh_app.test_cli_runner()

    result = runner.invoke(args=args)

    assert result.exit_code != 0
    assert "init-db" in result.output
    assert "Traceback" not in result.output
    # and nothing was created behind the user's back
    assert "migrated from schema none" in invoke(runner, "init-db").output


# --- sites import ----------------------------------------------------------------------------


def test_importing_the_shipped_registry_creates_every_site_and_again_changes_nothing(runner):
    expected = shipped_ids()

    first = invoke(runner, "sites", "import", str(SITES))
    second = invoke(runner, "sites", "import", str(SITES))

    n = len(expected)
    assert f"{n} record(s); {n} created, 0 updated, 0 unchanged" in first.output
    assert f"{n} record(s); 0 created, 0 updated, {n} unchanged" in second.output
    listed = invoke(runner, "sites", "list").output.splitlines()
    assert listed[-1] == f"{n} site(s)"
    assert {line.split()[0] for line in listed[:-1]} == expected


def test_sites_list_filters_by_country_and_in_danger(runner):
    invoke(runner, "sites", "import", str(SITES))

    syria = invoke(runner, "sites", "list", "--country", "sy").output.splitlines()
    jordan_safe = invoke(
        runner, "sites", "list", "--country", "JO", "--not-in-danger"
    ).output.splitlines()

    assert syria[-1] == "6 site(s)"
    assert {line.split()[0] for line in syria[:-1]} >= {"palmyra", "aleppo", "bosra"}
    assert all("in-danger" in line for line in syria[:-1])
    assert jordan_safe == [jordan_safe[0], "1 site(s)"] and jordan_safe[0].startswith("petra ")


def test_importing_a_missing_file_fails_naming_it(runner, tmp_path):
    missing = tmp_path / "nowhere.geojson"

    result = runner.invoke(args=["sites", "import", str(missing)])

    assert result.exit_code != 0
    assert str(missing) in result.output
    assert "file not found" in result.output


def test_a_bad_file_is_refused_naming_file_feature_and_field_and_nothing_changes(runner, tmp_path):
    invoke(
        runner,
        "sites",
        "import",
        str(write_sites(tmp_path / "good.geojson", [feature("alpha", "Alpha", PALMYRA_SQUARE)])),
    )
    bad = write_sites(
        tmp_path / "bad-batch.geojson",
        [
            feature("alpha", "Alpha renamed", PALMYRA_SQUARE),
            feature("beta", "Beta", box(36.0, 33.0, 36.01, 33.01)),
            feature("gamma", None, box(37.0, 33.0, 37.01, 33.01)),  # no name
        ],
    )

    result = runner.invoke(args=["sites", "import", str(bad)])

    assert result.exit_code != 0
    assert "bad-batch.geojson" in result.output
    assert "feature index 2" in result.output
    assert "'name'" in result.output
    assert "Traceback" not in result.output
    alpha = show(runner, "alpha")["properties"]
    assert (alpha["name"], alpha["version"]) == ("Alpha", 1)
    for site_id in ("beta", "gamma"):
        missing = runner.invoke(args=["sites", "show", site_id])
        assert missing.exit_code != 0
        assert f"no site with id '{site_id}'" in missing.output
    assert invoke(runner, "sites", "list").output.splitlines()[-1] == "1 site(s)"


# --- sites show ------------------------------------------------------------------------------


def test_show_prints_the_site_as_geojson_with_its_geometry_history(runner, clock):
    invoke(runner, "sites", "import", str(SITES))

    site = show(runner, "palmyra")

    assert site["type"] == "Feature" and site["id"] == "palmyra"
    assert site["geometry"]["type"] == "MultiPolygon"
    p = site["properties"]
    assert p["geometry_precision"] == "digitised"
    assert {"name": "تدمر", "lang": "ar"} in p["names"]
    assert p["geometry_history"] == [
        {
            "version": 1,
            "geometry_precision": "digitised",
            "valid_from": clock.now.isoformat(),
            "valid_until": None,
        }
    ]


def test_show_keeps_earlier_geometries_in_the_history_when_a_zone_changes(runner, tmp_path, clock):
    first_import = clock.now
    invoke(
        runner,
        "sites",
        "import",
        str(write_sites(tmp_path / "v1.geojson", [feature("tell", "Tell", PALMYRA_SQUARE)])),
    )
    clock.now = first_import + timedelta(days=30)
    redrawn = box(38.26, 34.54, 38.29, 34.56)
    invoke(
        runner,
        "sites",
        "import",
        str(
            write_sites(
                tmp_path / "v2.geojson",
                [feature("tell", "Tell", redrawn, geometry_precision="surveyed")],
            )
        ),
    )

    site = show(runner, "tell")

    assert shape(site["geometry"]).symmetric_difference(redrawn).area < 1e-9
    assert site["properties"]["version"] == 2
    assert site["properties"]["geometry_history"] == [
        {
            "version": 1,
            "geometry_precision": "digitised",
            "valid_from": first_import.isoformat(),
            "valid_until": clock.now.isoformat(),
        },
        {
            "version": 2,
            "geometry_precision": "surveyed",
            "valid_from": clock.now.isoformat(),
            "valid_until": None,
        },
    ]


def test_show_of_an_unknown_site_fails_naming_it(runner):
    result = runner.invoke(args=["sites", "show", "atlantis"])

    assert result.exit_code != 0
    assert "no site with id 'atlantis'" in result.output


# --- sites export ----------------------------------------------------------------------------


def test_csv_export_parses_and_neutralises_cells_a_spreadsheet_would_run(runner, tmp_path):
    invoke(
        runner,
        "sites",
        "import",
        str(
            write_sites(
                tmp_path / "csv.geojson",
                [
                    feature("formula", "=HYPERLINK(1)", PALMYRA_SQUARE, countries=["SY"]),
                    feature("plus", "+1+1", box(36.0, 33.0, 36.01, 33.01)),
                    feature("at", "@SUM(A1)", box(37.0, 33.0, 37.01, 33.01)),
                    feature(
                        "quoted",
                        'Tell "Hamoukar", north, 2',
                        Point(41.98, 36.81),
                        radius_m=500,
                        names=[{"name": "=cmd|' /C calc'!A0", "lang": "en"}],
                        countries=["SY"],
                    ),
                    feature(
                        "arabic",
                        "Palmyra",
                        Point(38.27, 34.55),
                        radius_m=800,
                        names=[{"name": "تدمر", "lang": "ar"}],
                    ),
                ],
            )
        ),
    )
    out = tmp_path / "registry.csv"

    invoke(runner, "sites", "export", "--format", "csv", "--output", str(out))

    text = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(csv.reader(io.StringIO(text.splitlines()[0])).__next__()) == CSV_COLUMNS
    by_id = {row["id"]: row for row in rows}
    assert sorted(by_id) == ["arabic", "at", "formula", "plus", "quoted"]
    assert by_id["formula"]["name"] == "'=HYPERLINK(1)"
    assert by_id["plus"]["name"] == "'+1+1"
    assert by_id["at"]["name"] == "'@SUM(A1)"
    assert by_id["quoted"]["name"] == 'Tell "Hamoukar", north, 2'
    assert by_id["quoted"]["names"] == "'=cmd|' /C calc'!A0@en"
    assert by_id["arabic"]["names"] == "تدمر@ar"
    for row in rows:
        assert not row["name"].startswith(("=", "+", "-", "@"))
    core = shapely.from_wkt(by_id["formula"]["wkt"])
    assert core.symmetric_difference(PALMYRA_SQUARE).area < 1e-9
    assert shapely.from_wkt(by_id["formula"]["buffer_wkt"]).geom_type == "MultiPolygon"


def test_csv_export_to_standard_output_has_a_row_per_site(runner):
    invoke(runner, "sites", "import", str(SITES))

    result = invoke(runner, "sites", "export", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {row["id"] for row in rows} == shipped_ids()


def test_geojson_export_holds_every_site_with_its_exact_zones(runner):
    invoke(runner, "sites", "import", str(SITES))

    exported = json.loads(invoke(runner, "sites", "export", "--format", "geojson").output)

    assert exported["type"] == "FeatureCollection"
    assert {f["id"] for f in exported["features"]} == shipped_ids()
    acacus = next(f for f in exported["features"] if f["id"] == "tadrart-acacus")
    # an admin's export: the sensitive site's true zones, not the published coarse area
    assert acacus["properties"]["geometry_generalised"] is False
    assert acacus["properties"]["buffer_zone"] is not None
    assert "\\u" not in json.dumps(exported, ensure_ascii=False)


def test_geojson_export_imports_into_a_fresh_database_as_the_same_sites(runner, tmp_path, clock):
    source = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite3'}",
            "CLOCK": clock,
        }
    )
    try:
        source_runner = source.test_cli_runner()
        invoke(source_runner, "init-db")
        invoke(source_runner, "sites", "import", str(SITES))
        exported_path = tmp_path / "export.geojson"
        invoke(source_runner, "sites", "export", "--format", "geojson", "-o", str(exported_path))
    finally:
        source.extensions["heritage"].engine.dispose()
    original = json.loads(exported_path.read_text(encoding="utf-8"))["features"]

    result = runner.invoke(args=["sites", "import", str(exported_path)])  # the fresh database

    assert result.exit_code == 0, result.output
    again = json.loads(invoke(runner, "sites", "export", "--format", "geojson").output)["features"]
    assert [f["id"] for f in again] == [f["id"] for f in original]
    for before, after in zip(original, again, strict=True):
        b, a = dict(before["properties"]), dict(after["properties"])
        b_buffer, a_buffer = b.pop("buffer_zone"), a.pop("buffer_zone")
        assert a == b, before["id"]
        core_after, core_before = shape(after["geometry"]), shape(before["geometry"])
        assert core_after.symmetric_difference(core_before).area < 1e-10, before["id"]
        assert shape(a_buffer).symmetric_difference(shape(b_buffer)).area < 1e-8, before["id"]


# --- the UNESCO World Heritage List ----------------------------------------------------------


def test_world_heritage_list_import_adds_every_property_and_keeps_shipped_sites(
    runner, shared_data
):
    invoke(runner, "sites", "import", str(SITES))
    palmyra_before = show(runner, "palmyra")

    result = invoke(
        runner, "sites", "import-whc", str(shared_data / "heritage" / "whc-sites-2023.csv")
    )

    assert "1199 record(s)" in result.output
    shipped = shipped_ids()
    shipped_with_unesco_id = len(shipped) - 1  # all but Nimrud (Tentative List)
    assert f"{1199 - shipped_with_unesco_id} created" in result.output
    listed = invoke(runner, "sites", "list").output.splitlines()
    assert listed[-1] == f"{1199 + 1} site(s)"  # the whole List, plus Nimrud
    ids = {line.split()[0] for line in listed[:-1]}
    assert shipped <= ids
    assert "whc-23" not in ids and "whc-22" not in ids  # Palmyra and Bosra kept their ids
    palmyra = show(runner, "palmyra")
    p = palmyra["properties"]
    assert p["geometry_precision"] == "digitised"
    assert p["designation"]["unesco_id"] == 23
    assert p["designation"]["in_danger"] is True
    assert palmyra["geometry"] == palmyra_before["geometry"]  # the digitised zone is kept
    assert p["buffer_zone"] == palmyra_before["properties"]["buffer_zone"]
    assert p["name"] == palmyra_before["properties"]["name"]


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_importing_an_export_into_the_same_registry_changes_nothing(runner, tmp_path, fmt):
    invoke(runner, "sites", "import", str(SITES))
    exported = tmp_path / f"registry.{fmt}"
    invoke(runner, "sites", "export", "--format", fmt, "-o", str(exported))
    result = invoke(runner, "sites", "import", str(exported))
    assert "0 created, 0 updated, 51 unchanged" in result.output


def test_the_list_and_the_shipped_registry_agree_so_alternating_imports_change_nothing(
    runner, shared_data
):
    whc = str(shared_data / "heritage" / "whc-sites-2023.csv")
    invoke(runner, "sites", "import", str(SITES))
    invoke(runner, "sites", "import-whc", whc)
    again = invoke(runner, "sites", "import", str(SITES))
    assert "0 created, 0 updated, 51 unchanged" in again.output
    whc_again = invoke(runner, "sites", "import-whc", whc)
    assert "0 created, 0 updated" in whc_again.output
