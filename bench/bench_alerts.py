"""Benchmark: the alert rules and the outbox at registry scale (issue 6).

A fresh SQLite database holds SITES synthetic sites (default 10,000, as in bench_tick.py),
assessed once with 20,000 events, so a few thousand reach 'low' or above. Then:
- the `alerts` job opens their alerts and queues one message per subscriber who wants it
  (one subscriber for everything, one per country-sized box, one digest);
- a second run with nothing new (what most scheduler runs are);
- the `deliver` job sends every queued email to a real SMTP server on loopback (aiosmtpd),
  one connection per message as the deliverer does.

Run with `make bench`, or `SITES=1250 python bench/bench_alerts.py`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from bench_tick import START, _events, _sites  # noqa: E402
from smtp import SmtpServer  # noqa: E402

from alerts.outbox import deliver_due  # noqa: E402
from heritage.config import RISK_MODEL, Settings  # noqa: E402
from heritage.domain import Channel, Scope, Subscription  # noqa: E402
from heritage.pipeline.alerts import raise_alerts  # noqa: E402
from heritage.pipeline.risk import IndexCache, match_and_assess  # noqa: E402
from heritage.pipeline.subscriptions import subscribe  # noqa: E402
from heritage.runtime import build_runtime  # noqa: E402
from heritage.store import deliveries  # noqa: E402
from heritage.store import events as event_store  # noqa: E402
from heritage.store import sites as site_store  # noqa: E402
from heritage.store.session import migrate  # noqa: E402


def main() -> None:
    n_sites = int(os.environ.get("SITES", "10000"))
    server = SmtpServer()
    server.start()
    settings = Settings(
        secret_key="bench", smtp_host=server.host, smtp_port=server.port, smtp_security="none"
    )
    with tempfile.TemporaryDirectory() as folder:
        runtime = build_runtime(settings, f"sqlite:///{folder}/bench.sqlite3", lambda: START)
        migrate(runtime.engine)
        with runtime.session() as session:
            site_store.save_sites(session, _sites(n_sites), now=START)
            event_store.save_events(session, _events(20_000, START.date(), seed=7), now=START)
            session.commit()
            match_and_assess(session, RISK_MODEL, now=START, index_cache=IndexCache())
            for scope in (
                Scope(),
                Scope(bbox=(35.0, 29.0, 41.0, 37.5)),
                Scope(bbox=(41, 29, 48, 37.5)),
            ):
                subscribe(
                    session,
                    settings,
                    Subscription(
                        None, Channel.EMAIL, f"duty{len(scope.bbox or ())}@example.org", scope
                    ),
                    now=START,
                    confirmed=True,
                )
            started = time.perf_counter()
            first = raise_alerts(session, settings, now=START + timedelta(minutes=1))
            opened = time.perf_counter() - started
            started = time.perf_counter()
            quiet = raise_alerts(session, settings, now=START + timedelta(minutes=6))
            again = time.perf_counter() - started
            queued = sum(deliveries.outbox_counts(session).values())
            print(
                f"sites {n_sites:,}: alerts job opened {len(first.changes):,} alert(s) and "
                f"queued {first.queued:,} message(s) in {opened:.2f} s"
            )
            print(f"  the next run, nothing new: {len(quiet.changes)} change(s) in {again:.2f} s")
            started = time.perf_counter()
            sent = deliver_due(session, settings, now=START + timedelta(minutes=2)).sent
            spent = time.perf_counter() - started
            print(
                f"  deliver job: {sent:,} of {queued:,} email(s) to aiosmtpd on loopback in "
                f"{spent:.2f} s ({sent / spent:.0f}/s)"
            )
        runtime.engine.dispose()
    server.stop()


if __name__ == "__main__":
    main()
