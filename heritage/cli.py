"""Command line: ``flask --app app <command>``. Commands parse, call the pipeline, print."""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click
from tqdm import tqdm

from heritage import pipeline
from heritage.cli_alerts import alerting_commands
from heritage.cli_alerts import command_session as _session
from heritage.cli_alerts import run_command as _run
from heritage.cli_users import users_group
from heritage.config import RISK_MODEL, Settings
from heritage.export import site_feature, sites_csv
from heritage.geoparse.gazetteer import Alias, read_geonames_dump
from heritage.ingest.generic import parse_mapping
from heritage.ingest.reader import FORMATS
from heritage.pipeline import reports
from heritage.pipeline.backtest import run_backtest
from heritage.risk import LEVELS
from heritage.runtime import Runtime
from heritage.store import api_keys as api_key_store
from heritage.store import feeds
from heritage.store import sites as site_store
from heritage.store.session import database_label, migrate, require_current_schema

if TYPE_CHECKING:
    pass

__all__ = ["make_commands"]

log = logging.getLogger(__name__)
_NOTES_SHOWN = 20
_SHIPPED_SITES = Path(__file__).resolve().parents[1] / "sites"
_SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_commands(runtime: Runtime, serve_app) -> list[click.Command]:
    """The app's CLI commands, bound to its runtime; ``serve_app`` is the WSGI app to serve."""

    @click.command("init-db")
    def init_db() -> None:
        """Create or migrate the database (safe to run again)."""
        before, after = _run(migrate, runtime.engine)
        where = database_label(runtime.engine)
        if before == after:
            click.echo(f"database {where} is up to date (schema {after})")
        else:
            click.echo(f"database {where} migrated from schema {before or 'none'} to {after}")

    @click.command("seed")
    @click.option(
        "--sites",
        "sites_path",
        type=click.Path(path_type=Path),
        default=_SHIPPED_SITES,
        help="Folder of the site registry (default: the repository's sites/).",
    )
    def seed(sites_path: Path) -> None:
        """Load the shipped registry in sites/, the seed places and the seed report (what
        `make run` does before serving; safe to run again)."""
        _print_import(
            _in_session(runtime, pipeline.import_site_files, sites_path, now=runtime.clock())
        )
        with _session(runtime) as session:
            places = reports.read_seed_places(_SEEDS / "places.csv")
            reports.import_gazetteer_places(session, places, now=runtime.clock())
            click.echo(f"{len(places)} seed place(s) in the gazetteer")
            cache = reports.load_gazetteer(session, runtime.gazetteer_cache)
            for path in sorted(_SEEDS.glob("*.txt")):
                (result,) = reports.ingest_reports(
                    session,
                    path.read_bytes(),
                    RISK_MODEL,
                    cache,
                    source="seeds",
                    location=f"seeds/{path.name}",
                    now=runtime.clock(),
                )
                _print_report(result)

    @click.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, envvar="PORT", type=int)
    @click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=_default_workers(),
        show_default="the number of cores, at most 4",
        help="Web server processes.",
    )
    @click.option("--no-scheduler", is_flag=True, help="Serve only; run no scheduler process.")
    def serve(host: str, port: int, workers: int, no_scheduler: bool) -> None:
        """Serve the dashboard and API, with the scheduler in a process of its own."""
        _run(require_current_schema, runtime.engine)  # fail early without init-db
        _serve(serve_app, host, port, workers=workers, with_scheduler=not no_scheduler)

    @click.command("backtest")
    @click.option(
        "--events",
        "event_files",
        required=True,
        help="Event file(s), comma-separated (any format reports ingest reads).",
    )
    @click.option(
        "--format", "fmt", type=click.Choice(FORMATS), help="Override the detected format."
    )
    @click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--step", default="7d", show_default=True, help="Days between dates, e.g. 7d.")
    @click.option("--sites", "site_ids", help="Site ids, comma-separated (default: all).")
    @click.option(
        "--registry",
        type=click.Path(path_type=Path),
        default=_SHIPPED_SITES,
        help="Site registry folder or file (default: the repository's sites/).",
    )
    @click.option("--out", required=True, type=click.Path(path_type=Path), help="CSV to write.")
    @click.option("--plot", type=click.Path(path_type=Path), help="PNG timeline to write.")
    def backtest_command(  # noqa: PLR0913 - one option each
        event_files, fmt, first, last, step, site_ids, registry, out, plot
    ) -> None:
        """Replay history in memory: each site's risk timeline (the database is not touched)."""
        if not step.endswith("d") or not step[:-1].isdigit() or int(step[:-1]) < 1:
            raise click.BadParameter("use a number of days such as 7d", param_hint="--step")
        summary = _run(
            lambda: run_backtest(
                [Path(p) for p in event_files.split(",")],
                registry,
                runtime.settings,
                RISK_MODEL,
                first=first.date(),
                last=last.date(),
                step=timedelta(days=int(step[:-1])),
                site_ids=[s for s in (site_ids or "").split(",") if s] or None,
                out=out,
                plot=plot,
                fmt=fmt,
            )
        )
        click.echo(
            f"{summary.events} events ({summary.rejected} rejected rows); "
            f"{len(summary.rows)} rows written to {out}" + (f"; plot in {plot}" if plot else "")
        )

    @click.command("assess")
    @click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(["%Y-%m-%d"]),
        help="Assess as on this day (default: today).",
    )
    def assess(as_of) -> None:
        """Match new and changed events, then reassess every site (one row per site and day)."""
        with _session(runtime) as session:
            result = pipeline.match_and_assess(
                session,
                RISK_MODEL,
                now=runtime.clock(),
                as_of=as_of.date() if as_of else None,
                reassess_all=True,
            )
        counts = {level: list(result.levels.values()).count(level) for level in LEVELS}
        click.echo(
            f"as of {result.as_of}: matched {result.events_matched} event(s), "
            f"{result.exposures} exposure(s); "
            + ", ".join(f"{n} {level}" for level, n in counts.items())
        )
        for site_id, level in sorted(result.levels.items()):
            if level in ("high", "critical"):
                click.echo(f"{level}: {site_id}")

    return [
        assess,
        backtest_command,
        init_db,
        seed,
        serve,
        _sites_group(runtime),
        _reports_group(runtime),
        _gazetteer_group(runtime),
        _api_keys_group(runtime),
        *alerting_commands(runtime),
        users_group(runtime),
    ]


def _sites_group(runtime: Runtime) -> click.Group:
    @click.group("sites")
    def group() -> None:
        """The heritage-site registry."""

    @group.command("import")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--crs", help="CRS of CSV coordinates (e.g. EPSG:32637); default WGS84.")
    def import_(path: Path, crs: str | None) -> None:
        """Import sites from a file or folder: GeoJSON, GeoPackage, Shapefile zip, KML/KMZ, CSV."""
        _print_import(
            _in_session(runtime, pipeline.import_site_files, path, now=runtime.clock(), crs=crs)
        )

    @group.command("import-whc")
    @click.argument("path", type=click.Path(path_type=Path))
    def import_whc(path: Path) -> None:
        """Import the UNESCO World Heritage List export (whc-sites-YYYY .xls/.xlsx/.csv)."""
        _print_import(_in_session(runtime, pipeline.import_whc_list, path, now=runtime.clock()))

    @group.command("list")
    @click.option("--country", help="ISO 3166-1 alpha-2 code.")
    @click.option("--in-danger/--not-in-danger", default=None)
    def list_(country: str | None, in_danger: bool | None) -> None:
        """List registered sites: id, countries, designation, precision, name."""
        query = site_store.SiteQuery(country=country, in_danger=in_danger)
        with _session(runtime) as session:
            stored, total = site_store.list_sites(session, query, limit=10**9, offset=0)
        for item in stored:
            s = item.site
            flags = " in-danger" if s.designation.in_danger else ""
            click.echo(
                f"{s.id:<28} {','.join(s.countries):<6} {s.designation.kind.value:<15} "
                f"{s.provenance.geometry_precision.value:<26} {s.name}{flags}"
            )
        click.echo(f"{total} site(s)")

    @group.command("show")
    @click.argument("site_id")
    def show(site_id: str) -> None:
        """Show one site as GeoJSON, with its geometry history."""
        with _session(runtime) as session:
            stored = site_store.get_site(session, site_id)
            history = site_store.geometry_history(session, site_id)
        feature = site_feature(
            stored.site,
            extra={
                "version": stored.version,
                "updated_at": stored.updated_at.isoformat(),
                "geometry_history": [
                    {
                        "version": h.version,
                        "geometry_precision": h.geometry_precision,
                        "valid_from": h.valid_from.isoformat(),
                        "valid_until": h.valid_until.isoformat() if h.valid_until else None,
                    }
                    for h in history
                ],
            },
        )
        click.echo(json.dumps(feature, ensure_ascii=False, indent=2))

    @group.command("export")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["geojson", "csv"]),
        default="geojson",
        show_default=True,
    )
    @click.option(
        "--output",
        "-o",
        type=click.File("w", encoding="utf-8"),
        default="-",
        help="File to write (default: standard output).",
    )
    def export(fmt: str, output) -> None:
        """Export the whole registry with exact geometry (an admin's command)."""
        with _session(runtime) as session:
            stored, _ = site_store.list_sites(
                session, site_store.SiteQuery(), limit=10**9, offset=0
            )
        sites = [item.site for item in stored]
        if fmt == "csv":
            output.write(sites_csv(sites))
        else:
            collection = {"type": "FeatureCollection", "features": [site_feature(s) for s in sites]}
            json.dump(collection, output, ensure_ascii=False)
            output.write("\n")

    return group


def _reports_group(runtime: Runtime) -> click.Group:
    @click.group("reports")
    def group() -> None:
        """Conflict reports: structured event files and feeds."""

    @group.command("ingest")
    @click.argument("location")
    @click.option(
        "--format", "fmt", type=click.Choice(FORMATS), help="Override the detected format."
    )
    @click.option("--map", "mapping", help="Generic CSV columns: field=Column,... (see README).")
    @click.option("--source", help="Source name for generic CSV and GeoJSON (default: file name).")
    @click.option("--strict", is_flag=True, help="Any rejected row fails the whole file.")
    @click.option(
        "--published",
        type=click.DateTime(["%Y-%m-%d"]),
        help="A free-text report's publication date (default: the feed's, else today).",
    )
    def ingest(location: str, fmt, mapping, source, strict: bool, published) -> None:
        """Ingest an event file (ACLED, UCDP GED/Candidate, GDELT, GeoJSON, CSV), a free-text
        report (plain text, an HTML page, an RSS/Atom feed), or the URL of one."""
        data = (
            _report_bytes(location, runtime.settings) if fmt is None and mapping is None else None
        )
        if data is not None:
            with _session(runtime) as session:
                results = reports.ingest_reports(
                    session,
                    data,
                    RISK_MODEL,
                    reports.load_gazetteer(session, runtime.gazetteer_cache),
                    source=source or "reports",
                    location=location,
                    url=location if location.startswith(("http://", "https://")) else "",
                    published=published.date() if published else None,
                    now=runtime.clock(),
                )
            for result in results:
                _print_report(result)
            return
        try:
            columns = parse_mapping(mapping) if mapping else None
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--map") from None
        with _session(runtime) as session, _progress() as progress:
            result = pipeline.ingest_location(
                session,
                location,
                runtime.settings,
                now=runtime.clock(),
                fmt=fmt,
                mapping=columns,
                source=source,
                strict=strict,
                progress=progress,
            )
        _print_ingest(result)

    @group.command("parse")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--published", type=click.DateTime(["%Y-%m-%d"]))
    def parse(file: Path, published) -> None:
        """Print what the geoparser finds in a report (GeoJSON); store nothing."""
        from heritage.geoparse.intake import read_reports  # noqa: PLC0415

        with _session(runtime) as session:
            cache = reports.load_gazetteer(session, runtime.gazetteer_cache)
            documents = []
            for report in read_reports(file.read_bytes(), source=str(file)):
                if published:
                    report = dataclasses.replace(report, published=published.date())
                document, _ = reports.parse_report(
                    cache, report, RISK_MODEL, source="dry-run", today=runtime.clock().date()
                )
                documents.append(document)
        output = documents[0] if len(documents) == 1 else documents
        click.echo(json.dumps(output, ensure_ascii=False, indent=2))

    @group.command("inbox")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--source", default="inbox", show_default=True)
    def inbox(folder: Path, source: str) -> None:
        """Ingest each report in a watched folder and move it to done/ or failed/."""
        with _session(runtime) as session:
            results, failures = reports.ingest_report_files(
                session,
                folder,
                RISK_MODEL,
                reports.load_gazetteer(session, runtime.gazetteer_cache),
                source=source,
                now=runtime.clock(),
            )
        for result in results:
            _print_report(result)
        for failure in failures:
            click.echo(f"failed: {failure}", err=True)

    @group.command("quarantine")
    @click.option("--source", help="Only rows of this source (its path or URL as ingested).")
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
    def show_quarantine(source: str | None, limit: int) -> None:
        """Rejected rows, newest first: file, row, column and reason."""
        with _session(runtime) as session:
            rows, total = feeds.list_quarantine(session, source=source, limit=limit, offset=0)
        for row in rows:
            column = f", column {row.column}" if row.column else ""
            click.echo(f"{row.file}, row {row.row}{column}: {row.reason}")
        click.echo(f"{len(rows)} of {total} quarantined row(s)")

    @group.command("sources")
    def show_sources() -> None:
        """Each source with its last good ingest, last error and counts."""
        with _session(runtime) as session:
            statuses = feeds.list_sources(session)
        for s in statuses:
            good = s.last_success_at.isoformat() if s.last_success_at else "never"
            error = (
                f"; last error {s.last_error_at.isoformat()}: {s.last_error}"
                if s.last_error
                else ""
            )
            quarantined = f"{s.quarantined} quarantined"
            click.echo(f"{s.location} [{s.format}] last good ingest {good}; {quarantined}{error}")

    return group


def _gazetteer_group(runtime: Runtime) -> click.Group:
    @click.group("gazetteer")
    def group() -> None:
        """The place names the geoparser knows."""

    @group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_dump(file: Path) -> None:
        """Add places from a GeoNames dump (XX.txt, XX.zip or allCountries)."""
        with _session(runtime) as session:
            count = reports.import_gazetteer_places(
                session, read_geonames_dump(file), now=runtime.clock()
            )
        click.echo(f"{count:,} place(s) imported from {file.name}")

    @group.group("alias")
    def alias() -> None:
        """Names users add."""

    @alias.command("add")
    @click.argument("name")
    @click.option("--place", "place_id", help="Another name of this place id (see lookup).")
    @click.option("--lon", type=float)
    @click.option("--lat", type=float)
    @click.option("--country", help="ISO 3166-1 alpha-2 code of a new point.")
    @click.option("--precision-m", default=1000.0, show_default=True, type=float)
    def add(name: str, place_id, lon, lat, country, precision_m: float) -> None:
        """Name a place (--place ID) or a point of your own (--lon --lat)."""
        if (place_id is None) == (lon is None or lat is None):
            raise click.UsageError("give either --place, or both --lon and --lat")
        with _session(runtime) as session:
            new_id = reports.add_alias(
                session,
                runtime.gazetteer_cache,
                Alias(name, place_id, lon, lat, country, precision_m),
                now=runtime.clock(),
            )
        click.echo(f"alias {new_id}: {name!r}")

    @group.command("lookup")
    @click.argument("name")
    def lookup(name: str) -> None:
        """The places a name may mean, best first."""
        with _session(runtime) as session:
            places = reports.load_gazetteer(session, runtime.gazetteer_cache).gazetteer.lookup(name)
        for p in places:
            click.echo(
                f"{p.id}\t{p.name}\t{p.kind.value}\t{p.country or ''}\t{p.lat:.4f},{p.lon:.4f}"
            )
        if not places:
            click.echo(f"no place called {name!r}")

    return group


def _api_keys_group(runtime: Runtime) -> click.Group:
    @click.group("api-keys")
    def group() -> None:
        """API keys for trusted partners who post events."""

    @group.command("create")
    @click.argument("name")
    def create(name: str) -> None:
        """Create a key for NAME; the key is printed once, alone on the last line."""
        with _session(runtime) as session:
            key = pipeline.create_api_key(session, name, now=runtime.clock())
        click.echo(f"API key for {name} (store it now; only its hash is kept):")
        click.echo(key)

    @group.command("list")
    def list_() -> None:
        """One line per key: name, created, and when it was revoked."""
        with _session(runtime) as session:
            found = api_key_store.list_api_keys(session)
        for key in found:
            revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            click.echo(f"{key.name}\tcreated {key.created_at:%Y-%m-%d %H:%M}\t{revoked}")

    @group.command("revoke")
    @click.argument("name")
    def revoke(name: str) -> None:
        """Refuse NAME's key from now on."""
        with _session(runtime) as session:
            pipeline.revoke_api_key(session, name, now=runtime.clock())
        click.echo(f"API key of {name} revoked")

    @group.command("rotate")
    @click.argument("name")
    def rotate(name: str) -> None:
        """A new key for NAME (the old one stops working); printed once, on the last line."""
        with _session(runtime) as session:
            key = pipeline.rotate_api_key(session, name, now=runtime.clock())
        click.echo(f"new API key for {name} (store it now; the old one no longer works):")
        click.echo(key)

    return group


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _after_fork(app) -> None:
    """In a new worker: drop the inherited connections, then build the published site
    features in the background (the first visitors would otherwise wait for them)."""
    runtime = app.extensions["heritage"]
    runtime.engine.dispose(close=False)

    def warm() -> None:
        try:
            with app.app_context():
                app.extensions["warm_published_sites"]()
            # The cache lives as long as the worker: the collector need not walk its millions
            # of objects at every full collection (pauses of half a second at 100,000 sites).
            gc.collect()
            gc.freeze()
        except Exception:  # only a head start: requests build what they need anyway
            logging.getLogger(__name__).warning("published sites not built ahead", exc_info=True)

    threading.Thread(target=warm, name="warm-published-sites", daemon=True).start()


def _serve(app, host: str, port: int, *, workers: int, with_scheduler: bool) -> None:
    """gunicorn: ``workers`` processes of 8 threads each, forked from this one after the app
    is built; each worker drops the database connections it inherited (SQLAlchemy's advice
    for forks). More than one process puts more than one core to work: one Python process
    answers on one core at a time whatever its threads."""
    from gunicorn.app.base import BaseApplication  # noqa: PLC0415 - only serving needs it

    class Server(BaseApplication):
        def load_config(self):
            bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            options = {
                "bind": bind,
                "workers": workers,
                "worker_class": "gthread",
                "threads": 8,
                "timeout": 120,  # an export of a large registry streams for a while
                "graceful_timeout": 10,
                "loglevel": "warning",
                "accesslog": None,
                "post_fork": lambda _server, _worker: _after_fork(app),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    child = None
    if with_scheduler:
        command = [
            sys.executable,
            "-m",
            "flask",
            "--app",
            os.environ.get("FLASK_APP", "app"),
            "scheduler",
            "run",
        ]
        child = subprocess.Popen(command)  # noqa: S603 - our own fixed command line
    click.echo(
        f"serving the monitor on http://{host}:{port} with {workers} worker process(es) "
        "(Ctrl-C stops it)"
    )
    try:
        Server().run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def _report_bytes(location: str, settings: Settings) -> bytes | None:
    """The bytes of a free-text report at ``location``; None when it is an event file (or a
    folder of them). A URL is a report unless its path ends like an event file."""
    if location.startswith(("http://", "https://")):
        path = location.split("?")[0].lower()
        if path.endswith((".csv", ".tsv", ".gz", ".json", ".geojson", ".zip")):
            return None
        return reports.download_report(location, settings)
    path = Path(location)
    if not path.is_file():
        return None
    with path.open("rb") as handle:  # the head tells; an event file may be gigabytes
        head = handle.read(4096)
    return path.read_bytes() if reports.is_report(head, path.name) else None


def _print_report(result) -> None:
    status = "already stored" if result.duplicate else "stored"
    features = result.document["features"]
    click.echo(
        f"report {result.report_id} {status}: {result.title[:70]!r}, {len(features)} event(s)"
    )
    for f in features:
        p = f["properties"]
        sites = ", ".join(p["sites"]) or "no site"
        click.echo(
            f"  {p['event_type']} at {p['place']} ({p['place_name']}, {p['precision']} precision, "
            f"{p['precision_m']} m), confidence {p['confidence']}; touches {sites}"
        )


def _in_session(runtime: Runtime, step, path: Path, **options):
    """Run a pipeline step on a path in a session of its own; errors become CLI errors."""
    with _session(runtime) as session:
        return step(session, path, runtime.settings, **options)


@contextmanager
def _progress() -> Iterator:
    """A rows-per-second bar on a terminal; silent when output goes to a file or a pipe."""
    with tqdm(unit=" rows", disable=None, file=sys.stderr, mininterval=0.5) as bar:
        yield bar.update


def _print_ingest(result: pipeline.IngestResult) -> None:
    click.echo(
        f"{result.location} [{result.format}]: {result.rows} row(s); {result.stored} stored, "
        f"{result.updated} updated, {result.unchanged} unchanged, {result.retracted} retracted, "
        f"{result.rejected} rejected"
    )
    if result.unknown_retractions:
        click.echo(f"{result.unknown_retractions} retraction(s) named events never ingested")
    for r in result.first_rejections:
        column = f", column {r.column}" if r.column else ""
        click.echo(f"rejected: {r.source_file}, row {r.row}{column}: {r.reason}")
    for failure in result.failed_files:
        click.echo(f"failed: {failure}")
    if result.rejected > len(result.first_rejections):
        click.echo("all rejected rows: flask --app app reports quarantine")


def _print_import(result: pipeline.ImportResult) -> None:
    for repair in result.repairs:
        click.echo(f"repaired: {repair}")
    for note in result.notes[:_NOTES_SHOWN]:
        click.echo(f"note: {note}")
    if len(result.notes) > _NOTES_SHOWN:
        click.echo(f"note: ... and {len(result.notes) - _NOTES_SHOWN} more notes")
    click.echo(
        f"{result.path}: {result.records} record(s); {len(result.created)} created, "
        f"{len(result.updated)} updated, {len(result.unchanged)} unchanged, "
        f"{len(result.repairs)} repair(s)"
    )
