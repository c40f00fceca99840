"""Settings: every tunable of the monitor, with its default and the reason for it.

Defaults live here; the app factory overlays the instance file (``instance/heritage.toml``),
then ``HERITAGE_*`` environment variables, then a test mapping, and hands the result to the
core as a frozen :class:`Settings`. Nothing in this module reads the environment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from heritage.errors import InvalidInputError

__all__ = ["RISK_MODEL", "RiskModel", "SETTING_DOCS", "Settings", "settings_from_mapping"]


def _doc(default: object, text: str) -> object:
    return field(default=default, metadata={"doc": text})


@dataclass(frozen=True)
class Settings:
    """All settings; each field's ``metadata['doc']`` says what it does and why its default."""

    database_url: str = _doc(
        "",
        "SQLAlchemy URL of the database; empty means the SQLite file instance/heritage.sqlite3.",
    )
    default_buffer_m: float = _doc(
        2000.0,
        "Width of the buffer ring added around a core zone that comes without a buffer zone; "
        "2 km is a common order of magnitude for World Heritage buffer zones around urban and "
        "archaeological properties.",
    )
    max_zone_area_km2: float = _doc(
        10_000.0,
        "Largest core or buffer zone accepted; larger ones are almost always a wrong CRS, "
        "swapped axes or a country outline by mistake.",
    )
    max_declared_area_km2: float = _doc(
        1_000_000.0,
        "Largest area a listing may declare for a site given as a point and an area; the largest "
        "World Heritage property (Phoenix Islands) declares about 408,000 km².",
    )
    max_zone_vertices: int = _doc(
        100_000,
        "Most vertices accepted in one zone; more is a data error or needs simplifying first.",
    )
    circle_segments: int = _doc(
        72,
        "Vertices of the geodesic circles built from a point and an area or radius "
        "(72 keeps the area within 0.2% of the true circle).",
    )
    whc_default_radius_m: float = _doc(
        500.0,
        "Core-zone radius for a World Heritage row that declares no area; marked "
        "approximate-radius-circle and listed in the import report.",
    )
    page_limit_default: int = _doc(100, "Items per page of an API list when no limit= is given.")
    page_limit_max: int = _doc(1000, "Largest limit= an API list accepts.")
    published_sites_max: int = _doc(
        20_000,
        "Sites whose published GeoJSON each server process keeps in memory (built when it "
        "starts; about 15-20 KB a site with the API's answers kept too): raise it to the "
        "registry's size when it is larger and memory allows.",
    )
    sensitive_grid_deg: float = _doc(
        0.05,
        "Grid (degrees, about 5 km) to which a sensitive site's published geometry is "
        "generalised, so no published vertex is closer than a few kilometres to the truth.",
    )
    tile_url: str = _doc(
        "",
        "XYZ tile URL template for the dashboard map; empty shows only the built-in offline "
        "country basemap.",
    )
    scheduler_heartbeat_s: int = _doc(
        60, "How often the scheduler process records that it is alive (seconds)."
    )
    assess_interval_s: int = _doc(
        300,
        "How often the scheduler matches changed events and reassesses the sites they touch.",
    )
    scheduler_stale_s: int = _doc(
        300,
        "After this many seconds without a heartbeat, /healthz reports the scheduler as stale.",
    )
    secret_key: str = _doc(
        "",
        "Key that signs session cookies and the confirm and unsubscribe links in messages; empty "
        "means a random key kept in instance/secret_key, made on first start.",
    )
    base_url: str = _doc(
        "http://127.0.0.1:5000",
        "Public address of the dashboard; links in emails and webhooks are made absolute with it.",
    )
    alert_min_level: str = _doc(
        "low",
        "Level at or above which a site gets an alert (none, low, elevated, high, critical); "
        "'low' because a single deadly clash a kilometre from a site, reported once, is "
        "low, and a duty officer must hear about it. Subscriptions narrow it per person.",
    )
    alert_quiet_days: int = _doc(
        7,
        "An alert resolves itself after the site's level stayed below the threshold this many "
        "days; a week rides out the gaps between reports of one episode.",
    )
    smtp_host: str = _doc(
        "", "SMTP server that sends the emails; empty keeps them in the outbox, unsent."
    )
    smtp_port: int = _doc(587, "Port of the SMTP server (587 submission with STARTTLS).")
    smtp_security: str = _doc(
        "starttls", "How to secure the SMTP connection: starttls, tls (implicit, port 465) or none."
    )
    smtp_username: str = _doc("", "SMTP login name; empty sends without logging in.")
    smtp_password: str = _doc("", "SMTP password (set it in the environment, not in a file).")
    smtp_timeout_s: float = _doc(
        30.0, "Seconds to wait for the SMTP server before a delivery counts as failed."
    )
    mail_from: str = _doc(
        "heritage-monitor@localhost", "Sender address (From:) of every email the monitor sends."
    )
    webhook_timeout_s: float = _doc(
        10.0, "Seconds to wait for a webhook receiver before a delivery counts as failed."
    )
    delivery_max_attempts: int = _doc(
        10,
        "Attempts per message before it is marked dead and shown to admins; with the backoff "
        "below, ten attempts span about 17 hours of an outage.",
    )
    delivery_backoff_s: int = _doc(
        60, "Wait before the first retry; it doubles with every attempt (capped at 6 hours)."
    )
    delivery_interval_s: int = _doc(
        30, "How often the scheduler delivers what is due in the outbox (seconds)."
    )
    feed_expected_interval_s: int = _doc(
        172_800,
        "A source that has not ingested for this long (two days, for daily exports) is reported "
        "stale to feed-health subscribers; a source may set its own interval.",
    )
    poll_interval_s: int = _doc(
        3600, "How often the scheduler polls the watched sources and the report inbox (seconds)."
    )
    report_inbox: str = _doc(
        "",
        "Folder the scheduler watches for free-text reports (done/ and failed/ beside them); "
        "empty watches none.",
    )
    allow_loopback_fetch: bool = _doc(
        False,
        "Let feed, report and webhook URLs reach loopback addresses (127.0.0.0/8, ::1); off, "
        "because a URL from a user or a feed must not reach services on the monitor's own "
        "machine. Tests and single-machine deployments whose receivers run beside the monitor "
        "turn it on. Private, link-local and metadata addresses stay refused either way.",
    )


SETTING_DOCS: dict[str, str] = {f.name: f.metadata["doc"] for f in fields(Settings)}


def settings_from_mapping(mapping: Mapping[str, object]) -> Settings:
    """Build Settings from a mapping whose keys are the field names in upper case.

    Keys that are not settings are ignored (Flask's own config lives in the same mapping);
    values given as strings (environment variables) are converted to the field's type.
    """
    values: dict[str, object] = {}
    for f in fields(Settings):
        key = f.name.upper()
        if key in mapping:
            values[f.name] = _coerce(f, mapping[key])
    settings = dataclasses.replace(Settings(), **values)
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    """Numbers must be positive (a zero grid or limit breaks the monitor, not just tunes it)."""
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
            if f.name == "default_buffer_m" and value == 0:
                continue  # no buffer ring at all is a legitimate choice
            raise InvalidInputError(
                f"setting HERITAGE_{f.name.upper()} must be greater than 0, got {value}",
                source="configuration",
            )
    _check_choice(
        settings.alert_min_level, ("low", "elevated", "high", "critical"), "ALERT_MIN_LEVEL"
    )
    _check_choice(settings.smtp_security, ("starttls", "tls", "none"), "SMTP_SECURITY")
    if settings.page_limit_default > settings.page_limit_max:
        raise InvalidInputError(
            "setting HERITAGE_PAGE_LIMIT_DEFAULT must not exceed HERITAGE_PAGE_LIMIT_MAX",
            source="configuration",
        )


def _check_choice(value: str, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        raise InvalidInputError(
            f"setting HERITAGE_{name} must be one of {', '.join(choices)}, got {value!r}",
            source="configuration",
        )


def _coerce(f: dataclasses.Field, raw: object) -> object:
    kind = type(f.default)
    try:
        if kind is bool:
            if isinstance(raw, str):
                return raw.strip().lower() in {"1", "true", "yes", "on"}
            return bool(raw)
        if kind in (int, float):
            return kind(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"setting HERITAGE_{f.name.upper()} must be a {kind.__name__}, got {raw!r}",
            source="configuration",
        ) from None


@dataclass(frozen=True)
class RiskModel:
    """Every weight, reach and threshold of matching and scoring, each with its reason.

    score = vulnerability x sum over events of
            severity(type, fatalities) x proximity(distance, zone, precision)
            x recency(age, half-life) x confidence
    """

    reach_m: Mapping[str, float] = field(
        default_factory=lambda: {
            # Weapons that strike from afar make a site's surroundings dangerous further out.
            "airstrike": 20_000.0,
            "shelling": 20_000.0,
            "explosion": 10_000.0,
            "armed_clash": 15_000.0,
            "violence_against_civilians": 10_000.0,
            # Harm that needs people on the spot matters only close by.
            "destruction": 5_000.0,
            "looting": 5_000.0,
            "occupation": 5_000.0,
            "unrest": 3_000.0,
            "other": 5_000.0,
        }
    )
    max_precision_m: float = 50_000.0
    """Events located only to a province (100 km and more) or a country never match a site."""
    severity: Mapping[str, float] = field(
        default_factory=lambda: {
            # Direct harm to the fabric first (DESIGN.md: destruction and strikes are critical).
            "destruction": 1.0,
            "airstrike": 1.0,
            "shelling": 0.9,
            "explosion": 0.8,
            "looting": 0.7,
            "occupation": 0.6,
            "armed_clash": 0.6,
            "violence_against_civilians": 0.4,
            "unrest": 0.15,
            "other": 0.1,
        }
    )
    fatality_weight: float = 0.25
    """Severity grows with log(1 + deaths): 10 deaths weigh 1.6 times an event without."""
    zone_weight: Mapping[str, float] = field(
        default_factory=lambda: {
            "core": 1.0,
            "buffer": 0.7,
            "vicinity": 0.4,
        }
    )
    distance_decay_m: float = 5_000.0
    """Proximity halves every 5 km outside the core zone (x 0.5 ** (distance / decay))."""
    uncertain_weight: float = 0.5
    """An event that may or may not be at the site (radius larger than its distance) weighs
    half, and a further precision factor min(1, 1 km / radius) ** 0.5 shrinks coarse ones."""
    half_life_days: float = 30.0
    """An event's weight halves every 30 days: a month-old strike still matters, a year-old
    one barely does."""
    horizon_days: float = 365.0
    """Events older than a year are left out of a score."""
    levels: tuple[tuple[str, float], ...] = (
        ("critical", 6.0),
        ("high", 2.0),
        ("elevated", 0.8),
        ("low", 0.04),
    )
    """Score thresholds, highest first; below the last is 'none'. Calibrated by backtesting on
    UCDP GED Syria 2016-2019 and Iraq 2013-2018: with 'high' at 2, Palmyra is high from IS's
    return in December 2016 to its recapture in March 2017; with 'critical' at 6, Aleppo is
    critical through the 2016 battle and Damascus through Eastern Ghouta (to April 2018), and
    neither is after. A week of a few clashes a few km away scores about 1 (elevated). 'low' at
    0.04 means one recent, credible event close by: the original Palmyra report (a clash with
    casualties, located to the town 1.3 km off, from one news article) scores 0.05."""
    critical_days: float = 7.0
    """A strike, shelling, explosion or destruction precisely inside the core zone in the last
    7 days makes the level critical whatever the score."""
    trend_days: float = 28.0
    """The trend compares the score with the score this many days before."""


RISK_MODEL = RiskModel()
