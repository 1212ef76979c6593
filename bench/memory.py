"""Memory over long documents: the same report repeated to 20 and 200 pages (born-digital)
and to 10 and 40 pages (an image-only scan, read with the command's default parallel OCR),
each read by ours in a fresh process. What grows with the pages beyond the records
themselves shows as the slope, MiB per page, between the short and the long document.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench.engines import measured

DIGITAL_PAGES = (20, 200)
SCANNED_PAGES = (10, 40)
QUICK_DIGITAL_PAGES = (10, 40)
SCAN_PROFILE = "clean200"


def _runs(kind: str, source: Path, counts: tuple[int, int], jobs: int) -> list[dict[str, Any]]:
    from tests.fixtures.long_report import repeat_pages

    out = []
    for pages in counts:
        pdf = repeat_pages(source, pages, source.with_name(f"{source.stem}-{pages}.pdf"))
        run = measured("run_ours_document", "ours", pages, pdf, pages, jobs=jobs)
        print(f"[memory {kind}] {pages} pages: {run.note} ({run.seconds:.1f} s)", flush=True)
        peak = run.peak
        out.append(
            {
                "kind": kind,
                "pages": pages,
                "jobs": jobs,
                "available": run.available,
                "note": run.note,
                "records": len(run.rows),
                "seconds_per_page": run.seconds_per_page,
                "peak_rss_mib": peak.process_mib if peak else None,
                "peak_rss_tree_mib": peak.tree_mib if peak else None,
            }
        )
    return out


def _slope(runs: list[dict[str, Any]], key: str) -> float | None:
    short, long = runs
    if short[key] is None or long[key] is None:
        return None
    return float((long[key] - short[key]) / (long["pages"] - short["pages"]))


def bench_memory(work: Path, quick: bool, report_pdf: Path) -> dict[str, Any]:
    from tests.fixtures.scan import image_only_pdf, scan_pages

    folder = work / "memory"
    folder.mkdir(parents=True, exist_ok=True)
    digital = folder / "digital.pdf"
    digital.write_bytes(report_pdf.read_bytes())
    counts = QUICK_DIGITAL_PAGES if quick else DIGITAL_PAGES
    parts = [("born-digital", _runs("born-digital", digital, counts, 1))]
    if not quick:
        scanned = scan_pages(report_pdf, SCAN_PROFILE)
        source = Path(
            image_only_pdf(
                [p.image for p in scanned], folder / "scanned.pdf", [p.dpi for p in scanned]
            )
        )
        jobs = os.cpu_count() or 1
        label = f"image-only ({SCAN_PROFILE})"
        parts.append((label, _runs("image-only", source, SCANNED_PAGES, jobs)))
    slopes = []
    runs = []
    for label, pair in parts:
        runs.extend(pair)
        own, tree = _slope(pair, "peak_rss_mib"), _slope(pair, "peak_rss_tree_mib")
        slopes.append(
            f"{label}, {pair[0]['pages']} → {pair[1]['pages']} pages: peak RSS "
            f"{pair[0]['peak_rss_mib']} → {pair[1]['peak_rss_mib']} MiB "
            f"({own:+.3f} MiB/page; with child processes {tree:+.3f} MiB/page)"
            if own is not None and tree is not None
            else f"{label}: not measured ({pair[0]['note']})"
        )
    return {"runs": runs, "slopes": slopes}
