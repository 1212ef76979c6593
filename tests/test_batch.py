"""`thaireport batch` over real folder trees: the records equal reading each file alone, bad
files fail alone with their reason, identical files are read once, a killed batch resumes
without reading a finished file again, hanging and crashing workers are replaced, and a Dask
cluster gives the same results as the machine alone."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from thaireport.pipeline.batch import discover
from thaireport.pipeline.document import process_document
from thaireport.pipeline.runners import FAULTS_VARIABLE
from thaireport.pipeline.state import BatchState

from tests.fixtures.content import EXAMPLE_EXPORT, ReportContent
from tests.fixtures.pdfgen import SARABUN_DIR, VARIANTS, render_report
from tests.fixtures.scan import image_only_pdf, save_page, scan_pages
from thaireport.errors import BatchStateError

pytestmark = [pytest.mark.slow, pytest.mark.tesseract]

GOOD = {
    # path below the input directory -> how it is read
    "เชียงใหม่/แม่ริม/อบต.ดอนแก้ว.txt": "text-export",
    "เชียงใหม่/แม่ริม/อบต.ดอนแก้ว_สำเนา.txt": "text-export",  # same bytes as the one above
    "เชียงใหม่/สันทราย/อบต.หนองจ๊อม.txt": "text-export",
    "เชียงใหม่/สันทราย/อบต.หนองหาร.pdf": "pdf",
    "ลำปาง/เกาะคา/อบต.ท่าผา.pdf": "pdf",
    "ลำปาง/เมือง/อบต.บ่อแฮ้ว.pdf": "pdf",
    "ลำปาง/เมือง/scan-page.png": "image",
    "ลำพูน/scan.pdf": "scan",  # an image-only PDF, read by OCR
    # a province's worth more: distinct copies of the digital report and the export
    **{f"แพร่/อำเภอ{n // 8 + 1}/อบต.{n + 1:02d}.pdf": "pdf" for n in range(16)},
    **{f"น่าน/อำเภอ{n // 5 + 1}/อบต.{n + 1:02d}.txt": "text-export" for n in range(10)},
}
DUPLICATE, ORIGINAL = "เชียงใหม่/แม่ริม/อบต.ดอนแก้ว_สำเนา.txt", "เชียงใหม่/แม่ริม/อบต.ดอนแก้ว.txt"
BAD = {
    # path -> (error kind, words of the message)
    "bad/corrupt.pdf": ("unreadable", "not a readable PDF"),
    "bad/encrypted.pdf": ("encrypted", "encrypted"),
    "bad/empty.pdf": ("empty", "the file is empty"),
    "bad/truncated.pdf": ("unreadable", "not a readable PDF"),
    "bad/bomb.png": ("too-large", "decompression bomb"),
}
# read, without a measure table: kept with status no-table, not failed (exit status 0)
NO_TABLE = {"bad/letter.pdf": ("no-table", "no measure table")}
SKIPPED = "ลำปาง/minutes.xlsx"
HIDDEN = (".DS_Store", "ลำปาง/.~lock.report.pdf#", ".git/config")
VOLATILE = ("seconds", "attempts")  # what differs between two runs over the same files


# --------------------------------------------------------------------------- helpers


def thaireport(*args: str | Path) -> list[str]:
    exe = shutil.which("thaireport", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "thaireport"]
    return [*command, *map(str, args)]


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        thaireport(*args),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def rows(out: Path) -> dict[str, dict[str, Any]]:
    """The state's rows, less the number of the run that last saw each file."""
    db = sqlite3.connect(out / "state.sqlite")
    db.row_factory = sqlite3.Row
    try:
        found = db.execute("SELECT * FROM documents").fetchall()
    finally:
        db.close()
    return {r["path"]: without(dict(r), "last_run") for r in found}


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def record_key(record: dict[str, Any]) -> tuple[str, int]:
    return record["document_id"], record["record_index"]


def without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def distinct_copy(source: Path, target: Path, n: int) -> Path:
    """`source` with a comment (PDF) or `n` blank lines (text) added: the same report, and
    bytes that differ for each `n`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    extra = f"\n% copy {n}\n".encode() if source.suffix == ".pdf" else b"\n" * n
    target.write_bytes(source.read_bytes() + extra)
    return target


def png_bomb(path: Path, side: int = 30_000) -> Path:
    """A valid PNG header declaring side × side pixels, over a few bytes of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )
    return path


def write_bad_inputs(folder: Path, digital: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corrupt.pdf").write_bytes(
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage\n%%EOF\n"
    )
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret report")
    pdf.output(str(folder / "encrypted.pdf"))
    (folder / "empty.pdf").write_bytes(b"")
    data = digital.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    png_bomb(folder / "bomb.png")
    letter = FPDF()
    letter.add_page()
    letter.add_font("S", "", str(SARABUN_DIR / "Sarabun-Regular.ttf"))
    letter.set_font("S", size=16)
    letter.set_text_shaping(True)
    letter.cell(text="หนังสือเวียน เรื่อง การประชุมประจำเดือน")
    letter.output(str(folder / "letter.pdf"))


# --------------------------------------------------------------------------- the batch


@pytest.fixture(scope="module")
def tree(
    tmp_path_factory: pytest.TempPathFactory,
    render: Callable[[str], Path],
    content: ReportContent,
) -> Path:
    """A province's submissions: text exports, digital PDFs, two scans, six bad files."""
    root = tmp_path_factory.mktemp("batch") / "submissions"
    root.mkdir()
    folder = root / "เชียงใหม่" / "แม่ริม"
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE_EXPORT, folder / "อบต.ดอนแก้ว.txt")
    shutil.copy(EXAMPLE_EXPORT, folder / "อบต.ดอนแก้ว_สำเนา.txt")
    distinct_copy(EXAMPLE_EXPORT, root / "เชียงใหม่/สันทราย/อบต.หนองจ๊อม.txt", 1)
    shutil.copy(render("portrait"), root / "เชียงใหม่/สันทราย/อบต.หนองหาร.pdf")
    (root / "ลำปาง/เกาะคา").mkdir(parents=True)
    shutil.copy(render("unruled"), root / "ลำปาง/เกาะคา/อบต.ท่าผา.pdf")
    (root / "ลำปาง/เมือง").mkdir(parents=True)
    shutil.copy(render("landscape"), root / "ลำปาง/เมือง/อบต.บ่อแฮ้ว.pdf")
    # scans of a one-page report: one PNG, one image-only PDF
    one_page = ReportContent(content.title_lines, content.sections[1:2])
    small = render_report(
        one_page, tmp_path_factory.mktemp("small") / "one.pdf", VARIANTS["portrait"]
    )
    pages = scan_pages(small, "clean200")
    save_page(pages[0].image, root / "ลำปาง/เมือง/scan-page.png", pages[0].dpi)
    (root / "ลำพูน").mkdir()
    image_only_pdf([p.image for p in pages], root / "ลำพูน/scan.pdf", pages[0].dpi)
    for path in GOOD:
        if path.startswith("แพร่/"):
            distinct_copy(render("landscape"), root / path, int(path[-6:-4]))
        elif path.startswith("น่าน/"):
            distinct_copy(EXAMPLE_EXPORT, root / path, 10 + int(path[-6:-4]))
    write_bad_inputs(root / "bad", render("portrait"))
    (root / SKIPPED).write_text("บันทึกการประชุม", encoding="utf-8")
    for hidden in HIDDEN:
        (root / hidden).parent.mkdir(parents=True, exist_ok=True)
        (root / hidden).write_text("not an input", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def first_run(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("batch-out") / "out"
    result = run("batch", tree, "-o", out, "--jobs", "2", "--format", "jsonl,csv")
    return out, result


def test_batch_exit_status_and_summary(
    first_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, result = first_run
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    summary = result.stderr[result.stderr.index("thaireport batch:") :]
    assert summary.startswith(
        f"thaireport batch: {len(GOOD) + len(BAD) + len(NO_TABLE) + 1} inputs: {len(GOOD)} done, "
        f"{len(NO_TABLE)} without a measure table, 0 partial, {len(BAD)} failed, 1 skipped"
    )
    assert f"{len(GOOD) - 1 + len(BAD) + len(NO_TABLE)} read in this run" in summary
    assert "1 duplicate(s)" in summary
    assert "failed, unreadable: 2" in summary
    assert "pages/s" in summary
    assert (out / "records.jsonl").is_file() and (out / "records.csv").is_file()
    assert not list(out.rglob("*.tmp"))


def test_good_files_give_the_records_of_each_file_read_alone(
    tree: Path, first_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    out, _ = first_run
    state = rows(out)
    merged = jsonl(out / "records.jsonl")
    by_document: dict[str, list[dict[str, Any]]] = {}
    for record in merged:
        by_document.setdefault(record["document_id"], []).append(record)
    for path, kind in GOOD.items():
        if path == DUPLICATE:
            continue
        row = state[path]
        assert row["status"] == "done" and row["input_kind"] == kind, row
        alone = process_document(tree / path)
        expected = [r.model_dump(mode="json") for r in alone.records]
        got = by_document[row["sha256"]]
        assert [r["collection"] for r in got] == [list(Path(path).parent.parts)] * len(got)
        # every path the content was found at: the original and its copy, in path order
        paths = [path, DUPLICATE] if path == ORIGINAL else [path]
        places = [{"source_path": p, "collection": list(Path(p).parent.parts)} for p in paths]
        assert all(
            [
                {**f, "source_path": str(Path(f["source_path"]).relative_to(tree))}
                for f in r["found_at"]
            ]
            == places
            for r in got
        ), path
        assert [without(r, "collection", "found_at") for r in got] == [
            without(r, "collection", "found_at") for r in expected
        ], path
        assert row["records"] == len(expected) > 0 and row["pages"] == alone.pages
        assert [without(r, "found_at") for r in jsonl(out / row["output"])] == [
            without(r, "found_at") for r in got
        ]
    assert len(merged) == len({record_key(r) for r in merged})  # no record twice
    assert len(by_document) == len(GOOD) - 1


def test_the_scans_were_read_by_ocr(
    first_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = first_run
    state = rows(out)
    scans = [
        r
        for r in jsonl(out / "records.jsonl")
        if r["source_path"].endswith(("scan.pdf", "scan-page.png"))
    ]
    assert {r["source_kind"] for r in scans} == {"ocr"}
    assert {r["source_path"].rsplit("/", 1)[-1] for r in scans} == {"scan.pdf", "scan-page.png"}
    assert state["ลำพูน/scan.pdf"]["records"] >= 1


@pytest.mark.parametrize("path", sorted(BAD))
def test_each_bad_file_fails_alone_with_its_reason(
    path: str, first_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    out, result = first_run
    row = rows(out)[path]
    kind, words = BAD[path]
    assert row["status"] == "failed"
    assert row["error_kind"] == kind
    assert words in row["error_message"]
    assert row["output"] is None and row["attempts"] == 1
    assert f"thaireport: failed: {path}: {kind}: " in result.stderr
    index = {d["path"]: d for d in jsonl(out / "documents.jsonl")}
    assert index[path]["error"] == {"kind": kind, "message": row["error_message"]}


def test_identical_files_are_read_once(
    first_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = first_run
    state = rows(out)
    original, duplicate = state[ORIGINAL], state[DUPLICATE]
    assert duplicate["sha256"] == original["sha256"]
    assert duplicate["duplicate_of"] == ORIGINAL and original["duplicate_of"] is None
    assert duplicate["status"] == "done" and duplicate["output"] == original["output"]
    records = [r for r in jsonl(out / "records.jsonl") if r["document_id"] == original["sha256"]]
    assert len(records) == 11
    assert all(r["source_path"].endswith("อบต.ดอนแก้ว.txt") for r in records)


def test_documents_index_and_skipped_files(
    tree: Path, first_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    out, _ = first_run
    index = jsonl(out / "documents.jsonl")
    assert [d["path"] for d in index] == sorted([*GOOD, *BAD, *NO_TABLE, SKIPPED])
    skipped = next(d for d in index if d["path"] == SKIPPED)
    assert skipped["status"] == "skipped" and skipped["folder"] == ["ลำปาง"]
    assert ".xlsx" in skipped["error"]["message"]
    for d in index:
        assert set(d) >= {
            "path",
            "folder",
            "sha256",
            "status",
            "error",
            "pages",
            "records",
            "seconds",
        }
    assert not any(h in d["path"] for d in index for h in (".DS_Store", ".git", ".~lock"))
    found = {f.relative for f in discover(tree)}
    assert found == {*GOOD, *BAD, *NO_TABLE, SKIPPED}


def test_rerun_reads_nothing_then_retries_failed_and_changed_files(
    tree: Path, first_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(first_run[0], out)
    before = rows(out)
    records_before = (out / "records.jsonl").read_bytes()
    again = run("batch", tree, "-o", out, "--format", "jsonl,csv")
    assert again.returncode == 1
    assert rows(out) == before  # nothing read again: same attempts, same timings
    assert (out / "records.jsonl").read_bytes() == records_before
    assert "0 read in this run" in again.stderr

    retried = run("batch", tree, "-o", out, "--retry-failed")
    assert retried.returncode == 1
    after = rows(out)
    for path, row in after.items():
        if path in BAD:
            assert row["attempts"] == 2 and row["status"] == "failed"
        else:
            assert row == before[path], path
    # not asked for this time, but in the folder: written again with the same records
    # (output.writers: per document, replace; nothing a person may have opened is deleted)
    with (out / "records.csv").open(encoding="utf-8", newline="") as handle:
        in_csv = [row["record_id"] for row in csv.DictReader(handle)]
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert in_csv == [json.loads(line)["record_id"] for line in lines]


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    tree = tmp_path / "in"
    first = distinct_copy(EXAMPLE_EXPORT, tree / "a" / "report.txt", 0)
    distinct_copy(EXAMPLE_EXPORT, tree / "b" / "other.txt", 1)
    out = tmp_path / "out"
    assert run("batch", tree, "-o", out, "--jobs", "1").returncode == 0
    old = rows(out)["a/report.txt"]
    first.write_bytes(first.read_bytes() + b"\n\n\n\n")
    assert run("batch", tree, "-o", out, "--jobs", "1").returncode == 0
    new = rows(out)["a/report.txt"]
    assert new["sha256"] != old["sha256"] and new["status"] == "done"
    assert (old["attempts"], new["attempts"]) == (1, 2)
    ids = {r["document_id"] for r in jsonl(out / "records.jsonl")}
    assert new["sha256"] in ids and old["sha256"] not in ids
    assert rows(out)["b/other.txt"]["attempts"] == 1


def test_out_dir_belongs_to_one_input_dir(tmp_path: Path) -> None:
    (tmp_path / "in1").mkdir()
    (tmp_path / "in2").mkdir()
    with BatchState(tmp_path / "out" / "state.sqlite") as state:
        state.bind_input(tmp_path / "in1")
    with BatchState(tmp_path / "out" / "state.sqlite") as state, pytest.raises(BatchStateError):
        state.bind_input(tmp_path / "in2")
    result = run("batch", tmp_path / "in2", "-o", tmp_path / "out")
    assert result.returncode == 2 and "another --out" in result.stderr
    assert run("batch", tmp_path / "nowhere", "-o", tmp_path / "o2").returncode == 2


# --------------------------------------------------------------------------- kill, hang, crash


@pytest.fixture
def many_digital(tmp_path: Path, render: Callable[[str], Path]) -> Path:
    """Eight digital PDFs and six text exports, all different bytes."""
    root = tmp_path / "in"
    for i, variant in enumerate(["portrait", "landscape", "unruled", "break_repeat"] * 2):
        distinct_copy(render(variant), root / f"p{i % 3}" / f"r{i}.pdf", i)
    for i in range(6):
        distinct_copy(EXAMPLE_EXPORT, root / "exports" / f"e{i}.txt", i)
    return root


def test_killed_batch_resumes_without_reading_finished_files(
    many_digital: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["batch", many_digital, "-o", out, "--jobs", "1", "--format", "jsonl,csv"]
    process = subprocess.Popen(thaireport(*args), stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if (out / "state.sqlite").exists():
                try:
                    done = [r for r in rows(out).values() if r["status"] == "done"]
                except sqlite3.OperationalError:
                    continue  # the tables are being made
                if len(done) >= 3:
                    break
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    killed = rows(out)
    finished = {p: r for p, r in killed.items() if r["status"] == "done"}
    assert 3 <= len(finished) < 14, "the batch was not killed half way"
    assert not (out / "records.jsonl").exists()  # merged files come at the end of a run
    for row in finished.values():
        assert (out / row["output"]).is_file()

    resumed = run(*args)
    assert resumed.returncode == 0, resumed.stderr
    final = rows(out)
    assert all(r["status"] == "done" for r in final.values()) and len(final) == 14
    for path, row in finished.items():
        assert final[path] == row, f"{path} was read again"
    assert f"{14 - len(finished)} read in this run" in resumed.stderr
    records = jsonl(out / "records.jsonl")
    keys = [record_key(r) for r in records]
    assert len(keys) == len(set(keys))  # no duplicate
    expected = {(row["sha256"], i) for row in final.values() for i in range(1, row["records"] + 1)}
    assert set(keys) == expected  # and none missing
    assert len(records) == sum(r["records"] for r in final.values()) == 14 * 11
    csv_lines = (out / "records.csv").read_text(encoding="utf-8").count("\n")
    assert csv_lines > len(records)  # header and quoted multi-line cells


def test_hanging_and_crashing_workers_are_replaced(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for n, name in enumerate(("a.txt", "hang.txt", "b.txt", "crash.txt", "c.txt")):
        distinct_copy(EXAMPLE_EXPORT, root / name, n)
    out = tmp_path / "out"
    result = run(
        "batch", root, "-o", out, "--jobs", "2", "--timeout", "30",
        env={FAULTS_VARIABLE: "hang:hang.txt,crash:crash.txt"},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    state = rows(out)
    assert state["hang.txt"]["status"] == "failed", result.stderr
    assert state["hang.txt"]["error_kind"] == "timeout"
    assert "--timeout" in state["hang.txt"]["error_message"]
    # how long the stop took, against the limit, is measured by `make bench` (batch part)
    assert state["crash.txt"]["status"] == "failed"
    assert state["crash.txt"]["error_kind"] == "worker-crashed"
    for name in ("a.txt", "b.txt", "c.txt"):
        assert state[name]["status"] == "done" and state[name]["records"] == 11
    assert len(jsonl(out / "records.jsonl")) == 33
    assert "failed, timeout: 1" in result.stderr and "failed, worker-crashed: 1" in result.stderr


# --------------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield str(local.scheduler_address)


@pytest.mark.distributed
def test_dask_cluster_gives_the_local_results(
    tree: Path,
    first_run: tuple[Path, subprocess.CompletedProcess[str]],
    cluster: str,
    tmp_path: Path,
) -> None:
    local, local_result = first_run
    out = tmp_path / "dask-out"
    result = run("batch", tree, "-o", out, "--scheduler", cluster, "--format", "jsonl,csv")
    assert result.returncode == local_result.returncode == 1, result.stderr
    assert jsonl(out / "records.jsonl") == jsonl(local / "records.jsonl")
    assert (out / "records.csv").read_bytes() == (local / "records.csv").read_bytes()
    assert [without(d, *VOLATILE) for d in jsonl(out / "documents.jsonl")] == [
        without(d, *VOLATILE) for d in jsonl(local / "documents.jsonl")
    ]
    workers = {r["worker"] for r in rows(out).values() if r["worker"]}
    assert len(workers) == 2  # both worker processes read documents
