"""The README's examples, run as written (issue 17): every shell command and Python block of
README.md is taken from the file itself and run in a temporary folder, with the files it
names made from examples/; a README example that stops working fails here.

The placeholder files the README names are the bundled examples: `report.pdf`, `a.pdf` and
`b.pdf` the born-digital PDF, `export.txt` the OCR text export, `scan.tif` and `scan.pdf`
the first page of the office scan (one page: OCR is seconds a page), `submissions/` a
folder tree of both, `fixes.json` a fix of the first record.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

from tests.fixtures.content import EXAMPLES

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)

# What is not run here, and why; anything else the README shows is run.
NOT_RUN = {
    "make": "installs system packages and a virtual environment (the set-up, not an example)",
    "--scheduler": "needs a Dask cluster at the address shown",
    "serve": "a server that runs until stopped; tests/test_serve.py runs it",
}


def readme_blocks() -> list[tuple[str, str]]:
    return [(kind, body) for kind, body in _BLOCK.findall(README.read_text(encoding="utf-8"))]


def shell_commands() -> list[list[str]]:
    """Each command line of the README's shell blocks, as words (comments left out)."""
    commands = []
    for kind, body in readme_blocks():
        if kind != "sh":
            continue
        for line in body.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(words)
    return commands


def _not_run(words: list[str]) -> str | None:
    return next((why for key, why in NOT_RUN.items() if key in words), None)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("readme")
    (work / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    born_digital = EXAMPLES / "ita-report-2567-thahin.pdf"
    for name in ("report.pdf", "a.pdf", "b.pdf"):
        shutil.copy(born_digital, work / name)
    shutil.copy(EXAMPLES / "ita-report-2567-thahin.txt", work / "export.txt")
    scan = pypdfium2.PdfDocument(EXAMPLES / "ita-report-2567-thahin-scan.pdf")
    first = pypdfium2.PdfDocument.new()
    first.import_pages(scan, [0])
    first.save(work / "scan.pdf")
    image = scan[0].render(scale=200 / 72).to_pil()
    image.convert("L").save(work / "scan.tif", dpi=(200, 200))
    first.close()
    scan.close()
    (work / "submissions" / "district").mkdir(parents=True)
    shutil.copy(born_digital, work / "submissions" / "district" / "report.pdf")
    shutil.copy(EXAMPLES / "ita-report-2567-thahin.txt", work / "submissions" / "export.txt")
    return work


def _run(words: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert words[0] == ".venv/bin/thaireport", words  # the README runs the installed command
    return subprocess.run(
        [sys.executable, "-m", "thaireport", *words[1:]],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=cwd,
    )


def test_the_readme_shows_commands_and_python() -> None:
    commands = shell_commands()
    assert len(commands) >= 10
    assert sum(kind == "python" for kind, _ in readme_blocks()) >= 1
    # every command is either run below or named in NOT_RUN with its reason
    assert all(w[0] == ".venv/bin/thaireport" or _not_run(w) for w in commands), commands


@pytest.mark.tesseract  # scan.tif and scan.pdf are read by OCR
def test_every_shell_example_runs(workspace: Path) -> None:
    ran: list[str] = []
    for words in shell_commands():
        if _not_run(words):
            continue
        if words[1] == "apply-corrections" and words[2] == "fixes.json":
            first = json.loads(
                (workspace / "out" / "records.jsonl").read_text("utf-8").split("\n")[0]
            )
            fixes = [{"record_id": first["record_id"], "cell": "result"}]  # confirmed as read
            (workspace / "fixes.json").write_text(json.dumps(fixes), encoding="utf-8")
        # `batch` into the same out/ as `extract` would mix the two; each gets its own folder
        cwd = workspace / "batch" if words[1] == "batch" else workspace
        if cwd != workspace and not cwd.exists():
            cwd.mkdir()
            (cwd / "submissions").symlink_to(workspace / "submissions")
        done = _run(words, cwd)
        assert done.returncode == 0, (words, done.stderr)
        ran.append(" ".join(words[1:3]))
        _check(words, done, cwd)
    assert ran.count("extract report.pdf") == 2 and "schema" in ran[3]
    assert len(ran) == len(shell_commands()) - 4  # make run, make test, serve, --scheduler


def _check(words: list[str], done: subprocess.CompletedProcess[str], cwd: Path) -> None:
    """What each example is said to do, done: specific outputs, not just exit 0."""
    line = " ".join(words[1:])
    if line == "extract report.pdf export.txt -o out/ --format jsonl,csv":
        assert len((cwd / "out" / "records.jsonl").read_text("utf-8").splitlines()) == 22
        assert (cwd / "out" / "records.csv").is_file()
    elif line == "extract report.pdf --out -":
        records = [json.loads(text) for text in done.stdout.splitlines()]
        assert len(records) == 11 and {r["source_path"] for r in records} == {"report.pdf"}
    elif words[1:3] == ["extract", "scan.tif"]:
        assert "scan.tif: " in done.stderr and "1 page(s)" in done.stderr
    elif line == "schema":
        assert json.loads(done.stdout)["version"]
    elif words[1] == "review":
        page = (cwd / "scan.review.html").read_text("utf-8")
        assert "scan.pdf" in page
    elif words[1] == "apply-corrections" and words[2] == "out/records.csv":
        assert "0 cell(s) corrected" in done.stderr  # nothing was edited in it
    elif words[1] == "apply-corrections":
        assert "0 cell(s) corrected, 1 confirmed" in done.stderr
    elif "--retry-failed" in words:
        assert "0 failed" in done.stderr
    elif words[1] == "batch":
        assert "2 inputs: 2 done" in done.stderr
        assert len((cwd / "out" / "records.jsonl").read_text("utf-8").splitlines()) == 22
    else:
        raise AssertionError(f"the README shows a command this test does not check: {line}")


def test_every_python_example_runs(workspace: Path) -> None:
    blocks = [body for kind, body in readme_blocks() if kind == "python"]
    for number, body in enumerate(blocks, start=1):
        script = workspace / f"readme-{number}.py"
        script.write_text(body, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=workspace,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert done.returncode == 0, done.stderr
        if number == 1:
            # status, pages, records, warnings of the bundled text export
            assert done.stdout.splitlines()[0] == "done 1 11 3"
