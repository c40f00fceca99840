"""`backtest`: replay event files against the registry in memory; the database is not touched.

Writes ``date, site_id, score, level, n_events, top_event`` rows and, if asked, a plot of each
site's timeline over its level bands.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from heritage.backtest import BacktestRow, backtest, dates_between
from heritage.config import RiskModel, Settings
from heritage.domain import ConflictEvent
from heritage.errors import InvalidInputError
from heritage.ingest.base import parse_rows
from heritage.ingest.reader import open_event_file
from heritage.registry import build_sites
from heritage.site_files import read_site_records

__all__ = ["BacktestSummary", "run_backtest"]


@dataclass
class BacktestSummary:
    events: int
    rejected: int
    rows: list[BacktestRow]


def run_backtest(
    event_paths: Sequence[Path],
    registry: Path,
    settings: Settings,
    model: RiskModel,
    *,
    first: date,
    last: date,
    step: timedelta,
    site_ids: Sequence[str] | None,
    out: Path,
    plot: Path | None = None,
    fmt: str | None = None,
) -> BacktestSummary:
    for target in (out, plot):
        if target is not None and not Path(target).parent.is_dir():
            raise InvalidInputError("the folder to write into does not exist", source=str(target))
    sites, _ = build_sites(read_site_records(registry), settings)
    if site_ids:
        unknown = sorted(set(site_ids) - {s.id for s in sites})
        if unknown:
            raise InvalidInputError(
                f"unknown site id(s): {', '.join(unknown)}", source=str(registry)
            )
        sites = [s for s in sites if s.id in set(site_ids)]
    events, rejected = _read_events(event_paths, fmt)
    rows = backtest(sites, events, dates_between(first, last, step), model)
    _write_csv(out, rows)
    if plot is not None:
        _plot(plot, rows, model)
    return BacktestSummary(len(events), rejected, rows)


def _read_events(paths: Sequence[Path], fmt: str | None) -> tuple[list[ConflictEvent], int]:
    events, rejected = {}, 0
    for path in paths:
        event_file = open_event_file(path, fmt=fmt)
        for chunk in event_file.chunks:
            for _, item in parse_rows(event_file.adapter, chunk, event_file.name):
                if isinstance(item, ConflictEvent):
                    events[(item.source, item.source_id)] = item
                else:
                    rejected += 1
    return list(events.values()), rejected


def _write_csv(path: Path, rows: Sequence[BacktestRow]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "site_id", "score", "level", "n_events", "top_event"])
        for r in rows:
            writer.writerow(
                [r.date.isoformat(), r.site_id, f"{r.score:.4f}", r.level, r.n_events, r.top_event]
            )


def _plot(path: Path, rows: Sequence[BacktestRow], model: RiskModel) -> None:
    import matplotlib  # noqa: PLC0415 - only plots need it, and only off-screen

    matplotlib.use("Agg")
    from matplotlib import pyplot  # noqa: PLC0415

    site_ids = list(dict.fromkeys(r.site_id for r in rows))
    figure, axes = pyplot.subplots(
        len(site_ids), 1, figsize=(11, 1.9 * len(site_ids) + 0.6), sharex=True, squeeze=False
    )
    thresholds = dict(model.levels)
    top = max([r.score for r in rows] + [thresholds["critical"] * 1.5])
    colours = {"low": "#fff3b0", "elevated": "#ffd08a", "high": "#ff9e80", "critical": "#e57373"}
    for axis, site_id in zip(axes[:, 0], site_ids, strict=True):
        series = [r for r in rows if r.site_id == site_id]
        bounds = sorted(thresholds.items(), key=lambda kv: kv[1])
        for (name, low), upper in zip(bounds, [b for _, b in bounds[1:]] + [top], strict=True):
            axis.axhspan(low, upper, color=colours[name], alpha=0.6, lw=0)
        axis.plot(
            [r.date for r in series], [max(r.score, 0.01) for r in series], color="#1d3557", lw=1.4
        )
        axis.set_yscale("log")
        axis.set_ylim(0.05, top)
        axis.set_ylabel(site_id, rotation=0, ha="right", va="center")
    axes[0, 0].set_title("Risk score by site (bands: low, elevated, high, critical)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
