"""Text-layer damage repair over the whole seeded corpus (tests.fixtures.thai_damage):
precision and recall per family, in character edits, against the issue's targets, and the
cost of scoring and repair on born-digital pages (same run, as a ratio to pdfplumber's
parse of the same file)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

TARGET_PRECISION = 0.999
TARGET_RECALL = 0.98
SEEDS = (1, 2, 3)


def bench_layer_repair(quick: bool, pdfs: list[Path]) -> dict[str, Any]:
    from tests.fixtures.thai_damage import FAMILIES, clean_lines, score_family

    lines = clean_lines()
    families = []
    for family in FAMILIES:
        scores = [score_family(family, lines, seed) for seed in SEEDS[: 1 if quick else None]]
        needed = sum(s.needed for s in scores)
        made = sum(s.made for s in scores)
        correct = sum(s.correct for s in scores)
        precision = correct / made if made else 1.0
        recall = correct / needed if needed else 1.0
        families.append(
            {
                "family": family,
                "lines": sum(s.lines for s in scores),
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "meets_target": precision >= TARGET_PRECISION and recall >= TARGET_RECALL,
            }
        )
    return {"families": families, "speed": [_speed(p) for p in pdfs if p.exists()]}


def _speed(path: Path) -> dict[str, Any]:
    import pdfplumber
    from thaireport.extract.pdf_layout import read_pdf_layout

    def parse() -> None:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.chars  # noqa: B018 - the parse is the baseline
                page.edges  # noqa: B018
                page.close()

    def ours() -> None:
        list(read_pdf_layout(path))

    ours()  # dictionaries loaded once, as a worker has them
    base = min(_cpu(parse) for _ in range(2))
    full = min(_cpu(ours) for _ in range(2))
    return {"file": path.name, "parse_s": round(base, 3), "read_s": round(full, 3),
            "ratio": round(full / base, 2)}  # fmt: skip


def _cpu(run: Any) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start
