"""OCR text exports: lines of text, tables as tab-separated rows, cells with HTML fragments.

This is what earlier OCR tools hand archivists (see examples/ita-report-2567-thahin.txt).
It becomes the same `ExtractedReport` as a PDF does.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

from thaireport.extract.assemble import SectionDraft, assemble_report
from thaireport.extract.header import is_header_row
from thaireport.extract.sections import parse_section_heading
from thaireport.extract.textlayer import repair_thai

from thaireport.model import Cell, ExtractedReport, Issue, SectionHeading, TextSource

_BLOCK_TAGS = frozenset({"p", "li", "ol", "ul", "div", "br", "tr", "h1", "h2", "h3", "h4"})


class _FragmentText(HTMLParser):
    """Text of an HTML fragment with block boundaries (paragraphs, list items) as newlines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def cell_text(raw: str) -> str:
    """A cell's text as printed: tags removed, paragraphs and list items on their own lines."""
    if "<" in raw:
        parser = _FragmentText()
        parser.feed(raw)
        parser.close()
        text = "".join(parser.parts)
    else:
        text = unescape(raw)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def parse_text_export(text: str) -> ExtractedReport:
    repaired = repair_thai(text)
    lines = repaired.text.replace("\r\n", "\n").split("\n")

    title_lines: list[str] = []
    loose: list[str] = []
    drafts: list[SectionDraft] = []
    current: SectionDraft | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if "\t" not in line:
            heading = parse_section_heading(line)
            if heading is not None:
                current = SectionDraft(heading)
                drafts.append(current)
            elif current is None:
                title_lines.append(line.strip())
            else:
                loose.append(line.strip())
            continue
        raw_cells = line.split("\t")
        cells = [cell_text(c) for c in raw_cells]
        if current is None:
            # A table before any heading still belongs to the report: keep it under an
            # unnumbered section rather than dropping it.
            current = SectionDraft(SectionHeading("", None, None, ""))
            drafts.append(current)
        if not current.header and is_header_row(cells):
            current.set_header(cells)
            continue
        if not current.header:
            current.issues.append(
                Issue("no-header", f"line {number}: table row before any header row")
            )
        row = {i: Cell(text) for i, text in enumerate(cells)}
        if current.rows and not cells[0].strip():
            # The export flattens a row that a page break split: its left cells are empty.
            current.extend_last_row(row, joiner="\n")
        else:
            current.add_row(row, pages=(1,))

    return assemble_report(
        title_lines=title_lines,
        drafts=drafts,
        page_count=1,
        source=TextSource.TEXT_EXPORT,
        repairs_per_page={1: repaired.repairs},
        loose_text=loose,
    )
