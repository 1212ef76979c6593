"""Issue 17, as a new user meets it: the real `thaireport` command in a temporary folder."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.fixtures.content import EXAMPLE_EXPORT, EXAMPLES


def thaireport(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thaireport", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --------------------------------------------------------------------------- 5: encodings


@pytest.mark.parametrize(("codec", "bom"), [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_a_notepad_unicode_export_is_read(tmp_path: Path, codec: str, bom: bytes) -> None:
    text = EXAMPLE_EXPORT.read_text(encoding="utf-8")
    (tmp_path / "notepad.txt").write_bytes(bom + text.encode(codec))
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    done = thaireport("extract", "notepad.txt", "-o", "a", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "notepad.txt: 11 records" in done.stderr
    assert thaireport("extract", "utf8.txt", "-o", "b", cwd=tmp_path).returncode == 0
    read = _records(tmp_path / "a" / "records.jsonl")
    expected = _records(tmp_path / "b" / "records.jsonl")
    assert [r["cells"] for r in read] == [r["cells"] for r in expected]
    assert [r["warnings"] for r in read] == [r["warnings"] for r in expected]  # nothing more said


def test_an_export_in_an_unknown_encoding_is_refused_naming_those_read(tmp_path: Path) -> None:
    (tmp_path / "noise.txt").write_bytes(bytes(range(128, 256)) * 40)
    # a clean ASCII start (so the kind is a text export), then no text at all
    (tmp_path / "tail.txt").write_bytes(b"report\n" * 300 + bytes(range(128, 256)) * 40)
    done = thaireport("extract", "noise.txt", "tail.txt", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("thaireport: error:")]
    assert len(errors) == 2
    for name, line in zip(("noise.txt", "tail.txt"), errors, strict=True):
        assert name in line
        for encoding in ("UTF-8", "UTF-16 with a byte-order mark", "Windows-874"):
            assert encoding in line, line
    assert "not valid UTF-8 text (byte 2100)" in errors[1]


# --------------------------------------------------------------------------- 8: small things


def test_help_says_what_input_and_out_are_and_what_runs_at_once(tmp_path: Path) -> None:
    extract = thaireport("extract", "--help", cwd=tmp_path).stdout
    folded = " ".join(extract.split())
    assert "INPUT a report file: PDF (born-digital or scanned)" in folded
    assert "(a folder: use `batch`)" in folded
    assert "-o DIR, --out DIR the folder to write records.<format>" in folded
    assert "--page-jobs N, --jobs N pages of a scan read by OCR at once" in folded
    batch = " ".join(thaireport("batch", "--help", cwd=tmp_path).stdout.split())
    assert "INPUT_DIR the folder tree of reports" in batch
    assert (
        "-o OUT_DIR, --out OUT_DIR the folder for records, documents.jsonl and the state" in batch
    )
    assert "--document-jobs N, --jobs N documents read at once, each in its own process" in batch


def test_the_old_and_new_names_of_jobs_both_work(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_bytes(EXAMPLE_EXPORT.read_bytes())
    for option in ("--page-jobs", "--jobs"):
        done = thaireport("extract", "in/r.txt", "-o", f"out{option}", option, "1", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "in/r.txt: 11 records" in done.stderr
    for option in ("--document-jobs", "--jobs"):
        done = thaireport("batch", "in", "-o", f"batch{option}", option, "1", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert len(_records(tmp_path / f"batch{option}" / "records.jsonl")) == 11


def test_extract_of_a_folder_suggests_batch(tmp_path: Path) -> None:
    (tmp_path / "submissions").mkdir()
    (tmp_path / "submissions" / "r.txt").write_bytes(EXAMPLE_EXPORT.read_bytes())
    done = thaireport("extract", "submissions", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        "submissions: a folder, not a file; to read every report below a folder, run"
        " `thaireport batch submissions -o OUT_DIR`"
    ) in done.stderr
    assert not (tmp_path / "out").exists()


def test_per_document_files_are_named_after_their_whole_input_name(tmp_path: Path) -> None:
    # four documents: contents that differ (the same content is read once, docs/records.md)
    for folder, tail in (("a", b"\n"), ("b", b"\n\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_bytes(EXAMPLE_EXPORT.read_bytes() + tail)
    shutil.copy(EXAMPLES / "ita-report-2567-thahin.txt", tmp_path)
    shutil.copy(EXAMPLES / "ita-report-2567-thahin.pdf", tmp_path)
    done = thaireport(
        "extract", "ita-report-2567-thahin.txt", "ita-report-2567-thahin.pdf", "a/report.txt",
        "b/report.txt", "-o", "out", "--format", "jsonl,review,text", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.review.html")) == [
        "b-report.txt.review.html",
        "ita-report-2567-thahin.pdf.review.html",
        "ita-report-2567-thahin.txt.review.html",
        "report.txt.review.html",
    ]
    # each page is the document its name says
    assert "b/report.txt" in (out / "b-report.txt.review.html").read_text("utf-8")
    assert "a/report.txt" in (out / "report.txt.review.html").read_text("utf-8")
    pdf_page = (out / "ita-report-2567-thahin.pdf.review.html").read_text("utf-8")
    assert "ita-report-2567-thahin.pdf" in pdf_page
    assert (out / "ita-report-2567-thahin.pdf.txt").is_file()


def test_a_notice_about_the_encoding_counts_once_per_document(tmp_path: Path) -> None:
    text = EXAMPLE_EXPORT.read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "legacy.txt").write_bytes(text.encode("cp874"))
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    clean = thaireport("extract", "utf8.txt", "-o", "a", cwd=tmp_path)
    assert "utf8.txt: 11 records, 3 warnings, 0 text repairs, 1 page(s)" in clean.stderr
    legacy = thaireport("extract", "in/legacy.txt", "-o", "b", cwd=tmp_path)
    assert legacy.returncode == 0, legacy.stderr
    # the notice is on every record (each may be read alone), and one thing to check
    assert "in/legacy.txt: 11 records, 4 warnings, 0 text repairs, 1 page(s)" in legacy.stderr
    records = _records(tmp_path / "b" / "records.jsonl")
    assert all(any("Windows-874" in w["message"] for w in r["warnings"]) for r in records)
    batch = thaireport("batch", "in", "-o", "c", cwd=tmp_path)
    assert batch.returncode == 0, batch.stderr
    assert "  11 records, 4 warnings" in batch.stderr.splitlines()
    (line,) = (tmp_path / "c" / "documents.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line)["warnings"] == 4


# --------------------------------------------------------------------------- 4: progress


_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_terminal(*args: str, cwd: Path) -> tuple[int, str]:
    """The command with its stderr on a pseudo-terminal (160 columns), as a user sees it:
    the exit status and everything written to the terminal, escape sequences removed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160"}
    process = subprocess.Popen(
        [sys.executable, "-m", "thaireport", *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        cwd=cwd,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 1 << 16)
        except OSError:  # the command has ended and closed its side
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = process.wait(timeout=600)
    return code, _ESCAPES.sub("", b"".join(chunks).decode("utf-8", "replace"))


def test_extract_on_a_terminal_shows_each_page_and_in_a_pipe_one_line(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "ita-report-2567-thahin.pdf", tmp_path / "report.pdf")
    code, screen = on_terminal("extract", "report.pdf", "-o", "tty", cwd=tmp_path)
    assert code == 0, screen
    assert "reading report.pdf" in screen
    assert "page 9/9" in screen  # the bar counts the document's 9 pages
    line = re.compile(r"report\.pdf: 11 records, \d+ warnings, \d+ text repairs, 9 page\(s\)")
    assert line.search(screen), screen
    piped = thaireport("extract", "report.pdf", "-o", "pipe", cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    said = piped.stderr.splitlines()  # no bar, no page lines: the line of the document
    assert len(said) == 2 and line.fullmatch(said[0]), said
    assert said[1] == "wrote 11 records to pipe/records.jsonl"


def test_the_batch_bar_counts_pages_so_its_time_left_is_weighted_by_them(
    tmp_path: Path,
) -> None:
    (tmp_path / "in" / "x").mkdir(parents=True)
    shutil.copy(EXAMPLES / "ita-report-2567-thahin.pdf", tmp_path / "in" / "x" / "report.pdf")
    shutil.copy(EXAMPLE_EXPORT, tmp_path / "in" / "export.txt")
    code, screen = on_terminal("batch", "in", "-o", "out", "--document-jobs", "1", cwd=tmp_path)
    assert code == 0, screen
    # the larger file is read first: one file of two is nine pages of ten
    assert "1/2 files · 9/10 pages" in screen
    assert "2/2 files · 10/10 pages" in screen
    assert "0/2 files · 0/10 pages" in screen


# --------------------------------------------------------------------------- 6: source_path


def test_source_path_is_the_input_as_given_in_extract_and_batch_alike(tmp_path: Path) -> None:
    from tests.fixtures.content import example_content
    from tests.fixtures.docx_report import write_docx

    (tmp_path / "in" / "reports").mkdir(parents=True)
    write_docx(example_content(), tmp_path / "in" / "reports" / "report.docx", month_grid=True)
    for folder in ("a", "b"):  # the same content in two folders
        (tmp_path / "in" / folder).mkdir()
        shutil.copy(EXAMPLE_EXPORT, tmp_path / "in" / folder / "r.txt")
    extract = thaireport("extract", "in/reports/report.docx", "-o", "e", cwd=tmp_path)
    assert extract.returncode == 0, extract.stderr
    batch = thaireport("batch", "in", "-o", "b", "--document-jobs", "1", cwd=tmp_path)
    assert batch.returncode == 0, batch.stderr

    def paths(out: str, name: str) -> set[str]:
        return {str(r["source_path"]) for r in _records(tmp_path / out / name)}

    assert paths("e", "records.jsonl") == paths("e", "tables.jsonl") == {"in/reports/report.docx"}
    assert paths("b", "records.jsonl") == {"in/a/r.txt", "in/reports/report.docx"}
    # the batch's other tables are named as its records are (they were "reports/report.docx")
    assert paths("b", "tables.jsonl") == {"in/reports/report.docx"}
    # the file read goes; its duplicate stays: the records name the path that holds it now
    (tmp_path / "in" / "a" / "r.txt").unlink()
    again = thaireport("batch", "in", "-o", "b", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    left = [
        r for r in _records(tmp_path / "b" / "records.jsonl") if r["source_kind"] == "text-export"
    ]
    assert len(left) == 11
    assert {(r["source_path"], tuple(r["collection"])) for r in left} == {("in/b/r.txt", ("b",))}
    # the same input folder given another way: every record follows the run's spelling
    whole = str(tmp_path / "in")
    resumed = thaireport("batch", whole, "-o", "b", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert paths("b", "records.jsonl") == {f"{whole}/b/r.txt", f"{whole}/reports/report.docx"}
