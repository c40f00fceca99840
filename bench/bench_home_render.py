"""Benchmark: the dashboard home page's first map render with the whole UNESCO list (issue 7).

A fresh SQLite database gets the shipped registry and the World Heritage List export from
../shared/data/heritage (about 1,200 sites), the app is served by `flask --app app serve`
(gunicorn, as in production) on loopback in a subprocess, and Debian's Chromium (headless, via
Playwright) opens `/` and waits until the map says it drew every site (`#map[data-ready]`).
Printed: time to the first map render from navigation start, median of RUNS (default 5).

Run with `.venv/bin/python bench/bench_home_render.py` (needs chromium and ../shared/data).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
WHC = REPO.parent / "shared" / "data" / "heritage" / "whc-sites-2023.csv"


def main() -> None:
    runs = int(os.environ.get("RUNS", "5"))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or not WHC.is_file():
        sys.exit("needs Debian's chromium and ../shared/data/heritage/whc-sites-2023.csv")
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "HERITAGE_DATABASE_URL": f"sqlite:///{folder}/home.sqlite3",
            "HERITAGE_SECRET_KEY": "bench",
        }
        flask = [sys.executable, "-m", "flask", "--app", "app"]
        for args in (["init-db"], ["sites", "import", "sites"], ["sites", "import-whc", str(WHC)]):
            subprocess.run([*flask, *args], cwd=REPO, env=env, check=True, capture_output=True)
        port = "5093"
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [*flask, "serve", "--no-scheduler", "--port", port],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz")
            print(f"{_count(port):,} sites; Chromium {chromium}")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, chromium_sandbox=os.geteuid() != 0
                )
                times = [_render(browser, port) for _ in range(runs)]
                browser.close()
            print(
                f"first map render: median {statistics.median(times):.2f} s "
                f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


def _render(browser, port: str) -> float:
    page = browser.new_page()
    started = time.perf_counter()
    page.goto(f"http://127.0.0.1:{port}/")
    page.wait_for_selector('#map[data-ready="true"]', timeout=60_000)
    seconds = time.perf_counter() - started
    page.close()
    return seconds


def _count(port: str) -> int:
    import json  # noqa: PLC0415

    with urlopen(f"http://127.0.0.1:{port}/api/v1/sites?limit=1") as response:  # noqa: S310
        return json.load(response)["numberMatched"]


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


if __name__ == "__main__":
    main()
