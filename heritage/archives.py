"""Archives from outside (site uploads, GeoNames dumps, gzip event files), checked before use.

A zip's directory is checked before any member is read: how many members, how much they
unpack to in all, how far each one expands, and that no member path is absolute, climbs out
with ``..`` or is a symbolic link (GDAL reads members by path, ``/vsizip/archive.zip/member``,
so a path that climbs out would read a file beside the archive). Python's zipfile stops
reading a member at its declared size and checks its CRC, so the declared sizes checked here
bound what is read.

A gzip stream has no trustworthy size until it is read, so :func:`open_gzip` counts what it
unpacks and stops at :data:`MAX_RATIO` times the file's own size.
"""

from __future__ import annotations

import gzip
import io
import re
import stat
import zipfile
from pathlib import Path

from heritage.errors import InvalidInputError

__all__ = ["MAX_MEMBERS", "MAX_RATIO", "MAX_UNPACKED_BYTES", "open_gzip", "open_zip"]

MAX_MEMBERS = 10_000
"""A zipped Shapefile has 4 to 8 files a layer and a KMZ a few icons; 10,000 is no upload."""
MAX_UNPACKED_BYTES = 4 * 1024**3
"""All members together; GeoNames' allCountries.zip unpacks to about 1.6 GB."""
MAX_RATIO = 100
"""Text and tables compress 3 to 20 times; a member a hundred times smaller than it unpacks
to is a decompression bomb."""
RATIO_FLOOR_BYTES = 16 * 1024**2
"""Below this size the ratio is not checked: padded DBF tables can compress very well, and
16 MB, however small its archive, costs nothing to read."""
_DRIVE = re.compile(r"^[A-Za-z]:")


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip archive at ``path``, opened once its directory passed the checks above.

    Raises
    ------
    InvalidInputError
        Naming the member and the limit it breaks.
    zipfile.BadZipFile
        Not a zip archive (each reader words this its own way).
    """
    path = Path(path)
    archive = zipfile.ZipFile(path)
    try:
        _check_members(archive.infolist(), str(path))
    except BaseException:
        archive.close()
        raise
    return archive


def open_gzip(path: Path) -> io.BufferedReader:
    """A binary stream of the gzip file at ``path`` that refuses to unpack more than
    :data:`MAX_RATIO` times the file's size (and at least :data:`RATIO_FLOOR_BYTES`)."""
    path = Path(path)
    limit = max(MAX_RATIO * path.stat().st_size, RATIO_FLOOR_BYTES)
    return io.BufferedReader(_CappedGzip(gzip.open(path, "rb"), limit, str(path)))


def _check_members(members: list[zipfile.ZipInfo], source: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise InvalidInputError(
            f"zip archive refused: {len(members):,} members (at most {MAX_MEMBERS:,})",
            source=source,
        )
    total = 0
    for member in members:
        where = f"member {member.filename!r}"
        reason = _path_refusal(member) or _size_refusal(member)
        if reason:
            raise InvalidInputError(f"zip archive refused: {reason}", source=source, location=where)
        total += member.file_size
        if total > MAX_UNPACKED_BYTES:
            raise InvalidInputError(
                f"zip archive refused: members unpack to more than {MAX_UNPACKED_BYTES:,} bytes",
                source=source,
                location=where,
            )


def _path_refusal(member: zipfile.ZipInfo) -> str | None:
    name = member.filename.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return "an absolute path"
    if ".." in name.split("/"):
        return "a path that climbs out of the archive ('..')"
    if stat.S_ISLNK(member.external_attr >> 16):
        return "a symbolic link"
    return None


def _size_refusal(member: zipfile.ZipInfo) -> str | None:
    if member.file_size <= RATIO_FLOOR_BYTES:
        return None
    if member.file_size > MAX_RATIO * max(member.compress_size, 1):
        ratio = member.file_size / max(member.compress_size, 1)
        return (
            f"{member.compress_size:,} bytes unpack to {member.file_size:,} "
            f"({ratio:,.0f}:1, at most {MAX_RATIO}:1): a decompression bomb"
        )
    return None


class _CappedGzip(io.RawIOBase):
    """Unpacked bytes of a gzip stream, counted; past ``limit`` reading stops with an error."""

    def __init__(self, inner: gzip.GzipFile, limit: int, source: str) -> None:
        self._inner = inner
        self._limit = limit
        self._source = source
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._inner.readinto(buffer)
        self._count += count
        if self._count > self._limit:
            raise InvalidInputError(
                f"gzip file refused: it unpacks to more than {self._limit:,} bytes "
                f"({MAX_RATIO} times its size): a decompression bomb",
                source=self._source,
            )
        return count

    def close(self) -> None:
        self._inner.close()
        super().close()
