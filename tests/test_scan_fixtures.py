"""Tests of the scanner simulation (tests/fixtures/scan.py): the OCR tests' inputs must be what
they claim to be — skewed by the asked angle, really upside down, really JPEG, tagged with
their DPI, free of a text layer where they should be — and reproducible from a seed."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from numpy.typing import NDArray
from PIL import Image

from tests.fixtures.content import ReportContent, SectionContent
from tests.fixtures.pdfgen import VARIANTS, render_report
from tests.fixtures.scan import (
    SCAN_PROFILES,
    Degradation,
    PageOverride,
    ScanProfile,
    degrade,
    image_only_pdf,
    mixed_pdf,
    rasterize,
    scan_pages,
    scan_pdf,
    write_multipage_tiff,
)

HEADER = (
    "มาตรการ/กิจกรรม",
    "วิธีดำเนินการ",
    "ผู้รับผิดชอบ",
    "ระยะเวลา",
    "สรุปผลการดำเนินการตามมาตรการ/กิจกรรม",
    "ผลลัพธ์หรือความสำเร็จของการดำเนินการ",
)
ROW = (
    "๑. การประกาศเจตจำนงสุจริตของผู้บริหาร",
    "๑. นายกองค์การบริหารส่วนตำบลท่าหินประกาศเจตจำนงสุจริต\n๒. เผยแพร่ทางเว็บไซต์",
    "สำนักปลัด",
    "๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗",
    "ดำเนินการแล้ว ร้อยละ ๙๕.๕๙ จำนวน ๙ ราย",
    "บุคลากรรับทราบนโยบาย No Gift Policy",
)

# libjpeg's standard luminance quantization table (quality 50)
JPEG_LUMA_BASE = (
    (16, 11, 10, 16, 24, 40, 51, 61),
    (12, 12, 14, 19, 26, 58, 60, 55),
    (14, 13, 16, 24, 40, 57, 69, 56),
    (14, 17, 22, 29, 51, 87, 80, 62),
    (18, 22, 37, 56, 68, 109, 103, 77),
    (24, 35, 55, 64, 81, 104, 113, 92),
    (49, 64, 78, 87, 103, 121, 120, 101),
    (72, 92, 95, 98, 112, 100, 103, 99),
)
JPEG_LUMA_BASE_SUM = sum(map(sum, JPEG_LUMA_BASE))


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page ruled report: title, one section, seven rows (the table breaks)."""
    content = ReportContent(
        title_lines=(
            "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
            "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗",
        ),
        sections=(SectionContent("ประเด็นที่ ๑ การเปิดเผยข้อมูล", HEADER, (ROW,) * 7),),
    )
    path = tmp_path_factory.mktemp("scan") / "two_pages.pdf"
    render_report(content, path, VARIANTS["portrait"])
    assert len(pdfium.PdfDocument(path)) == 2
    return path


@pytest.fixture(scope="module")
def page200(two_pages: Path) -> Image.Image:
    return rasterize(two_pages, 200)[0]


# --------------------------------------------------------------------------- helpers


def measure_skew(image: Image.Image) -> float:
    """Counter-clockwise skew in degrees, from the projection profile of the dark pixels
    (table rules and text lines are sharpest when projected along the true angle)."""
    ys, xs = np.nonzero(np.asarray(image.convert("L")) < 110)
    ys_f = ys.astype(np.float64)
    xs_f = xs.astype(np.float64) - xs.mean()

    def sharpness(degrees: float) -> float:
        projected = ys_f + xs_f * math.tan(math.radians(degrees))
        counts = np.bincount(np.rint(projected - projected.min()).astype(np.int64))
        return float(np.square(counts.astype(np.float64)).sum())

    coarse = max(np.arange(-3.0, 3.0001, 0.1), key=sharpness)
    return float(max(np.arange(coarse - 0.1, coarse + 0.1001, 0.01), key=sharpness))


def estimate_jpeg_quality(path: Path) -> int:
    """libjpeg quality from the luminance table the file was written with."""
    with Image.open(path) as image:
        tables: dict[int, list[int]] = image.quantization  # type: ignore[attr-defined]
        scale = 100.0 * sum(tables[0]) / JPEG_LUMA_BASE_SUM
    return round((200.0 - scale) / 2.0 if scale <= 100.0 else 5000.0 / scale)


def pixels(image: Image.Image) -> NDArray[np.uint8]:
    return np.asarray(image)


def page_points(pdf: Path) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()


def text_layer_chars(pdf: Path) -> list[int]:
    """How many characters each page's text layer holds (none, for an image-only PDF)."""
    with pdfplumber.open(pdf) as doc:
        return [len(page.chars) for page in doc.pages]


# --------------------------------------------------------------------------- rasterizing


@pytest.mark.parametrize(("dpi", "mode"), [(200, "L"), (100, "RGB")])
def test_rasterize_size_follows_dpi(two_pages: Path, dpi: int, mode: str) -> None:
    images = rasterize(two_pages, dpi, mode="RGB" if mode == "RGB" else "L")
    assert len(images) == 2
    for image, (w_pt, h_pt) in zip(images, page_points(two_pages), strict=True):
        assert image.mode == mode
        assert image.info["dpi"] == (dpi, dpi)
        assert abs(image.width - w_pt * dpi / 72) <= 1
        assert abs(image.height - h_pt * dpi / 72) <= 1
        assert pixels(image).min() < 50  # ink is there


# --------------------------------------------------------------------------- degrading


FULL = Degradation(
    rotate_deg=1.3,
    blur_sigma=0.7,
    noise_sigma=6.0,
    salt_pepper=0.001,
    jpeg_quality=70,
    uneven_light=0.5,
    seed=7,
)


def test_degrade_is_deterministic(page200: Image.Image) -> None:
    small = page200.reduce(2)
    first = pixels(degrade(small, FULL))
    assert np.array_equal(first, pixels(degrade(small, FULL)))
    other = pixels(degrade(small, replace(FULL, seed=8)))
    assert not np.array_equal(first, other)
    assert not np.array_equal(first, pixels(small))


def test_scan_pdf_is_reproducible_byte_for_byte(two_pages: Path, tmp_path: Path) -> None:
    office = replace(SCAN_PROFILES["office200"], dpi=100)  # same steps, fewer pixels
    a = scan_pdf(two_pages, tmp_path / "a", office)
    b = scan_pdf(two_pages, tmp_path / "b", office)
    c = scan_pdf(two_pages, tmp_path / "c", office.with_seed(12345))
    assert [p.name for p in a] == ["page-001.png", "page-002.png"]
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert all(x.read_bytes() != y.read_bytes() for x, y in zip(a, c, strict=True))


@pytest.mark.parametrize("angle", [0.3, -0.8, 2.0])
def test_skew_is_the_asked_angle(page200: Image.Image, angle: float) -> None:
    assert abs(measure_skew(page200)) <= 0.05  # the rendered page is straight
    skewed = degrade(page200, Degradation(rotate_deg=angle, blur_sigma=0.6, noise_sigma=5, seed=1))
    assert skewed.size == page200.size  # expand=False
    assert measure_skew(skewed) == pytest.approx(angle, abs=0.2)


def test_skew_fills_corners_near_white(page200: Image.Image) -> None:
    skewed = pixels(degrade(page200, Degradation(rotate_deg=-2.0)))
    assert skewed[:5, :5].min() >= 240
    assert skewed[-5:, -5:].min() >= 240


def test_office_profile_skews_each_page_differently(two_pages: Path) -> None:
    pages = scan_pages(two_pages, "office200")
    angles = [page.degradation.rotate_deg for page in pages]
    assert all(0.3 <= abs(a) <= 2.0 for a in angles)
    assert angles[0] != angles[1]
    for page in pages:
        assert page.dpi == 200
        assert 60 <= (page.degradation.jpeg_quality or 0) <= 75
        assert measure_skew(page.image) == pytest.approx(page.degradation.rotate_deg, abs=0.2)


def test_upside_down_is_a_half_turn(page200: Image.Image, two_pages: Path) -> None:
    flipped = degrade(page200, Degradation(upside_down=True))
    assert np.array_equal(pixels(flipped), pixels(page200)[::-1, ::-1])
    # the profile turns the first page only, at 300 DPI
    clean = scan_pages(two_pages, "clean300")
    turned = scan_pages(two_pages, "upside_down")
    assert [p.dpi for p in turned] == [300, 300]
    assert np.array_equal(pixels(turned[0].image), pixels(clean[0].image)[::-1, ::-1])
    assert np.array_equal(pixels(turned[1].image), pixels(clean[1].image))


def test_uneven_light_darkens_one_side_and_tints_the_paper(two_pages: Path) -> None:
    page = rasterize(two_pages, 72, mode="RGB")[1]
    lit = pixels(degrade(page, Degradation(uneven_light=0.8, seed=3))).astype(np.float64)
    corners = [lit[:12, :12], lit[:12, -12:], lit[-12:, :12], lit[-12:, -12:]]
    means = [c.mean() for c in corners]
    assert max(means) - min(means) > 25  # a gradient, not a uniform dimming
    assert max(means) < 235  # and no paper is pure white under a phone's light
    red, blue = lit[:12, :12, 0].mean(), lit[:12, :12, 2].mean()
    assert red - blue > 10  # warm paper tint


# --------------------------------------------------------------------------- files


def test_jpeg_pages_are_jpeg_at_the_profile_quality(two_pages: Path, tmp_path: Path) -> None:
    jpegs = scan_pdf(two_pages, tmp_path / "jpeg", "office200", fmt="jpeg")
    pngs = scan_pdf(two_pages, tmp_path / "png", "office200", fmt="png")
    qualities = [d.jpeg_quality for _, d in SCAN_PROFILES["office200"].page_settings(2)]
    for jpeg, png, quality in zip(jpegs, pngs, qualities, strict=True):
        assert jpeg.name.endswith(".jpg")
        assert jpeg.read_bytes()[:3] == b"\xff\xd8\xff"
        with Image.open(jpeg) as image:
            assert image.format == "JPEG"
        assert estimate_jpeg_quality(jpeg) == pytest.approx(quality, abs=1)
        assert 60 <= estimate_jpeg_quality(jpeg) <= 75
        assert jpeg.stat().st_size < png.stat().st_size / 2


@pytest.mark.parametrize("fmt", ["png", "jpeg", "tiff"])
def test_files_carry_their_dpi(two_pages: Path, tmp_path: Path, fmt: str) -> None:
    profile = ScanProfile("low", 100, Degradation(noise_sigma=3, seed=1))
    paths = scan_pdf(two_pages, tmp_path, profile, fmt=fmt)  # type: ignore[arg-type]
    assert len(paths) == 2
    for path, (w_pt, h_pt) in zip(paths, page_points(two_pages), strict=True):
        with Image.open(path) as image:
            assert image.format == {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}[fmt]
            assert tuple(round(float(v)) for v in image.info["dpi"]) == (100, 100)
            assert abs(image.width - w_pt * 100 / 72) <= 1
            assert abs(image.height - h_pt * 100 / 72) <= 1


def test_multipage_tiff_has_a_frame_per_page(page200: Image.Image, tmp_path: Path) -> None:
    images = [page200.reduce(4), page200.reduce(2), page200.reduce(4)]
    path = write_multipage_tiff(images, tmp_path / "scan.tif", dpi=[50, 100, 50])
    with Image.open(path) as tiff:
        assert tiff.n_frames == 3  # type: ignore[attr-defined]
        for index, expected in enumerate(images):
            tiff.seek(index)
            assert tuple(round(float(v)) for v in tiff.info["dpi"]) == (
                (50, 50) if index != 1 else (100, 100)
            )
            assert np.array_equal(pixels(tiff.convert("L")), pixels(expected))


# --------------------------------------------------------------------------- PDFs


def test_image_only_pdf_has_no_text_and_page_size_from_dpi(two_pages: Path, tmp_path: Path) -> None:
    pages = scan_pages(two_pages, "office200")
    path = image_only_pdf([p.image for p in pages], tmp_path / "scan.pdf", dpi=200)
    assert text_layer_chars(path) == [0, 0]
    for (w_pt, h_pt), (orig_w, orig_h) in zip(
        page_points(path), page_points(two_pages), strict=True
    ):
        assert w_pt == pytest.approx(pages[0].image.width * 72 / 200)
        assert abs(w_pt - orig_w) < 0.5 and abs(h_pt - orig_h) < 0.5
    with pdfplumber.open(path) as doc:
        assert all(len(page.images) == 1 for page in doc.pages)
    again = image_only_pdf([p.image for p in pages], tmp_path / "again.pdf", dpi=200)
    assert path.read_bytes() == again.read_bytes()


def test_image_only_pdf_with_a_dpi_per_page(two_pages: Path, tmp_path: Path) -> None:
    pages = scan_pages(two_pages, "mixed")
    assert [p.dpi for p in pages] == [300, 220]
    path = image_only_pdf([p.image for p in pages], tmp_path / "mixed.pdf", [p.dpi for p in pages])
    assert text_layer_chars(path) == [0, 0]
    for (w_pt, h_pt), (orig_w, orig_h) in zip(
        page_points(path), page_points(two_pages), strict=True
    ):
        assert abs(w_pt - orig_w) < 0.5 and abs(h_pt - orig_h) < 0.5
    again = image_only_pdf([p.image for p in pages], tmp_path / "mixed2.pdf", [300, 220])
    assert path.read_bytes() == again.read_bytes()


def test_mixed_pdf_keeps_text_only_on_unscanned_pages(two_pages: Path, tmp_path: Path) -> None:
    text_chars = text_layer_chars(two_pages)
    assert all(n > 100 for n in text_chars)
    scanned = scan_pages(two_pages, "office200")
    for replaced in ({1}, {0}, {0, 1}):
        path = mixed_pdf(
            two_pages,
            {i: scanned[i].image for i in replaced},
            tmp_path / f"mixed-{sorted(replaced)}.pdf",
            dpi=200,
        )
        got = text_layer_chars(path)
        assert got == [0 if i in replaced else text_chars[i] for i in range(2)]
        with pdfplumber.open(path) as doc:
            assert [len(p.images) for p in doc.pages] == [int(i in replaced) for i in range(2)]
    with pytest.raises(IndexError):
        mixed_pdf(two_pages, {2: scanned[0].image}, tmp_path / "bad.pdf", dpi=200)


# --------------------------------------------------------------------------- profiles


def test_profiles_make_the_issue_set() -> None:
    assert {"clean300", "clean200", "office200", "upside_down", "phone", "mixed"} <= set(
        SCAN_PROFILES
    )
    for dpi, d in SCAN_PROFILES["clean300"].page_settings(2):
        assert dpi == 300 and d == Degradation(seed=d.seed)
    assert SCAN_PROFILES["clean200"].dpi == 200
    phone = SCAN_PROFILES["phone"]
    assert phone.mode == "RGB" and 200 <= phone.dpi <= 250
    assert all(d.uneven_light > 0 and d.jpeg_quality for _, d in phone.page_settings(3))
    settings = SCAN_PROFILES["mixed"].page_settings(4)
    assert [dpi for dpi, _ in settings] == [300, 200, 200, 220]
    assert [d.upside_down for _, d in settings] == [True, False, False, False]
    assert [d.uneven_light > 0 for _, d in settings] == [False, False, False, True]
    assert all(0.3 <= abs(d.rotate_deg) <= 2.0 and d.jpeg_quality for _, d in settings)
    assert all(d.blur_sigma > 0 and d.noise_sigma > 0 for _, d in settings)


def test_overrides_count_from_the_end() -> None:
    profile = ScanProfile("p", 150, overrides={-1: PageOverride(Degradation(blur_sigma=1), 96)})
    settings = profile.page_settings(3)
    assert [dpi for dpi, _ in settings] == [150, 150, 96]
    assert settings[2][1].blur_sigma == 1
    seeds = {d.seed for _, d in settings}
    assert len(seeds) == 3  # every page draws its own noise
