"""Word-processor files read from their own structure: DOCX directly, ODT and .doc through
LibreOffice (converted to DOCX first).

The cells come from the file's tables, not from a rendering of them, so there is nothing to
guess: merged cells are known from `w:gridSpan` (across) and `w:vMerge` (down), headings
"ประเด็นที่ N" and the title block are paragraphs. A cell merged down over several rows is
filled down into each of them, as the reader of a printed table does. The result goes
through the same assembly as a PDF (`extract.assemble`), so the records are the same as
those of the report printed to PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from thaireport.extract.assemble import SectionDraft, assemble_report
from thaireport.extract.generic_tables import generic_table, header_rows, repaired
from thaireport.extract.header import is_header_row
from thaireport.extract.sections import parse_section_heading

from thaireport.errors import InputError, MissingDependencyError
from thaireport.model import Cell, ExtractedReport, GenericTable, Issue, SectionHeading, TextSource

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONVERT_TIMEOUT = 180.0  # seconds for LibreOffice to turn one file into DOCX
_PAGES = re.compile(rb"<Pages>(\d+)</Pages>")


@dataclass
class _GridCell:
    text: str
    span: int = 1
    continued: bool = False  # a w:vMerge continuation: the cell above goes on here


def _text_of(element: Any) -> str:
    """A paragraph's text: runs, tabs and line breaks as the file holds them."""
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    paragraphs = [_text_of(p).strip() for p in tc.iter(f"{_W}p")]
    while paragraphs and not paragraphs[-1]:
        paragraphs.pop()
    while paragraphs and not paragraphs[0]:
        paragraphs.pop(0)
    return repaired("\n".join(paragraphs))


def _value(element: Any, name: str) -> str | None:
    return None if element is None else element.get(f"{_W}{name}")


def _grid(tbl: Any) -> tuple[list[list[_GridCell | None]], int]:
    """The table as grid rows (None under a cell spanning across), and how many leading rows
    the file marks as header rows (repeated on each page)."""
    rows: list[list[_GridCell | None]] = []
    marked, in_header = 0, True
    for tr in tbl.iterchildren(f"{_W}tr"):
        trpr = tr.find(f"{_W}trPr")
        is_header = trpr is not None and trpr.find(f"{_W}tblHeader") is not None
        if in_header and is_header:
            marked += 1
        else:
            in_header = False
        row: list[_GridCell | None] = []
        before = _value(trpr.find(f"{_W}gridBefore") if trpr is not None else None, "val")
        row.extend([None] * int(before or 0))
        for tc in tr.iterchildren(f"{_W}tc"):
            tcpr = tc.find(f"{_W}tcPr")
            span = int(_value(tcpr.find(f"{_W}gridSpan") if tcpr is not None else None, "val") or 1)
            merge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
            continued = merge is not None and _value(merge, "val") in (None, "continue")
            row.append(_GridCell(_cell_text(tc), span, continued))
            row.extend([None] * (span - 1))
        rows.append(row)
    return rows, marked


def _filled(rows: list[list[_GridCell | None]]) -> list[list[Cell]]:
    """Logical rows of cells by grid column: a vMerge continuation takes the text above."""
    width = max((len(r) for r in rows), default=0)
    out: list[list[Cell]] = []
    above: dict[int, str] = {}
    for row in rows:
        cells: list[Cell] = []
        for index in range(width):
            grid = row[index] if index < len(row) else None
            if grid is None:
                cells.append(Cell(""))
                continue
            text = above.get(index, "") if grid.continued else grid.text
            for covered in range(index, index + grid.span):
                above[covered] = text
            cells.append(Cell(text))
        out.append(cells)
    return out


def _header_columns(header: list[_GridCell | None]) -> list[int]:
    """For each grid column, the index of the header cell above it (spans cover several)."""
    owner: list[int] = []
    logical = -1
    for grid in header:
        if grid is not None:
            logical += 1
        owner.append(max(logical, 0))
    return owner


def _logical(cells: list[Cell], owner: list[int]) -> dict[int, Cell]:
    """Grid cells into the header's columns; two under one spanning header cell are joined."""
    out: dict[int, Cell] = {}
    for index, cell in enumerate(cells):
        column = owner[index] if index < len(owner) else index
        if column in out and cell.text and out[column].text != cell.text:
            out[column] = Cell(
                f"{out[column].text}\n{cell.text}" if out[column].text else cell.text
            )
        elif column not in out:
            out[column] = cell
    return out


def _body(document: Any) -> Iterator[Any]:
    """Paragraphs and tables in reading order, content controls (w:sdt) opened."""
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from content.iterchildren()
        else:
            yield child


def _page_count(path: Path) -> int:
    """Pages as the producer last laid the file out (docProps/app.xml); 1 when not said."""
    try:
        with zipfile.ZipFile(path) as archive:
            match = _PAGES.search(archive.read("docProps/app.xml"))
    except (KeyError, zipfile.BadZipFile):
        return 1
    return max(1, int(match.group(1))) if match else 1


def read_docx(path: Path) -> ExtractedReport:
    """The report in a DOCX file; measure tables become sections, other tables are kept."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a readable DOCX file ({exc})", path=path) from exc
    title_lines: list[str] = []
    loose: list[str] = []
    text: list[str] = []
    drafts: list[SectionDraft] = []
    tables: list[GenericTable] = []
    issues: list[Issue] = []
    heading: SectionHeading | None = None  # read, its table not yet
    last_line: str | None = None
    for element in _body(document):
        if element.tag == f"{_W}p":
            line = repaired(_text_of(element).strip())
            if not line:
                continue
            text.append(line)
            found = parse_section_heading(line)
            if found is not None:
                heading = found
                drafts.append(SectionDraft(found))
            elif not drafts and not tables:
                title_lines.append(line)
            else:
                loose.append(line)
            last_line = line
            continue
        if element.tag != f"{_W}tbl":
            continue
        grid, marked = _grid(element)
        if not grid:
            continue
        cells = _filled(grid)
        text.extend("\t".join(c.text for c in row if c.text) for row in cells)
        first = [c.text for c in cells[0]]
        if not is_header_row(first):
            count = header_rows([[c.text for c in row] for row in cells], marked)
            tables.append(
                generic_table(len(tables) + 1, cells, header_count=count, heading=last_line)
            )
            last_line = None
            continue
        owner = _header_columns(grid[0])
        header = [c.text for c in _logical(cells[0], owner).values()]
        # a measure table before any heading, or one under the heading of another table
        # (a table under the same header, split by the typist, goes on in its section)
        if heading is None and (not drafts or drafts[-1].header != header):
            drafts.append(SectionDraft(SectionHeading("", None, None, "")))
            issues.append(Issue("no-heading", "page 1: a table before any section heading"))
        draft = drafts[-1]
        if not draft.header:
            draft.set_header(header)
        for row in cells[1:]:
            texts = [c.text for c in row]
            if is_header_row(texts):
                continue  # the header repeated
            filled = [t for t in texts if t]
            found = parse_section_heading(filled[0]) if len(set(filled)) == 1 else None
            if found is not None:  # a heading as a row across the table
                drafts.append(SectionDraft(found))
                draft = drafts[-1]
                draft.set_header(header)
                continue
            if not filled:
                continue
            draft.add_row(_logical(row, owner), pages=())
        heading, last_line = None, None
    pages = _page_count(path)
    report = assemble_report(
        title_lines=title_lines,
        drafts=drafts,
        page_count=pages,
        source=TextSource.DOCUMENT_FILE,
        repairs_per_page={},
        page_sources=dict.fromkeys(range(1, pages + 1), TextSource.DOCUMENT_FILE),
        loose_text=loose,
        issues=issues,
    )
    return replace(report, tables=tuple(tables), page_text=("\n".join(text),))


def convert_to_docx(path: Path, folder: Path) -> Path:
    """An ODT or Word 97 (.doc) file as DOCX in `folder`, by LibreOffice (its own profile,
    so runs at once do not share one)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise MissingDependencyError(
            f"reading {path.suffix or 'this'} files needs LibreOffice, which is not installed",
            path=path,
            hint="install the Debian package libreoffice-writer-nogui, or save the file as DOCX",
        )
    profile = Path(tempfile.mkdtemp(prefix="thaireport-lo-"))
    # LibreOffice names its output after the input's stem: a copy with a safe name
    source = folder / f"input{path.suffix.lower()}"
    shutil.copyfile(path, source)
    try:
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "docx",
                "--outdir",
                str(folder),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=CONVERT_TIMEOUT,
            env={**os.environ, "HOME": str(profile)},
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(
            f"LibreOffice took longer than {CONVERT_TIMEOUT:.0f} s to convert the file", path=path
        ) from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    target = folder / "input.docx"
    if done.returncode != 0 or not target.is_file():
        said = (done.stderr or done.stdout).strip()[-300:]
        raise InputError(f"LibreOffice could not convert the file to DOCX ({said})", path=path)
    return target


def read_office_file(path: Path, *, convert: bool) -> ExtractedReport:
    """DOCX as it is; ODT and .doc (`convert`) through LibreOffice first."""
    if not convert:
        return read_docx(path)
    with tempfile.TemporaryDirectory(prefix="thaireport-office-") as folder:
        return read_docx(convert_to_docx(path, Path(folder)))
