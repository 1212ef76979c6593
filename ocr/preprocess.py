"""Page images as a scanner or a phone delivers them, made ready for OCR and layout.

Each step is a small function on numpy arrays (uint8, white paper = 255), so it can be
measured alone: grayscale, background flattening for uneven light, skew estimate and
correction (±5°), binarization that keeps thin Thai marks. Specks are left to Tesseract,
which reads the gray page: removing them gained nothing on the fixtures and cost a
connected-component pass per page.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

Gray = NDArray[np.uint8]

# Coloured ink (stamps, pen): a pixel whose channels differ by this much is coloured ...
MIN_CHROMA = 60
# ... unless it is dark: where a stamp overlaps print the overlap is near black, and that
# is the print's stroke (ink multiplies). Measured on painted stamps and pen over the
# example page: black print has a chroma under 25 even after JPEG.
MIN_COLOUR_VALUE = 90
MAX_SKEW = 5.0  # degrees; larger angles are orientation, not skew
SKEW_WORK_WIDTH = 1000  # pixels: skew is estimated on a reduced copy


@dataclass(frozen=True)
class PreparedPage:
    """A page ready for OCR: upright, deskewed, flattened gray and a binary (ink = 0)."""

    gray: Gray
    binary: Gray
    dpi: int
    skew_degrees: float  # the correction applied (counter-clockwise positive)
    coloured: Gray | None = None  # 255 where coloured ink was painted out (deskewed too)


def to_gray(image: Image.Image) -> Gray:
    return separate_colour(image)[0]


def separate_colour(image: Image.Image) -> tuple[Gray, Gray | None]:
    """The page in gray with coloured ink painted out as paper, and where that ink was.

    Print is black; red stamps, blue pen and highlighter are not. A pixel counts as
    coloured when its channels differ by `MIN_CHROMA` and it is not dark: a coloured stroke
    crossing a printed one is dark where they overlap and stays print. Gray and bilevel
    pages have no colour to separate (None).
    """
    image = ImageOps.exif_transpose(image) or image
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    array = np.asarray(image)
    if array.ndim != 3:
        return np.ascontiguousarray(array, dtype=np.uint8), None
    gray = cv2.cvtColor(array, cv2.COLOR_RGB2GRAY)
    high = array.max(axis=2)
    chroma = high - array.min(axis=2)
    coloured = (chroma >= MIN_CHROMA) & (high >= MIN_COLOUR_VALUE)
    if not coloured.any():
        return np.ascontiguousarray(gray, dtype=np.uint8), None
    # The halo of a coloured stroke (anti-aliasing, JPEG) is paler than its core: grown by
    # a pixel so it does not stay behind as a gray outline Tesseract reads as marks.
    mask = cv2.dilate(coloured.astype(np.uint8) * 255, np.ones((3, 3), np.uint8))
    mask[(chroma < MIN_CHROMA // 2) & (high < MIN_COLOUR_VALUE)] = 0  # print stays print
    gray = gray.copy()
    gray[mask > 0] = 255
    return np.ascontiguousarray(gray, dtype=np.uint8), np.asarray(mask, dtype=np.uint8)


def flatten_background(gray: Gray, dpi: int) -> Gray:
    """Divide out the paper's illumination (phone photos, yellowed paper).

    The background is estimated by a closing larger than any stroke, so ink never counts
    as shadow; dividing by it leaves paper at 255 and ink at its contrast.
    """
    # On a quarter-size copy, for speed: illumination varies slowly.
    size = max(5, int(dpi / 40)) | 1
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.resize(
        background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return np.asarray(flat, dtype=np.uint8)


def binarize(gray: Gray) -> Gray:
    """Otsu on the flattened page: thin marks (ไม้เอก, นิคหิต) keep their pixels."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.asarray(binary, dtype=np.uint8)


def estimate_skew(binary: Gray) -> float:
    """Skew in degrees by the projection profile: rows of text and rules are sharpest level."""
    scale = min(1.0, SKEW_WORK_WIDTH / binary.shape[1])
    ink = cv2.resize(255 - binary, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    height, width = ink.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5), key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    return float(max(fine, key=sharpness))


def rotate(gray: Gray, degrees: float) -> Gray:
    """Rotate counter-clockwise by `degrees`, keeping the page size, filling with paper."""
    if abs(degrees) < 0.02:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    rotated = cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)
    return np.asarray(rotated, dtype=np.uint8)


def turn(image: Image.Image, clockwise: int) -> Image.Image:
    """Undo a page's orientation (0/90/180/270 as OSD reports the needed rotation)."""
    if clockwise % 360 == 0:
        return image
    return image.rotate(-clockwise, expand=True)


def denoise(gray: Gray) -> Gray:
    """A 3×3 median: takes sensor noise and JPEG speckle, keeps strokes two pixels wide."""
    return np.asarray(cv2.medianBlur(gray, 3), dtype=np.uint8)


def prepare(
    image: Image.Image,
    dpi: int,
    *,
    flatten: bool = True,
    deskew: bool = True,
    median: bool = False,
) -> PreparedPage:
    """The steps a scanner's output needs; each can be switched off to measure it."""
    gray, coloured = separate_colour(image)
    if flatten:
        gray = flatten_background(gray, dpi)
    if median:
        gray = denoise(gray)
    skew = estimate_skew(binarize(gray)) if deskew else 0.0
    gray = rotate(gray, skew)
    if coloured is not None:
        coloured = 255 - rotate(255 - coloured, skew)
    binary = binarize(gray)
    return PreparedPage(gray=gray, binary=binary, dpi=dpi, skew_degrees=skew, coloured=coloured)
