"""Issue 17, item 8: a password-protected PDF, saved so by LibreOffice, read with
`--password` by `extract` and `batch`; without it (or with a wrong one) the error names the
file and the option."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.content import example_content
from tests.fixtures.docx_report import write_docx
from tests.fixtures.producers.fonts import fontconfig_env
from tests.test_cli_issue17 import _records, thaireport

PASSWORD = "thahin 2567!"  # with a space: it must reach the PDF readers unchanged
# LibreOffice's PDF export, its options as JSON (LibreOffice 7.4 and later)
ENCRYPTED_EXPORT = (
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    f'"DocumentOpenPassword":{{"type":"string","value":"{PASSWORD}"}}}}'
)


@pytest.fixture(scope="module")
def protected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("protected")
    docx = write_docx(example_content(), work / "report.docx", font="Noto Sans Thai")
    command = [
        "soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
        "--convert-to", ENCRYPTED_EXPORT, "--outdir", str(work / "out"), str(docx),
    ]  # fmt: skip
    done = subprocess.run(
        command, env=fontconfig_env(work), capture_output=True, text=True, timeout=180
    )
    pdf = work / "out" / "report.pdf"
    assert pdf.is_file(), done.stderr
    assert b"/Encrypt" in pdf.read_bytes()
    return pdf


def test_extract_opens_a_protected_pdf_with_its_password(protected: Path, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "report.pdf").write_bytes(protected.read_bytes())

    missing = thaireport("extract", "in/report.pdf", "-o", "out", cwd=tmp_path)
    assert missing.returncode == 1
    assert (
        "thaireport: error: in/report.pdf: the PDF is password-protected"
        " — give its password: --password=..." in missing.stderr
    )
    wrong = thaireport("extract", "in/report.pdf", "-o", "out", "--password=wrong", cwd=tmp_path)
    assert wrong.returncode == 1
    assert (
        "in/report.pdf: the PDF is password-protected, and the password given (--password)"
        " does not open it — give the password it was saved with: --password=..." in wrong.stderr
    )

    done = thaireport(
        "extract", "in/report.pdf", "-o", "out", f"--password={PASSWORD}",
        "--format", "jsonl,review", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = _records(tmp_path / "out" / "records.jsonl")
    assert len(records) == 11
    assert records[0]["organization"] == "องค์การบริหารส่วนตำบลท่าหิน"
    assert {r["source_kind"] for r in records} == {"text-layer"}
    # the review page shows the pages, rendered from the protected file
    review = (tmp_path / "out" / "report.pdf.review.html").read_text(encoding="utf-8")
    assert review.count("data:image/") >= 9


def test_batch_reads_with_the_password_and_never_keeps_it(protected: Path, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "report.pdf").write_bytes(protected.read_bytes())
    failed = thaireport("batch", "in", "-o", "out", cwd=tmp_path)
    assert failed.returncode == 1
    lines = [
        json.loads(x) for x in (tmp_path / "out" / "documents.jsonl").read_text().split("\n") if x
    ]
    assert lines[0]["error"]["kind"] == "encrypted"
    assert "--password=..." in lines[0]["error"]["message"] + failed.stderr

    done = thaireport(
        "batch", "in", "-o", "out", "--retry-failed", "--password", PASSWORD, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert len(_records(tmp_path / "out" / "records.jsonl")) == 11
    with sqlite3.connect(tmp_path / "out" / "state.sqlite") as db:
        commands = [c for (c,) in db.execute("SELECT command FROM runs")]
    assert PASSWORD not in "".join(commands)
    assert '"--password", "***"' in commands[-1]
