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

__all__ = ["Settings", "settings_from_mapping", "SETTING_DOCS"]


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
    scheduler_stale_s: int = _doc(
        300,
        "After this many seconds without a heartbeat, /healthz reports the scheduler as stale.",
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
    if settings.page_limit_default > settings.page_limit_max:
        raise InvalidInputError(
            "setting HERITAGE_PAGE_LIMIT_DEFAULT must not exceed HERITAGE_PAGE_LIMIT_MAX",
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
