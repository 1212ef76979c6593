"""The one place that talks to the Tesseract program.

Asking whether Tesseract is there, recent enough and has the Thai data (`probe`) is kept
apart from running it; the probe's errors name the Debian package that fixes them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import MissingDependencyError

PROGRAM = "tesseract"
MIN_VERSION = (4, 1)
REQUIRED_LANGUAGES: tuple[str, ...] = ("tha", "eng")
LANGUAGE_PACKAGES = {
    "tha": "tesseract-ocr-tha",
    "eng": "tesseract-ocr-eng",
    "osd": "tesseract-ocr-osd",
}
PROBE_TIMEOUT = 30.0
_VERSION = re.compile(r"tesseract\s+v?(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class TesseractInfo:
    program: str
    version: tuple[int, int, int]
    languages: frozenset[str]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT,
        check=False,
        env=os.environ.copy(),
    )


def probe(required: tuple[str, ...] = REQUIRED_LANGUAGES) -> TesseractInfo:
    """Check the program, its version and its language data; raise a how-to-fix error."""
    program = shutil.which(PROGRAM)
    if program is None:
        raise MissingDependencyError(
            "tesseract is not installed",
            hint="install it: apt-get install tesseract-ocr tesseract-ocr-tha",
        )
    version_out = _run([program, "--version"])
    match = _VERSION.search(version_out.stdout + version_out.stderr)
    if match is None:
        raise MissingDependencyError(f"cannot tell the version of {program}")
    version = (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    if version[:2] < MIN_VERSION:
        have = ".".join(map(str, version))
        need = ".".join(map(str, MIN_VERSION))
        raise MissingDependencyError(f"tesseract {have} is too old; need {need} or newer")
    langs_out = _run([program, "--list-langs"])
    languages = frozenset(
        line.strip()
        for line in langs_out.stdout.splitlines()[1:]
        if line.strip() and " " not in line.strip()
    )
    missing = [lang for lang in required if lang not in languages]
    if missing:
        packages = " ".join(
            LANGUAGE_PACKAGES.get(lang, f"tesseract-ocr-{lang}") for lang in missing
        )
        where = os.environ.get("TESSDATA_PREFIX")
        raise MissingDependencyError(
            f"tesseract has no language data for {', '.join(missing)}"
            + (f" in TESSDATA_PREFIX={where}" if where else ""),
            hint=f"install it: apt-get install {packages}",
        )
    return TesseractInfo(program, version, languages)


@lru_cache(maxsize=1)
def cached_probe() -> TesseractInfo:
    return probe()
