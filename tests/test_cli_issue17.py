"""Issue 17, as a new user meets it: the real `thaireport` command in a temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.content import EXAMPLE_EXPORT


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
