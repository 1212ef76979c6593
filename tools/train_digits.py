"""Build the Thai digit model shipped in ``ocr/data/`` (``python -m tools.train_digits``).

Training data is rendered, never downloaded: number-shaped strings (years, dates, times,
percentages, counts, bracketed numbers — Thai and Arabic digits with . , - – / : % ( ))
and strings of the letters Tesseract confuses with digits, in the Thai fonts the Makefile
installs (TLWG, Noto Thai) and Sarabun from ``fontpkg-sarabun``, at 10–20 pt, 200 and
300 DPI, damaged like a scan (rotation, blur, ink spread or thinning, noise, JPEG,
threshold jitter, grey paper). Every string is cut into crops by the runtime's own
:func:`ocr.digits.cut_run`, so the model learns exactly the crops it will see; a string
whose crops do not match its characters one to one counts as a segmentation failure.

Some fonts are held out of training; the report ``ocr/data/digits-report.json`` gives the
shipped model's accuracy on them, clean and degraded, per DPI, with the confusion pairs.
Everything is seeded: the same fonts give the same model.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont
from thaireport.ocr.digits import (
    _LETTER_TO_DIGIT_MIN_P,
    ARABIC_DIGITS,
    MODEL_PATH,
    NUMBER_CLASSES,
    THAI_DIGITS,
    DigitModel,
    Floats,
    crop_features,
    cut_run,
)

TLWG = Path("/usr/share/fonts/truetype/tlwg")
NOTO = Path("/usr/share/fonts/truetype/noto")
REPORT_NAME = "digits-report.json"

THAI_LETTERS = "กขคฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮฯๆะาเแโใไ"
#: Latin letters Tesseract's eng model puts for Thai digits (o, O, l, I are left out: in a
#: number they are 0 and 1).
LATIN_LETTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
CLASSES = NUMBER_CLASSES + THAI_LETTERS + LATIN_LETTERS


def sarabun(name: str) -> Path:
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.ROOT) / "files" / f"Sarabun-{name}.ttf"


#: Every Thai face that installs here, by design family, regular and bold. Families whose
#: digits share a design sit in one fold, so a held-out face never has a twin in training:
#: Laksaman is TLWG's copy of TH SarabunPSK, the design Sarabun continues; Kinnari and
#: Norasi are sister serifs; the four TLWG typewriter faces share their glyphs.
#: TH SarabunIT๙ / TH Sarabun New (the government faces) install from neither Debian nor
#: PyPI; Sarabun is their closest installable relative.
FOLDS: tuple[tuple[str, ...], ...] = (
    ("Sarabun", "Laksaman", "Waree", "Purisa", "NotoLoopedThai"),
    ("Garuda", "Kinnari", "Norasi", "Sawasdee", "NotoSerifThai"),
    ("Loma", "Umpush", "TlwgMono", "TlwgTypewriter", "TlwgTypist", "TlwgTypo", "NotoSansThai"),
)


def face_paths(family: str) -> list[Path]:
    """The regular and bold faces of a family (fonts that are not installed are skipped)."""
    if family == "Sarabun":
        paths = [sarabun("Regular"), sarabun("Bold")]
    elif family.startswith("Noto"):
        paths = [NOTO / f"{family}-Regular.ttf", NOTO / f"{family}-Bold.ttf"]
    else:
        paths = [TLWG / f"{family}.ttf", TLWG / f"{family}-Bold.ttf"]
    return [p for p in paths if p.exists()]


def missing_faces() -> list[str]:
    expected = [f"{family} {w}" for fold in FOLDS for family in fold for w in ("Regular", "Bold")]
    have = {_family_weight(p) for fold in FOLDS for family in fold for p in face_paths(family)}
    return [name for name in expected if name not in have]


def _family_weight(path: Path) -> str:
    stem = path.stem.replace("Sarabun-", "Sarabun ").replace("-Regular", "")
    family = stem.split("-")[0].split(" ")[0]
    return f"{family} {'Bold' if 'Bold' in path.stem else 'Regular'}"


def family_of(stem: str) -> str:
    return stem.split("-")[0]


def all_fonts() -> list[Path]:
    return [p for fold in FOLDS for family in fold for p in face_paths(family)]


# --------------------------------------------------------------------------- strings


def _digits(rng: np.random.Generator, n: int, alphabet: str) -> str:
    return "".join(alphabet[i] for i in rng.integers(0, 10, n))


def number_string(rng: np.random.Generator) -> str:
    """A number as printed in the reports (years, dates, times, %, counts, ...)."""
    d = THAI_DIGITS if rng.random() < 0.8 else ARABIC_DIGITS

    def n(k: int) -> str:
        return _digits(rng, k, d)

    kind = int(rng.integers(0, 12))
    if kind == 0:
        return d[2] + d[5] + n(2)  # a BE year
    if kind == 1:
        day, month = n(int(rng.integers(1, 3))), n(int(rng.integers(1, 3)))
        return f"{day}/{month}/{n(int(rng.choice([2, 4])))}"
    if kind == 2:
        return f"{n(int(rng.integers(1, 3)))}.{n(2)}" + ("%" if rng.random() < 0.4 else "")
    if kind == 3:
        return f"({n(int(rng.integers(1, 4)))})"
    if kind == 4:
        return f"{n(2)}:{n(2)}"
    if kind == 5:
        dash = "-" if rng.random() < 0.5 else "–"
        return f"{n(int(rng.integers(1, 3)))}{dash}{n(int(rng.integers(1, 3)))}"
    if kind == 6:
        return f"{n(int(rng.integers(1, 4)))},{n(3)}" + ("." + n(2) if rng.random() < 0.5 else "")
    if kind == 7:
        return n(int(rng.integers(1, 3))) + "."  # a numbered step "๑."
    if kind == 8:
        return n(int(rng.integers(1, 3))) + "%"
    if kind == 9:  # all the punctuation, mixed
        chars = NUMBER_CLASSES
        return "".join(chars[i] for i in rng.integers(0, len(chars), int(rng.integers(2, 7))))
    return n(int(rng.integers(1, 7)))


def letter_string(rng: np.random.Generator) -> str:
    """Letters (alone or among digits): what the classifier must not take for digits."""
    pool = THAI_LETTERS if rng.random() < 0.7 else LATIN_LETTERS
    k = int(rng.integers(1, 6))
    chars = [pool[i] for i in rng.integers(0, len(pool), k)]
    if rng.random() < 0.3:
        chars.insert(int(rng.integers(0, k + 1)), THAI_DIGITS[int(rng.integers(0, 10))])
    return "".join(chars)


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Damage:
    rotate: float = 0.0  # degrees
    blur: float = 0.0  # sigma in pixels at 300 DPI
    ink: int = 0
    paper: int = 255
    noise: float = 0.0
    morph: int = 0  # -1 thinner ink, +1 ink spread
    jpeg: int = 0  # quality, 0 = none
    threshold: int = 0  # binarize at this level, 0 = keep grey


CLEAN = Damage()


def random_damage(rng: np.random.Generator, strength: float = 1.0) -> Damage:
    s = strength
    return Damage(
        rotate=float(rng.uniform(-1.2, 1.2) * s),
        blur=float(rng.uniform(0.0, 1.3) * s),
        ink=int(rng.uniform(0, 110 * s)),
        paper=int(255 - rng.uniform(0, 60 * s)),
        noise=float(rng.uniform(0, 22) * s),
        morph=int(rng.choice([-1, 0, 0, 0, 1])) if rng.random() < s else 0,
        jpeg=int(rng.uniform(20, 90)) if rng.random() < 0.5 * s else 0,
        threshold=int(rng.uniform(90, 210)) if rng.random() < 0.25 * s else 0,
    )


@lru_cache(maxsize=256)
def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, px)


@lru_cache(maxsize=64)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    return frozenset(TTFont(path, lazy=True).getBestCmap())


def fallback(font: Path) -> Path:
    """The face a document would fall back to for what a Thai-only font lacks (Noto Thai has
    no Latin, digits 0-9 or punctuation: a Word document takes them from the Latin face)."""
    bold = "-Bold" if "Bold" in font.stem else "-Regular"
    serif = "Serif" in font.stem
    return NOTO / f"Noto{'Serif' if serif else 'Sans'}{bold}.ttf"


def render(
    text: str, font: Path, pt: float, dpi: int, damage: Damage, rng: np.random.Generator
) -> NDArray[np.uint8]:
    """The string as a scanned strip: uint8, paper light, ink dark."""
    px = max(6, round(pt * dpi / 72))
    main, other = _font(str(font), px), _font(str(fallback(font)), px)
    covered = _cmap(str(font))
    faces = [main if ord(ch) in covered else other for ch in text]
    width = sum(f.getlength(ch) for f, ch in zip(faces, text, strict=True))
    pad = px
    image = Image.new("L", (int(width) + 2 * pad, 3 * px), 255)
    draw = ImageDraw.Draw(image)
    x = float(pad)
    for face, ch in zip(faces, text, strict=True):
        draw.text((x, 2 * px), ch, font=face, fill=0, anchor="ls")
        x += face.getlength(ch)
    scale = dpi / 300.0
    a: NDArray[Any] = np.asarray(image, dtype=np.float32)
    if damage.rotate:
        h, w = a.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), damage.rotate, 1.0)
        a = cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255.0)
    if damage.morph:
        k = np.ones((2, 2), np.uint8)
        a = cv2.erode(a, k) if damage.morph > 0 else cv2.dilate(a, k)
    if damage.blur > 0.05:
        a = cv2.GaussianBlur(a, (0, 0), damage.blur * scale)
    a = damage.ink + (damage.paper - damage.ink) * (a / 255.0)
    if damage.noise:
        a = a + rng.normal(0, damage.noise, a.shape)
    out = np.clip(a, 0, 255).astype(np.uint8)
    if damage.jpeg:
        buffer = io.BytesIO()
        Image.fromarray(out).save(buffer, format="JPEG", quality=damage.jpeg)
        out = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"), dtype=np.uint8)
    if damage.threshold:
        out = np.where(out < damage.threshold, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(out)


def ink_box(strip: NDArray[np.uint8]) -> tuple[int, int, int, int] | None:
    """The strip's ink box (as Tesseract's glyph boxes would give it)."""
    ink = strip < min(160, int(strip.max()) - 40)
    ink = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)) > 0
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def samples(
    text: str, font: Path, pt: float, dpi: int, damage: Damage, rng: np.random.Generator
) -> tuple[Floats, list[str]] | None:
    """Features and labels of one rendered string; None if it does not cut one to one."""
    strip = render(text, font, pt, dpi, damage, rng)
    box = ink_box(strip)
    if box is None:
        return None
    crops = cut_run(strip, *box, dpi=dpi)
    if len(crops) != len(text):
        return None
    return crop_features(crops, dpi=dpi), list(text)


@dataclass(frozen=True)
class Job:
    fonts: tuple[str, ...]
    count: int
    seed: int
    strength: float  # 0 = clean renderings
    numbers_share: float = 0.65


def run_job(job: Job) -> tuple[Floats, list[str], int, int, list[str]]:
    rng = np.random.default_rng(job.seed)
    rows: list[Floats] = []
    labels: list[str] = []
    fonts_of: list[str] = []
    failed = 0
    for _ in range(job.count):
        font = Path(job.fonts[int(rng.integers(0, len(job.fonts)))])
        text = number_string(rng) if rng.random() < job.numbers_share else letter_string(rng)
        dpi = int(rng.choice([200, 300]))
        pt = float(rng.uniform(10, 20))
        damage = random_damage(rng, job.strength) if job.strength > 0 else CLEAN
        result = samples(text, font, pt, dpi, damage, rng)
        if result is None:
            failed += 1
            continue
        rows.append(result[0])
        labels.extend(f"{c}\t{dpi}" for c in result[1])
        fonts_of.extend([font.stem] * len(result[1]))
    x = np.concatenate(rows) if rows else np.zeros((0, 1), np.float32)
    return x, labels, failed, job.count, fonts_of


def build(
    fonts: Sequence[Path], count: int, seed: int, strength: float, workers: int
) -> tuple[Floats, list[str], list[int], list[str], float]:
    chunk = 500
    jobs = [
        Job(tuple(str(f) for f in fonts), min(chunk, count - i), seed * 100_003 + i, strength)
        for i in range(0, count, chunk)
    ]
    with Pool(workers) as pool:
        parts = pool.map(run_job, jobs)
    x = np.concatenate([p[0] for p in parts if len(p[1])])
    tagged = [t for p in parts for t in p[1]]
    failed = sum(p[2] for p in parts)
    total = sum(p[3] for p in parts)
    fonts_of = [f for p in parts for f in p[4]]
    labels = [t.split("\t")[0] for t in tagged]
    dpis = [int(t.split("\t")[1]) for t in tagged]
    return x, labels, dpis, fonts_of, failed / max(total, 1)


# --------------------------------------------------------------------------- the MLP


def train_mlp(
    x: Floats, y: NDArray[np.int64], classes: int, hidden: int, epochs: int, seed: int
) -> DigitModel:
    rng = np.random.default_rng(seed)
    mean = x.mean(axis=0)
    scale = 1.0 / (x.std(axis=0) + 0.05)
    xs = ((x - mean) * scale).astype(np.float32)
    n, d = xs.shape
    params: list[NDArray[np.float32]] = []
    if hidden:
        params = [
            (rng.normal(0, math.sqrt(2 / d), (d, hidden))).astype(np.float32),
            np.zeros(hidden, np.float32),
            (rng.normal(0, math.sqrt(1 / hidden), (hidden, classes))).astype(np.float32),
            np.zeros(classes, np.float32),
        ]
    else:
        params = [
            np.eye(d, dtype=np.float32),
            np.zeros(d, np.float32),
            np.zeros((d, classes), np.float32),
            np.zeros(classes, np.float32),
        ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2, decay = 2e-3, 0.9, 0.999, 1e-4
    step = 0
    batch = 256
    for epoch in range(epochs):
        order = rng.permutation(n)
        rate = lr * (0.5 * (1 + math.cos(math.pi * epoch / epochs)))
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            xb, yb = xs[idx], y[idx]
            w1, c1, w2, c2 = params
            pre = xb @ w1 + c1
            h = np.maximum(pre, 0) if hidden else pre
            logits = h @ w2 + c2
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(idx)), yb] -= 1
            p /= len(idx)
            grads = [np.zeros_like(w1), np.zeros_like(c1), h.T @ p + decay * w2, p.sum(axis=0)]
            if hidden:
                dh = (p @ w2.T) * (pre > 0)
                grads[0] = xb.T @ dh + decay * w1
                grads[1] = dh.sum(axis=0)
            step += 1
            for i, g in enumerate(grads):
                if not hidden and i < 2:
                    continue
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                mh = m[i] / (1 - b1**step)
                vh = v[i] / (1 - b2**step)
                params[i] -= (rate * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
    w1, c1, w2, c2 = params
    if not hidden:  # fold the identity layer away: relu(x) would clip, so keep it linear
        w1 = np.concatenate([np.eye(d, dtype=np.float32), -np.eye(d, dtype=np.float32)], 1)
        c1 = np.zeros(2 * d, np.float32)
        w2 = np.concatenate([w2, -w2], 0)
    return DigitModel(tuple(CLASSES), mean, scale, w1, c1, w2, c2)


# --------------------------------------------------------------------------- evaluation


def evaluate(
    model: DigitModel, x: Floats, labels: Sequence[str], restrict: bool
) -> tuple[float, NDArray[np.int64]]:
    """Accuracy (number characters only) and the predictions."""
    p = model.probabilities(x)
    if restrict:  # a crop Tesseract read as a number character: only numbers compete
        p = np.where(model.number_mask, p, 0.0)
    pred = p.argmax(axis=1)
    truth = np.array([model.classes.index(c) for c in labels])
    keep = np.array([c in NUMBER_CLASSES for c in labels])
    return float((pred[keep] == truth[keep]).mean()), pred


def confusions(
    model: DigitModel, labels: Sequence[str], pred: NDArray[np.int64], top: int = 15
) -> list[dict[str, Any]]:
    pairs = Counter(
        (c, model.classes[int(k)])
        for c, k in zip(labels, pred, strict=True)
        if c != model.classes[int(k)] and c in NUMBER_CLASSES
    )
    return [{"printed": a, "read": b, "count": n} for (a, b), n in pairs.most_common(top)]


def letter_safety(model: DigitModel, x: Floats, labels: Sequence[str], threshold: float) -> float:
    """Share of letter crops that a numeric context would turn into a number character."""
    p = model.probabilities(x)
    keep = np.array([c not in NUMBER_CLASSES for c in labels])
    best = p[keep].argmax(axis=1)
    sure = p[keep].max(axis=1) >= threshold
    return float((model.number_mask[best] & sure).mean())


def by_groups(model: DigitModel, x: Floats, labels: list[str], keys: list[str]) -> dict[str, float]:
    out = {}
    for key in sorted(set(keys)):
        idx = [i for i, k in enumerate(keys) if k == key]
        out[key] = round(evaluate(model, x[idx], [labels[i] for i in idx], True)[0] * 100, 3)
    return out


Built = tuple[Floats, list[str], list[int], list[str], float]


def _subset(data: Built, keep: Sequence[int]) -> Built:
    x, labels, dpis, fonts, fail = data
    return (
        x[list(keep)],
        [labels[i] for i in keep],
        [dpis[i] for i in keep],
        [fonts[i] for i in keep],
        fail,
    )


def _rows_of(fonts_of: Sequence[str], families: Sequence[str], inside: bool) -> list[int]:
    wanted = set(families)
    return [i for i, f in enumerate(fonts_of) if (family_of(f) in wanted) == inside]


def _scores(model: DigitModel, data: Built) -> dict[str, Any]:
    """Accuracy on number characters and on Thai digits, overall, per DPI and per face."""
    xe, le, de, _, fail = data
    acc, pred = evaluate(model, xe, le, True)
    acc_free, _ = evaluate(model, xe, le, False)
    thai = [i for i, c in enumerate(le) if c in THAI_DIGITS]
    thai_data = _subset(data, thai)
    thai_300 = [i for i in thai if de[i] == 300]
    return {
        "number_chars_read_as_numbers": round(acc * 100, 3),
        "number_chars_all_classes_compete": round(acc_free * 100, 3),
        "thai_digits": round(evaluate(model, thai_data[0], thai_data[1], True)[0] * 100, 3),
        "thai_digits_300dpi": round(
            evaluate(model, xe[thai_300], [le[i] for i in thai_300], True)[0] * 100, 3
        ),
        "by_dpi": by_groups(model, xe, le, [str(d) for d in de]),
        "thai_digits_by_font": by_groups(model, thai_data[0], thai_data[1], thai_data[3]),
        "letters_taken_for_numbers": round(
            letter_safety(model, xe, le, _LETTER_TO_DIGIT_MIN_P) * 100, 3
        ),
        "segmentation_failures_percent": round(fail * 100, 3),
        "crops": len(le),
        "confusions": confusions(model, le, pred),
    }


def _merge_heldout(parts: list[tuple[DigitModel, Built]]) -> dict[str, Any]:
    """One held-out figure over all faces: each face scored by the fold model that did not
    see it."""
    right = total = thai_right = thai_total = thai300_right = thai300_total = 0
    by_font: dict[str, float] = {}
    by_font_300: dict[str, float] = {}
    for model, (xe, le, de, fe, _) in parts:
        _, pred = evaluate(model, xe, le, True)
        for i, c in enumerate(le):
            if c not in NUMBER_CLASSES:
                continue
            ok = model.classes[int(pred[i])] == c
            right, total = right + ok, total + 1
            if c in THAI_DIGITS:
                thai_right, thai_total = thai_right + ok, thai_total + 1
                if de[i] == 300:
                    thai300_right, thai300_total = thai300_right + ok, thai300_total + 1
        thai = [i for i, c in enumerate(le) if c in THAI_DIGITS]
        thai300 = [i for i in thai if de[i] == 300]
        by_font.update(by_groups(model, xe[thai], [le[i] for i in thai], [fe[i] for i in thai]))
        by_font_300.update(
            by_groups(model, xe[thai300], [le[i] for i in thai300], [fe[i] for i in thai300])
        )
    return {
        "number_chars": round(100 * right / max(total, 1), 3),
        "thai_digits": round(100 * thai_right / max(thai_total, 1), 3),
        "thai_digits_300dpi": round(100 * thai300_right / max(thai300_total, 1), 3),
        "thai_digits_by_font": dict(sorted(by_font.items())),
        "thai_digits_300dpi_by_font": dict(sorted(by_font_300.items())),
        "thai_digit_crops": thai_total,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--strings", type=int, default=40_000, help="training strings")
    parser.add_argument("--eval-strings", type=int, default=8_000)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=14)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", action="store_true", help="also fit the alternatives")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    fonts = all_fonts()
    x, labels, _, fonts_of, fail_train = build(fonts, args.strings, 1, 1.0, args.workers)
    # One clean copy of every training string kind as well: crisp PDFs rasterized.
    xc, lc, _, fc, _ = build(fonts, args.strings // 4, 2, 0.0, args.workers)
    x, labels, fonts_of = np.concatenate([x, xc]), labels + lc, fonts_of + fc
    y = np.array([CLASSES.index(c) for c in labels], dtype=np.int64)
    print(f"{len(labels)} training crops ({time.perf_counter() - started:.0f} s)", flush=True)
    # New strings (other seeds) in every face; each fold's faces score the fold's model.
    evals = {
        "clean": build(fonts, args.eval_strings, 3, 0.0, args.workers),
        "degraded": build(fonts, args.eval_strings, 4, 1.0, args.workers),
    }
    parts: dict[str, list[tuple[DigitModel, Built]]] = {name: [] for name in evals}
    folds_report = []
    for number, fold in enumerate(FOLDS):
        train = _rows_of(fonts_of, fold, inside=False)
        model = train_mlp(x[train], y[train], len(CLASSES), args.hidden, args.epochs, seed=7)
        fold_report: dict[str, Any] = {"heldout_families": list(fold), "training_crops": len(train)}
        for name, data in evals.items():
            held = _subset(data, _rows_of(data[3], fold, inside=True))
            parts[name].append((model, held))
            fold_report[name] = _scores(model, held)
        folds_report.append(fold_report)
        print(
            f"fold {number} {fold}: clean {fold_report['clean']['thai_digits_300dpi']}"
            f" degraded {fold_report['degraded']['thai_digits_300dpi']}"
            f" ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )

    comparison: dict[str, Any] = {}
    if args.compare:
        held = _subset(evals["degraded"], _rows_of(evals["degraded"][3], FOLDS[0], inside=True))
        train = _rows_of(fonts_of, FOLDS[0], inside=False)
        comparison = compare(x[train], y[train], [labels[i] for i in train], held, args)
    # The shipped model sees every face.
    model = train_mlp(x, y, len(CLASSES), args.hidden, args.epochs, seed=7)
    model.save(args.out)

    report: dict[str, Any] = {
        "classes": CLASSES,
        "model": f"MLP {x.shape[1]}-{args.hidden}-{len(CLASSES)}, ReLU, softmax; float16 weights",
        "features": "ink mask scaled (aspect kept) to 16x16 + 9 geometry values (ocr/digits.py)",
        "faces": [f.stem for f in fonts],
        "missing_faces": [*missing_faces(), "TH SarabunIT๙ / TH Sarabun New (not packaged)"],
        "training": {"crops": len(labels), "segmentation_failures": round(fail_train, 4)},
        "folds": [list(f) for f in FOLDS],
        "heldout_by_font": {name: _merge_heldout(p) for name, p in parts.items()},
        "fold_detail": folds_report,
        "shipped_model_new_strings": {name: _scores(model, d) for name, d in evals.items()},
        "model_bytes": args.out.stat().st_size,
        "comparison": comparison,
    }
    for name, merged in report["heldout_by_font"].items():
        print(f"held out, {name}: thai digits {merged['thai_digits']} "
              f"(300 DPI {merged['thai_digits_300dpi']})")  # fmt: skip
    report["seconds"] = round(time.perf_counter() - started, 1)
    report_path = args.out.parent / REPORT_NAME
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"model {args.out} ({report['model_bytes']} bytes), report {report_path}")
    return 0


def compare(
    x: Floats,
    y: NDArray[np.int64],
    labels: list[str],
    held: Built,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """The alternatives, fitted on a subset and scored on the degraded held-out fonts."""
    out: dict[str, Any] = {}
    xe, le = held[0], held[1]
    sub = np.random.default_rng(0).permutation(len(y))[:60_000]
    truth = np.array([CLASSES.index(c) for c in le])
    num = np.array([c in NUMBER_CLASSES for c in le])
    pixels = slice(0, x.shape[1] - 9)
    for name, cols in {"pixels+geometry": slice(None), "pixels only": pixels}.items():
        for hidden in (0, args.hidden):
            t = time.perf_counter()
            m = train_mlp(x[sub][:, cols], y[sub], len(CLASSES), hidden, 8, seed=7)
            p = np.where(m.number_mask, m.probabilities(xe[:, cols]), 0.0).argmax(1)
            key = f"{'MLP' if hidden else 'logistic'} {name}"
            out[key] = round(float((p[num] == truth[num]).mean()) * 100, 3)
            print(key, out[key], f"{time.perf_counter() - t:.0f} s", flush=True)
    mean, scale = x[sub].mean(0), 1 / (x[sub].std(0) + 0.05)
    ml: Any = cv2.ml
    knn = ml.KNearest_create()
    knn.train(
        ((x[sub] - mean) * scale).astype(np.float32), cv2.ml.ROW_SAMPLE, y[sub].astype(np.float32)
    )
    _, res, _, _ = knn.findNearest(((xe - mean) * scale).astype(np.float32), 3)
    p = res.ravel().astype(int)
    out["kNN k=3 pixels+geometry (60k refs)"] = round(float((p[num] == truth[num]).mean()) * 100, 3)
    print("knn", out["kNN k=3 pixels+geometry (60k refs)"], flush=True)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
