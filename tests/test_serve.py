"""`thaireport serve` in Debian's Chromium: the queue walked by keyboard, corrections saved
through the apply-corrections path, two people at once, escaping and paths.

One real batch folder (the example text export, the example PDF, a text export with markup
in a cell, and page 1 of the example scanned at 200 DPI on a sheet put in 2° askew) is made
once per session; each test works on its own copy, against a real uvicorn server on a free
port.
"""

from __future__ import annotations

import csv
import html
import http.client
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.content import EXAMPLE_EXPORT, EXAMPLES
from tests.fixtures.scan import rasterize, skew
from tests.test_producer_tables import _BODY, _STYLE, CHROMIUM

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")

from thaireport.pipeline.serve.app import create_app  # noqa: E402

HOSTILE = "<img src=x onerror=alert(1)>"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEW_PERIOD = "๑ มกราคม ๒๕๖๗ – ๓๑ มีนาคม ๒๕๖๗"
SCAN_DPI = 200
SKEW = 2.0  # degrees, counter-clockwise


@pytest.fixture(scope="session")
def batch_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve-batch")
    inputs = root / "in"
    inputs.mkdir()
    shutil.copy(EXAMPLE_EXPORT, inputs)
    shutil.copy(EXAMPLES / "ita-report-2567-thahin.pdf", inputs)
    text = EXAMPLE_EXPORT.read_text(encoding="utf-8")
    # written escaped, as an export's HTML cell would hold it: the cell's text is the markup
    marked = text.replace("ประชาชนในพื้นที่ อบต.ท่าหิน", html.escape(HOSTILE), 1)
    assert marked != text
    (inputs / "hostile.txt").write_text(marked, encoding="utf-8")
    # a Chromium print with merged cells (filled down into the rows below them)
    style = _STYLE % {"font": "Laksaman", "size": 15}
    page_html = inputs / "merged.html"
    page_html.write_text(
        f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>{_BODY}</body>"
        "</html>",
        encoding="utf-8",
    )
    printed = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={root / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={inputs / 'merged.pdf'}", page_html.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    page_html.unlink()
    page = skew(rasterize(EXAMPLES / "ita-report-2567-thahin.pdf", SCAN_DPI)[0], SKEW)
    page.save(inputs / "skewed-scan.png", dpi=(SCAN_DPI, SCAN_DPI))
    out = root / "out"
    command = [
        sys.executable,
        "-m",
        "thaireport",
        "batch",
        str(inputs),
        "-o",
        str(out),
        "--format",
        "jsonl,csv",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture()
def folder(batch_folder: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(batch_folder, copy)
    return copy


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    def __init__(self, out_dir: Path, token: str | None = None) -> None:
        self.port = _free_port()
        config = uvicorn.Config(
            create_app(out_dir, token=token), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            time.sleep(0.02)
        assert self.server.started
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def raw(self, method: str, path: str, **kw: Any) -> http.client.HTTPResponse:
        """A request with the path sent exactly as written (no client-side normalizing)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path, **kw)
        return connection.getresponse()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def _records(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["record_id"]: d for d in map(json.loads, lines)}


def _log(out: Path) -> list[dict[str, Any]]:
    path = out / "corrections.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _export_record(out: Path, row: int = 1) -> str:
    return next(
        rid
        for rid, r in sorted(_records(out).items())
        if r["source_kind"] == "text-export"
        and "hostile" not in r["source_path"]
        and r["section"]["number_inferred"] == 1
        and r["row_index"] == row
    )


def _page(browser: Any, problems: list[str] | None = None) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    if problems is not None:
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append(f"dialog {d.message}"), d.dismiss()))
    return page


def _edit(page: Any, text: str) -> None:
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def test_the_queue_walked_by_keyboard(browser: Any, folder: Path, tmp_path: Path) -> None:
    with Server(folder) as server:
        problems: list[str] = []
        page = _page(browser, problems)
        page.goto(server.url + "/")
        first = page.locator("ol.queue li").first
        assert "risky" in (first.get_attribute("class") or "")  # the riskiest come first
        page.screenshot(path=str(tmp_path / "queue.png"), full_page=False)
        # counted as the review page counts "cells to check": the export's two warned periods
        export = page.locator("table.docs tr", has_text="ita-report-2567-thahin.txt")
        assert export.locator("td.to-check").inner_text() == "2"
        to_check = sum(int(t) for t in page.locator("td.to-check").all_inner_texts())
        page.keyboard.press("Enter")
        page.wait_for_url("**/cell/**")
        seen = []
        for _ in range(3):
            cell = page.locator("#cell")
            seen.append(f"{cell.get_attribute('data-record')}/{cell.get_attribute('data-cell')}")
            following = cell.get_attribute("data-next")
            if len(seen) == 1:
                page.screenshot(path=str(tmp_path / "cell.png"))
            page.keyboard.press("Enter")  # confirm and go on
            page.wait_for_url(f"**/cell/{following}**")
        page.keyboard.press("p")  # back: the confirmed cells left the queue
        page.wait_for_load_state("load")
        page.keyboard.press("Escape")
        page.wait_for_url(server.url + "/?lang=th")
        assert problems == []
        done = sum(int(t) for t in page.locator("td.done").all_inner_texts())
        assert done == 3
        # the three riskiest cells had a reason to check each: three fewer to check
        assert sum(int(t) for t in page.locator("td.to-check").all_inner_texts()) == to_check - 3
    log = _log(folder)
    assert [f"{e['record_id']}/{e['cell']}" for e in log] == seen
    records = _records(folder)
    for key in seen:
        rid, cell = key.split("/")
        assert cell in records[rid]["verified"]
        assert records[rid]["verified"][cell]["source"] == "thaireport serve"


def test_a_corrected_period_normalizes_live_and_lands_everywhere(
    browser: Any, folder: Path, tmp_path: Path
) -> None:
    rid = _export_record(folder)
    with Server(folder) as server:
        page = _page(browser)
        page.goto(f"{server.url}/cell/{rid}/period?lang=en")
        assert page.locator("#period").inner_text() == "2023-10-01 – 2024-09-30"
        _edit(page, NEW_PERIOD)
        page.wait_for_function(
            "document.getElementById('period').textContent === '2024-01-01 – 2024-03-31'"
        )
        page.screenshot(path=str(tmp_path / "period-live.png"))
        assert _log(folder) == []  # nothing saved yet
        page.keyboard.press("Control+Enter")
        page.wait_for_url("**/cell/**", wait_until="load")
        page.wait_for_function(f"!location.pathname.startsWith('/cell/{rid}/period')")
    assert _log(folder)[-1]["text"] == NEW_PERIOD
    assert _log(folder)[-1]["read"] == "๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗"
    record = _records(folder)[rid]
    assert record["cells"]["period"] == NEW_PERIOD
    assert record["normalized"]["period_start"] == "2024-01-01"
    assert record["normalized"]["period_end"] == "2024-03-31"
    with (folder / "records.csv").open(encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["record_id"] == rid)
    assert row["cells.period"] == NEW_PERIOD
    # the document's review page is written again with it
    document = json.loads(
        next(
            line
            for line in (folder / "documents.jsonl").read_text(encoding="utf-8").splitlines()
            if json.loads(line)["sha256"] == record["document_id"]
        )
    )
    assert NEW_PERIOD in (folder / document["review"]).read_text(encoding="utf-8")


def test_two_people_at_once(browser: Any, folder: Path, tmp_path: Path) -> None:
    first, second = _export_record(folder, 1), _export_record(folder, 2)
    with Server(folder) as server:
        alice, bob = browser.new_context(), browser.new_context()
        a, b = alice.new_page(), bob.new_page()
        a.goto(f"{server.url}/cell/{first}/result")
        b.goto(f"{server.url}/cell/{second}/result")
        _edit(a, "ผลของแถวหนึ่ง")
        _edit(b, "ผลของแถวสอง")
        a.keyboard.press("Control+Enter")
        a.wait_for_function(f"!location.pathname.startsWith('/cell/{first}/result')")
        b.keyboard.press("Control+Enter")
        b.wait_for_function(f"!location.pathname.startsWith('/cell/{second}/result')")
        records = _records(folder)
        assert records[first]["cells"]["result"] == "ผลของแถวหนึ่ง"
        assert records[second]["cells"]["result"] == "ผลของแถวสอง"
        # the same cell, loaded by both before either saves
        a.goto(f"{server.url}/cell/{first}/outcome")
        b.goto(f"{server.url}/cell/{first}/outcome")
        _edit(a, "ข้อความของคนแรก")
        _edit(b, "ข้อความของคนที่สอง")
        a.keyboard.press("Control+Enter")
        a.wait_for_function(f"!location.pathname.startsWith('/cell/{first}/outcome')")
        b.keyboard.press("Control+Enter")
        b.wait_for_selector("#status.conflict")
        assert "ข้อความของคนแรก" in b.locator("#status").inner_text()
        b.screenshot(path=str(tmp_path / "conflict.png"))
        alice.close()
        bob.close()
    assert _records(folder)[first]["cells"]["outcome"] == "ข้อความของคนแรก"
    assert [e["text"] for e in _log(folder)] == ["ผลของแถวหนึ่ง", "ผลของแถวสอง", "ข้อความของคนแรก"]


def test_markup_in_a_cell_is_text(browser: Any, folder: Path, tmp_path: Path) -> None:
    rid, key = next(
        (rid, k)
        for rid, r in _records(folder).items()
        for k, v in r["cells"].items()
        if HOSTILE in v
    )
    with Server(folder) as server:
        problems: list[str] = []
        page = _page(browser, problems)
        page.goto(f"{server.url}/cell/{rid}/{key}")
        assert HOSTILE in page.locator("#text").input_value()
        assert page.locator("img[src='x']").count() == 0
        page.goto(server.url + "/")
        assert HOSTILE in page.locator(f"li[data-key='{rid}/{key}'] .snippet").inner_text()
        assert page.locator("img[src='x']").count() == 0
        page.screenshot(path=str(tmp_path / "hostile.png"))
        assert problems == []


def test_paths_tokens_and_csrf(folder: Path) -> None:
    rid = _export_record(folder)
    with Server(folder) as server:
        for path in (
            "/../../etc/passwd",
            "/static/../../etc/passwd",
            "/static/..%2F..%2F..%2Fetc%2Fpasswd",
            "/cell/..%2F..%2Fetc%2Fpasswd/period",
            "/crop/../../etc/passwd.png",
            "/cell/%2E%2E/%2E%2E",
        ):
            response = server.raw("GET", path)
            assert response.status == 404, path
            assert b"root:" not in response.read()
        body = json.dumps({"record_id": rid, "cell": "period", "text": "x", "expected": ""})
        response = server.raw(
            "POST", "/api/save", body=body, headers={"Content-Type": "application/json"}
        )
        assert response.status == 403  # no CSRF token
        assert server.raw("GET", "/api/save").status == 405  # saving is a POST only
    assert _log(folder) == []
    with Server(folder, token="s3cret") as server:
        assert server.raw("GET", "/").status == 401
        assert server.raw("GET", "/?token=wrong").status == 401
        granted = server.raw("GET", "/?token=s3cret")
        assert granted.status == 200
        cookie = granted.getheader("set-cookie", "").split(";")[0]
        assert server.raw("GET", "/static/app.js", headers={"Cookie": cookie}).status == 200


def test_a_wide_host_needs_a_token(folder: Path) -> None:
    command = [sys.executable, "-m", "thaireport", "serve", str(folder), "--host", "0.0.0.0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "--token" in done.stderr


def test_a_session_of_twenty_corrections(browser: Any, folder: Path) -> None:
    """Keystrokes per cell: confirming is one key; a correction is e, select all, the
    text, Ctrl+Enter."""
    confirm_keys, correct_keys, typed = [], [], []
    with Server(folder) as server:
        page = _page(browser)
        page.goto(server.url + "/")
        page.keyboard.press("Enter")
        page.wait_for_url("**/cell/**")
        for n in range(20):
            cell = page.locator("#cell")
            following = cell.get_attribute("data-next")
            if n % 2 == 0:
                page.keyboard.press("Enter")
                confirm_keys.append(1)
            else:
                text = f"แก้ไขครั้งที่ {n}"
                _edit(page, text)
                page.keyboard.press("Control+Enter")
                correct_keys.append(3)  # e, Ctrl+A, Ctrl+Enter
                typed.append(len(text))
            page.wait_for_url(f"**/cell/{following}**")
    log = _log(folder)
    assert len(log) == 20
    assert sum(e["text"] != e["read"] for e in log) == 10
    per_confirmed = sum(confirm_keys) / len(confirm_keys)
    per_corrected = sum(correct_keys) / len(correct_keys)
    print(
        f"\nkeystrokes per confirmed cell: {per_confirmed:g}; per corrected cell:"
        f" {per_corrected:g} + {sum(typed) / len(typed):g} characters typed"
    )
    assert per_confirmed == 1


def _document_records(folder: Path, name: str) -> list[Any]:
    from thaireport.extract.records import MeasureRecord

    lines = (folder / "records.jsonl").read_text(encoding="utf-8").splitlines()
    found = [MeasureRecord.model_validate_json(line) for line in lines]
    return [r for r in found if Path(r.source_path).name == name]


def test_the_review_page_never_shows_a_warned_cell_green_and_zooms(
    browser: Any, batch_folder: Path, tmp_path: Path
) -> None:
    from thaireport.extract.sources import page_views
    from thaireport.output.review import ReviewDocument, kind_label, review_html

    records = _document_records(batch_folder, "ita-report-2567-thahin.pdf")
    warned = [(r, w.cell) for r in records for w in r.warnings if w.cell]
    assert warned  # the example has period warnings (7.1, 7.2)
    source = Path(records[0].source_path)
    views = [next(page_views(source, [], 200, preview_dpi=96))]
    document = ReviewDocument(source.name, records[0].document_id, "pdf", 9)
    page_html = review_html(document, records, views, low_confidence_below=70)
    target = tmp_path / "review.html"
    target.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(target.as_uri())
    for record, cell in warned:
        css = page.locator(f'td[data-cell="{record.record_id}:{cell}"]').get_attribute("class")
        assert "conf-warn" in css and "conf-high" not in css
    svg = page.locator("svg.scan").first
    before = svg.bounding_box()["width"]
    page.locator("button.zoom").first.click()
    assert svg.bounding_box()["width"] == pytest.approx(before * 1.5, rel=0.02)
    page.screenshot(path=str(tmp_path / "review-zoomed.png"))
    assert kind_label("pdf", records) == "PDF with a text layer"
    scanned = [
        r.model_copy(update={"page_sources": dict.fromkeys(r.page_sources, "ocr")}) for r in records
    ]
    assert kind_label("pdf", scanned) == "scan (image-only PDF)"


def test_a_skewed_scans_cell_crop_is_deskewed_at_the_scans_resolution(folder: Path) -> None:
    """The crop comes from the page as OCR read it (deskewed), so the cell's outline fits
    its text; and at the scan's own 200 DPI, not a preview's."""
    import io

    import numpy as np
    from PIL import Image
    from thaireport.ocr.preprocess import binarize, estimate_skew, to_gray

    scanned = {
        rid: r
        for rid, r in _records(folder).items()
        if r["source_path"].endswith("skewed-scan.png")
    }
    assert scanned and {r["source_kind"] for r in scanned.values()} == {"ocr"}
    rid, record = next(
        (rid, r) for rid, r in sorted(scanned.items()) if r["locations"].get("measure")
    )
    first = record["locations"]["measure"][0]["page"]
    boxes = [loc["bbox"] for loc in record["locations"]["measure"] if loc["page"] == first]
    with Server(folder) as server:
        response = server.raw("GET", f"/crop/{rid}/measure.png")
        assert response.status == 200
        crop = Image.open(io.BytesIO(response.read()))
    x0, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    scale = SCAN_DPI / 72
    assert crop.width == pytest.approx((x1 - x0 + 80) * scale, abs=2)  # CROP_MARGIN each side
    assert crop.height == pytest.approx((bottom - max(top - 40, 0) + 40) * scale, abs=2)
    gray = np.asarray(crop.convert("L"))
    # the lines of text and the rules in the crop run level: it was deskewed
    assert abs(estimate_skew(binarize(gray))) < 0.5
    # the outline drawn round the cell (blue) holds the cell's ink: the crop's darkest
    # pixels inside it are the cell's text, and the box sits on them
    rgb = np.asarray(crop.convert("RGB")).astype(int)
    blue = (rgb[..., 2] > 180) & (rgb[..., 0] < 80)
    rows, cols = np.nonzero(blue)
    inside = to_gray(crop.convert("RGB"))[
        rows.min() + 4 : rows.max() - 3, cols.min() + 4 : cols.max() - 3
    ]
    assert (inside < 128).mean() > 0.02  # text in the outline, not blank paper beside it


def test_thai_labels_english_available_zoom_pan_and_undo(browser: Any, folder: Path) -> None:
    rid = _export_record(folder)
    with Server(folder) as server:
        page = _page(browser)
        page.goto(server.url + "/")
        assert page.locator("h1").inner_text() == "ตรวจและแก้ไขข้อมูล"  # Thai by default
        assert page.locator("table.docs th").first.inner_text() == "เอกสาร"
        page.keyboard.press("l")  # the other language, by key
        page.wait_for_url("**/?lang=en")
        assert page.locator("h1").inner_text() == "Check and correct"
        page.goto(f"{server.url}/cell/{rid}/period")
        assert "ยืนยัน" in page.locator(".keys").inner_text()
        page.keyboard.press("l")
        page.wait_for_url(f"**/cell/{rid}/period?lang=en")
        following = page.locator("#cell").get_attribute("data-next")
        page.keyboard.press("n")  # next, without confirming
        page.wait_for_url(f"**/cell/{following}?lang=en")
        page.goto(f"{server.url}/cell/{rid}/period?lang=en")
        assert page.locator(".keys").inner_text().startswith("Enter confirm and next")
        # undo: an edit taken back, the normalized period with it, nothing saved
        _edit(page, NEW_PERIOD)
        page.wait_for_function(
            "document.getElementById('period').textContent === '2024-01-01 – 2024-03-31'"
        )
        page.keyboard.press("Escape")
        page.keyboard.press("u")
        assert page.locator("#text").input_value() == "๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗"
        page.wait_for_function(
            "document.getElementById('period').textContent === '2023-10-01 – 2024-09-30'"
        )
    assert _log(folder) == []


def test_the_scan_zooms_and_pans_by_key(browser: Any, folder: Path, tmp_path: Path) -> None:
    rid = next(
        rid
        for rid, r in sorted(_records(folder).items())
        if r["source_path"].endswith("skewed-scan.png") and r["locations"].get("period")
    )
    with Server(folder) as server:
        page = _page(browser)
        page.goto(f"{server.url}/cell/{rid}/period?lang=en")
        crop = page.locator("#crop")
        page.wait_for_function("document.getElementById('crop').complete")
        natural = crop.evaluate("e => e.naturalWidth")
        before = crop.bounding_box()
        assert before["width"] == pytest.approx(natural, abs=1)  # one image pixel a CSS pixel
        page.screenshot(path=str(tmp_path / "scan-cell.png"))
        page.keyboard.press("+")
        page.keyboard.press("+")
        assert crop.bounding_box()["width"] == pytest.approx(natural * 1.5625, rel=0.01)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        moved = crop.bounding_box()
        assert moved["x"] == pytest.approx(before["x"] - 60, abs=1)
        assert moved["y"] == pytest.approx(before["y"] - 60, abs=1)
        page.keyboard.press("0")
        assert crop.bounding_box() == pytest.approx(before)


def test_cells_filled_from_a_merged_cell_are_queued(browser: Any, folder: Path) -> None:
    filled = [
        (rid, key)
        for rid, r in sorted(_records(folder).items())
        if r["source_path"].endswith("merged.pdf")
        for key in r["filled_from"]
    ]
    assert len(filled) >= 2  # measure and responsible of section 1's second row
    with Server(folder) as server:
        page = _page(browser)
        page.goto(server.url + "/")
        for rid, key in filled:
            item = page.locator(f"li[data-key='{rid}/{key}']")
            assert "risky" in (item.get_attribute("class") or "")
            assert "merged-cell" in item.locator("code").all_inner_texts()
        merged = page.locator("table.docs tr", has_text="merged.pdf")
        assert int(merged.locator("td.to-check").inner_text()) >= len(filled)
