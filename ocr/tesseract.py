"""The one place that talks to the Tesseract program.

Asking whether Tesseract is there, recent enough and has the Thai data (`probe`) is kept
apart from running it; the probe's errors name the Debian package that fixes them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from PIL import Image

from thaireport.errors import MissingDependencyError, ThaiReportError
from thaireport.settings import OcrSettings


class OcrError(ThaiReportError):
    """Tesseract ran but failed on a page."""

    kind = "ocr-failed"


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


# --------------------------------------------------------------------------- recognition


@dataclass(frozen=True)
class OcrGlyph:
    """One "word" of Tesseract's TSV — for Thai, usually one character or cluster."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    space_before: bool  # the recognizer put a space before it (from its text output)

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass(frozen=True)
class OcrLine:
    glyphs: tuple[OcrGlyph, ...]


@dataclass(frozen=True)
class OcrPage:
    lines: tuple[OcrLine, ...]
    width: int
    height: int
    seconds: float

    @property
    def mean_confidence(self) -> float:
        confs = [g.confidence for line in self.lines for g in line.glyphs]
        return sum(confs) / len(confs) if confs else 0.0


Box = tuple[int, int, int, int]  # left, top, right, bottom, in pixels
_Glyph = tuple[str, int, int, int, int, float]


def _parse_tsv(tsv: str) -> list[tuple[int, list[_Glyph]]]:
    """Tesseract's lines, each with the number of the image it is on (1 for one image)."""
    lines: dict[tuple[int, int, int, int], list[_Glyph]] = {}
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = parts[11]
        if not text.strip():
            continue
        key = (int(parts[1]), int(parts[2]), int(parts[3]), int(parts[4]))
        left, top, width, height = (int(p) for p in parts[6:10])
        lines.setdefault(key, []).append((text, left, top, width, height, float(parts[10])))
    return [(key[0], glyphs) for key, glyphs in lines.items()]


def _spaces_from_text(
    words: list[str], text_lines: list[str], start: int
) -> tuple[list[bool], int]:
    """Where the recognizer's text output puts spaces between this line's TSV words.

    TSV gives every Thai character its own "word" and drops the spaces between phrases;
    the plain-text output of the same run keeps them. Lines are matched in order by their
    text without spaces.
    """
    joined = "".join(words)
    for index in range(start, len(text_lines)):
        candidate = text_lines[index]
        if candidate.replace(" ", "") != joined:
            continue
        flags = []
        position = 0
        for word in words:
            space = False
            while position < len(candidate) and candidate[position] == " ":
                space = True
                position += 1
            flags.append(space)
            position += len(word)
        return flags, index + 1
    return [False] * len(words), start


def _pytesseract() -> ModuleType:
    """pytesseract, imported without pandas.

    pytesseract imports pandas whenever it is installed (for its DataFrame output, which
    this wrapper never asks for): 0.5 s of a one-page run, with the pyarrow pandas pulls
    in. Where pandas is not loaded yet, it is hidden from that one import.
    """
    if "pytesseract" in sys.modules:
        return sys.modules["pytesseract"]
    hidden = "pandas" not in sys.modules
    if hidden:
        sys.modules["pandas"] = None  # type: ignore[assignment]  # import raises ModuleNotFoundError
    try:
        import pytesseract
    finally:
        if hidden and sys.modules.get("pandas", 0) is None:
            del sys.modules["pandas"]
    module: ModuleType = pytesseract  # untyped: the type says what is returned
    return module


def _run_tesseract(
    args: list[str], timeout: float, meanwhile: Callable[[], object] | None = None
) -> None:
    """Run the program once through pytesseract; a failure or a time-out is an `OcrError`.

    `args` are the image, the output base, then options. `meanwhile` runs in this thread
    while pytesseract waits for Tesseract in another (work the page needs next that does
    not depend on the reading: the wait holds no lock, so both go on at once); a failure
    of `meanwhile` is raised once the run has ended.
    """
    engine = _pytesseract()
    image, base, *options = args
    failure: list[BaseException] = []

    def run() -> None:
        try:
            engine.pytesseract.run_tesseract(
                image, base, extension="", lang=None, config=shlex.join(options),
                timeout=int(timeout),
            )  # fmt: skip
        except BaseException as exc:  # handed to the calling thread
            failure.append(exc)

    reader = threading.Thread(target=run, name="tesseract", daemon=True)
    reader.start()
    try:
        if meanwhile is not None:
            meanwhile()
    finally:
        reader.join()
    if not failure:
        return
    exc = failure[0]
    if isinstance(exc, engine.TesseractNotFoundError):
        cached_probe()  # the error that names the package to install
        raise MissingDependencyError("tesseract is not installed") from exc
    if isinstance(exc, engine.TesseractError):  # first: it is a RuntimeError too
        errors = " ".join(str(exc.message).splitlines()).strip()
        raise OcrError(f"tesseract failed: {errors}") from exc
    if isinstance(exc, RuntimeError):  # pytesseract's time-out
        raise OcrError(f"tesseract took longer than {timeout:.0f} s") from exc
    raise exc


def _paper(image: Image.Image) -> int | tuple[int, int, int]:
    return 255 if image.mode in ("L", "1") else (255, 255, 255)


def _blank(image: Image.Image, boxes: Sequence[Box]) -> Image.Image:
    rest = image.copy()
    for box in boxes:
        rest.paste(_paper(image), box)
    return rest


REGION_MARGIN_INCHES = 0.1  # of paper around a region read alone


def _padded(image: Image.Image, box: Box, margin: int) -> tuple[tuple[int, int], Image.Image]:
    """The region on a margin of blank paper, and where that image's origin is on the page.

    Tesseract loses what touches the edge of its image: a cell's crop ends at its rules,
    and a narrow column's text runs right up to them ("๑" and "–" of a period were lost).
    """
    crop = image.crop(box)
    out = Image.new(image.mode, (crop.width + 2 * margin, crop.height + 2 * margin), _paper(image))
    out.paste(crop, (margin, margin))
    return (box[0] - margin, box[1] - margin), out


def recognize(
    image: Image.Image,
    settings: OcrSettings | None = None,
    *,
    dpi: int,
    meanwhile: Callable[[], object] | None = None,
    regions: Sequence[Box] = (),
    rest: bool = True,
    hidden: Sequence[Box] | None = None,
) -> OcrPage:
    """Run Tesseract once on a page image; glyph boxes, confidences and phrase spaces.

    Each of `regions` (table cells) is read on its own, and the page around them apart:
    Tesseract's page segmentation takes text lines right across a table, and where the
    cells' lines do not share baselines (text centred in its cell, columns of different
    line counts) it joins lines of different cells into one, which reads as garbage. All
    parts go to one Tesseract process as a list of images, so the model loads once (each
    image is binarized on its own: measured, that reads cells better than one tall image
    of them all, which lost a narrow period column's dashes). Boxes come back in page
    pixels, lines part by part (a cell's lines stay together). The page around the
    regions is read without `hidden` (by default the regions themselves; the tables they
    are cells of, so that a glyph crossing a cell's edge is not read twice), or not at all
    with `rest=False` (it holds no print).
    `meanwhile` is called while Tesseract runs (see `_run_tesseract`).
    """
    settings = settings or OcrSettings()

    def checked() -> None:
        # The probe (two short runs of the program, 0.07 s) while the page is read, not
        # before: its errors still come first, and stop the reading.
        cached_probe()
        if meanwhile is not None:
            meanwhile()

    # Tesseract's OpenMP threads fight each other when pages run in parallel (measured:
    # 4.3 s/page against 11.8 s on 2 cores); one thread per process is also fastest alone.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    started = time.perf_counter()
    hidden = regions if hidden is None else hidden
    parts = [((0, 0), _blank(image, hidden) if hidden else image)] if rest else []
    parts += [_padded(image, box, round(dpi * REGION_MARGIN_INCHES)) for box in regions]
    if not parts:
        return OcrPage((), image.width, image.height, 0.0)
    with tempfile.TemporaryDirectory(prefix="thaireport-ocr-") as folder:
        # Uncompressed: writing a PNG took a tenth of a second a page, for nothing.
        sources = []
        for index, (_, part) in enumerate(parts):
            sources.append(Path(folder) / (f"cell-{index:04d}.pnm" if index else "page.pnm"))
            part.save(sources[-1])
        source = sources[0]
        if len(sources) > 1:  # a file naming one image a line is read as a multi-page input
            source = Path(folder) / "parts.txt"
            source.write_text("".join(f"{path}\n" for path in sources), encoding="utf-8")
        base = Path(folder) / "out"
        # One recognition, two renderings: TSV for boxes, text for where the spaces are.
        _run_tesseract(
            [str(source), str(base), "-l", settings.languages, "--psm", str(settings.psm),
             "--dpi", str(dpi), "-c", "tessedit_create_tsv=1", "-c", "tessedit_create_txt=1"],
            settings.timeout,
            checked,
        )  # fmt: skip
        tsv_path, txt_path = base.with_suffix(".tsv"), base.with_suffix(".txt")
        if not tsv_path.exists():
            raise OcrError("tesseract exited without writing its output")
        tsv = tsv_path.read_text(encoding="utf-8")
        text = txt_path.read_text(encoding="utf-8") if txt_path.exists() else ""
    # (splitlines also cuts at the form feed that ends each image's page of text)
    text_lines = [line for line in text.splitlines() if line.strip()]
    lines = []
    cursor = 0
    for number, raw in _parse_tsv(tsv):
        (dx, dy), _ = parts[number - 1]
        flags, cursor = _spaces_from_text([w[0] for w in raw], text_lines, cursor)
        glyphs = tuple(
            OcrGlyph(t, left + dx, top + dy, width, height, conf, space)
            for (t, left, top, width, height, conf), space in zip(raw, flags, strict=True)
        )
        lines.append(OcrLine(glyphs))
    return OcrPage(tuple(lines), image.width, image.height, time.perf_counter() - started)


_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.M)


def detect_orientation(image: Image.Image, *, dpi: int, timeout: float = 60.0) -> int:
    """Clockwise rotation (0, 90, 180, 270) that Tesseract's OSD finds in the page.

    Run on a page reduced to about 150 DPI: as reliable on these pages and twice as fast.
    """
    cached_probe()
    scale = min(1.0, 150 / dpi)
    small = image.resize((int(image.width * scale), int(image.height * scale)))
    with tempfile.TemporaryDirectory(prefix="thaireport-osd-") as folder:
        source = Path(folder) / "page.pnm"
        small.save(source)
        base = Path(folder) / "out"
        try:
            _run_tesseract(
                [str(source), str(base), "-l", "osd", "--psm", "0",
                 "--dpi", str(int(dpi * scale))],
                timeout,
            )  # fmt: skip
        except OcrError:
            return 0  # too little text to tell: leave the page as it is
        osd = base.with_suffix(".osd")
        match = _ROTATE.search(osd.read_text(encoding="utf-8")) if osd.exists() else None
    return int(match.group(1)) % 360 if match else 0
