"""Turn positional table parts (cells by column index) into sections with canonical keys.

Both sources — PDF layout and text exports — end here, so the rules for mapping columns,
keeping unmatched columns and reporting what did not fit live in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from thaireport.extract.header import COLUMN_KEYS, match_header, own_label
from thaireport.extract.sections import parse_title_block

from thaireport.model import (
    Cell,
    ExtractedReport,
    Issue,
    Section,
    SectionHeading,
    TableRow,
    TextSource,
)


@dataclass
class _RowDraft:
    cells: dict[int, Cell]
    pages: list[int]
    issues: list[Issue] = field(default_factory=list)
    filled: dict[int, int] = field(default_factory=dict)  # column -> row it was printed in


@dataclass
class SectionDraft:
    """A section while its table is being read, possibly over several pages."""

    heading: SectionHeading
    header: list[str] = field(default_factory=list)
    columns: dict[int, str] = field(default_factory=dict)  # column index -> canonical key
    rows: list[_RowDraft] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def set_header(self, cells: Sequence[str]) -> None:
        self.header = list(cells)
        self.columns = match_header([own_label(c) for c in cells])
        # a header set again (its rest found on the next page) says only what it lacks now
        self.issues = [i for i in self.issues if i.code != "header-unmatched"]
        missing = [key for key in COLUMN_KEYS if key not in self.columns.values()]
        if missing:
            self.issues.append(
                Issue(
                    "header-unmatched",
                    f"section {self.heading.printed!r}: no header column matched "
                    + ", ".join(missing),
                )
            )

    def add_row(
        self,
        cells: Mapping[int, Cell],
        *,
        pages: Sequence[int],
        issues: Sequence[Issue] = (),
        filled: Mapping[int, int] | None = None,
    ) -> None:
        self.rows.append(_RowDraft(dict(cells), list(pages), list(issues), dict(filled or {})))

    def extend_last_row(
        self,
        cells: Mapping[int, Cell],
        *,
        joiner: str | Mapping[int, str],
        pages: Sequence[int] = (),
        issues: Sequence[Issue] = (),
    ) -> None:
        """Append a continuation part (a row split by a page break) to the previous row."""
        last = self.rows[-1]
        for index, cell in cells.items():
            if not cell.text:
                continue
            before = last.cells.get(index)
            if before is None or not before.text:
                last.cells[index] = cell
                continue
            glue = joiner if isinstance(joiner, str) else joiner.get(index, "\n")
            last.cells[index] = Cell(before.text + glue + cell.text, before.regions + cell.regions)
        last.pages.extend(p for p in pages if p not in last.pages)
        last.issues.extend(issues)

    def build(self) -> Section:
        rows = []
        for draft in self.rows:
            named: dict[str, Cell] = {key: Cell("") for key in COLUMN_KEYS}
            extra: dict[str, Cell] = {}
            issues = list(draft.issues)
            filled: dict[str, int] = {}
            for index, cell in sorted(draft.cells.items()):
                key = self.columns.get(index)
                label = self.header[index].strip() if index < len(self.header) else ""
                label = label or f"column {index + 1}"
                if index in draft.filled:
                    filled[key or label] = draft.filled[index]
                if key is not None:
                    named[key] = cell
                    continue
                if not cell.text:
                    continue
                extra[label] = cell
                if index >= len(self.header):
                    issues.append(
                        Issue(
                            "cell-unplaced",
                            f"text in column {index + 1}, which has no header; kept under "
                            f"extra[{label!r}]",
                        )
                    )
            for key in COLUMN_KEYS:
                if self.header and key not in self.columns.values():
                    issues.append(
                        Issue("column-missing", f"the table has no {key} column", cell=key)
                    )
            rows.append(TableRow(named, extra, tuple(sorted(draft.pages)), tuple(issues), filled))
        return Section(self.heading, tuple(self.header), tuple(rows), self.kind())

    def kind(self) -> str:
        """Which table of the ITA family: results (what was done) or the plan (what will be)."""
        keys = set(self.columns.values())
        if not keys:
            return "unknown"
        return "measure-results" if keys & {"result", "outcome"} else "measure-plan"


def assemble_report(
    *,
    title_lines: Sequence[str],
    drafts: Sequence[SectionDraft],
    page_count: int,
    source: TextSource,
    repairs_per_page: Mapping[int, int],
    loose_text: Sequence[str] = (),
    issues: Sequence[Issue] = (),
    page_sources: Mapping[int, TextSource] | None = None,
    page_notes: Mapping[int, tuple[str, ...]] | None = None,
) -> ExtractedReport:
    all_issues = list(issues)
    for draft in drafts:
        all_issues.extend(draft.issues)
    return ExtractedReport(
        title=parse_title_block(title_lines),
        sections=tuple(d.build() for d in drafts),
        page_count=page_count,
        source=source,
        repairs_per_page=dict(repairs_per_page),
        page_sources=dict(page_sources or dict.fromkeys(repairs_per_page, source)),
        page_notes=dict(page_notes or {}),
        issues=tuple(all_issues),
        loose_text=tuple(loose_text),
    )
