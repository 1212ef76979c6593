"""Atomic file output: write beside the target, then rename, so no reader sees half a file."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from thaireport.errors import UnsafeOutputError

# Path separators, control characters and what Windows refuses in a name (outputs are
# copied to shared drives); Thai, spaces and the rest of the name are kept.
_NOT_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_NAME_BYTES = 200  # of 255 a file system allows, leaving room for suffixes (".searchable.pdf")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# mkstemp makes files only their owner can read; outputs get the usual permissions.
_FILE_MODE = 0o666 & ~_umask()


@contextmanager
def atomic_write(
    path: Path, *, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[IO[str]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, _FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` for writers that want a file name (Parquet, SQLite);
    renamed over `path` when the block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, _FILE_MODE)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def safe_name(name: str) -> str:
    """An input's name made into one file or folder name for the output directory.

    Never empty, never "." or ".." or hidden (leading dots become "_"), no separators or
    control characters (each becomes "_"), at most `MAX_NAME_BYTES` bytes of UTF-8 (Thai is
    three bytes a letter, so a long Thai name is cut, between characters).
    """
    cleaned = _NOT_IN_NAMES.sub("_", name).strip()
    dots = len(cleaned) - len(cleaned.lstrip("."))
    cleaned = "_" * dots + cleaned[dots:]
    while len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    return cleaned or "_"


def inside(out_dir: Path, path: Path) -> Path:
    """`path`, once sure that it lies inside `out_dir` with symbolic links followed."""
    if not path.resolve().is_relative_to(out_dir.resolve()):
        raise UnsafeOutputError(
            f"the output {path} would be written outside the output directory {out_dir}",
            path=path,
            hint="rename the input, or remove the symbolic link in the output directory",
        )
    return path
