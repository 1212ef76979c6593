"""What `extract` and `batch` tell their user on stderr while they read: progress bars
(only on a terminal), a line per failed document, and a batch's closing summary."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from thaireport.pipeline.document import Status

if TYPE_CHECKING:  # the batch's modules are not needed by `extract`'s bar
    from thaireport.pipeline.batch import BatchSummary
    from thaireport.pipeline.runners import DocumentReading

FAILURES_LISTED = 10  # per kind, in the summary


def page_total(path: Path) -> int | None:
    """The pages of a PDF or image file, read from its page tree or frame count without
    reading any page; None for other files (a text export, a DOCX) or when it cannot tell."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
        if b"%PDF-" in head:
            import pypdfium2

            document = pypdfium2.PdfDocument(path)
            try:
                return len(document)
            finally:
                document.close()
        from PIL import Image

        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1))
    except Exception:  # only an estimate for a progress bar: the reading says what is wrong
        return None


class ExtractProgress:
    """`extract` on a terminal: a bar for the document being read, page by page, that gives
    way to the document's line when it is read. Elsewhere (a pipe, a log file) nothing:
    the line per document is said all the same."""

    def __init__(self, stream: IO[str] | None = None, *, bar: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar

    @contextmanager
    def reading(self, name: str, pages: int | None) -> Iterator[Callable[[int], None] | None]:
        """While one document is read: what to tell each page's number (None: no bar)."""
        if not self.bar:
            yield None
            return
        progress = Progress(
            TextColumn("[bold]reading[/] {task.description}"),
            BarColumn(),
            TextColumn("{task.fields[page]}"),
            TimeElapsedColumn(),
            console=Console(file=self.stream),
            transient=True,
        )
        of = f"/{pages}" if pages else ""
        task = progress.add_task(escape(name), total=pages, page=f"page 0{of}")

        def on_page(number: int) -> None:
            progress.update(task, completed=number, page=f"page {number}{of}")

        with progress:
            yield on_page


class BatchProgress:
    """Files, pages, rate and time left while a batch runs; a bar only when `stream` is a
    terminal, otherwise just the failure lines."""

    def __init__(self, stream: IO[str] | None = None, *, bar: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._pages = 0  # read, as the readings say
        self._files = 0
        self._weights: dict[str, int] = {}
        self._clock = time.perf_counter()

    def __enter__(self) -> BatchProgress:
        if self.bar:
            # The bar and its time left count pages (as the planner estimated them), not
            # files: a 300-page scan is not one step like a one-page letter.
            self._progress = Progress(
                TextColumn("[bold]reading"),
                BarColumn(),
                TextColumn(
                    "{task.fields[files]}/{task.fields[total_files]} files ·"
                    " {task.completed:.0f}/{task.total:.0f} pages · {task.fields[rate]}"
                ),
                TimeElapsedColumn(),
                TextColumn("·"),
                TimeRemainingColumn(),
                TextColumn("left"),
                console=Console(file=self.stream),
            )
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def planned(self, total: int, already: int, pages: Mapping[str, int]) -> None:
        """`pages`: the estimated pages of each document to read, by its path."""
        self._clock = time.perf_counter()
        self._weights = dict(pages)
        self._files = already
        if self._progress is not None:
            self._task = self._progress.add_task(
                "batch",
                total=max(1, sum(self._weights.values())),
                files=already,
                total_files=total,
                rate="–",
            )

    def finished(self, path: str, reading: DocumentReading) -> None:
        self._pages += reading.pages
        self._files += 1
        if reading.status is Status.FAILED:
            self._say(f"thaireport: failed: {path}: {reading.error_kind}: {reading.error_message}")
        elif reading.status is Status.PARTIAL:
            self._say(f"thaireport: partial: {path}: {reading.error_message}")
        if self._progress is not None and self._task is not None:
            elapsed = time.perf_counter() - self._clock
            rate = f"{self._pages / elapsed:.2f} pages/s" if elapsed > 0 else "–"
            self._progress.update(
                self._task, advance=self._weights.get(path, 1), files=self._files, rate=rate
            )

    def _say(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stream, flush=True)


def summary_lines(summary: BatchSummary) -> list[str]:
    """The closing summary: processed, failed with reasons grouped by kind, skipped,
    warnings, pages per second."""
    lines = [
        f"thaireport batch: {summary.inputs} inputs: {summary.done} done, "
        f"{summary.no_table} without a measure table, {summary.partial} partial, "
        f"{summary.failed} failed, {summary.skipped} skipped"
        + (f", {summary.pending} not read yet" if summary.pending else "")
        + (" — interrupted; run the same command to go on" if summary.interrupted else ""),
        f"  {summary.read_now} read in this run, {summary.settled_before} settled by earlier"
        f" runs, {summary.duplicates} duplicate(s) of another input (read once)",
        f"  {summary.records} records, {summary.warnings} warnings",
    ]
    rate = summary.pages_read / summary.seconds if summary.seconds > 0 else 0.0
    lines.append(
        f"  {summary.pages_read} pages read in {summary.seconds:.1f} s ({rate:.2f} pages/s)"
    )
    for kind, files in sorted(summary.failures.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"  failed, {kind}: {len(files)}")
        for path, message in files[:FAILURES_LISTED]:
            lines.append(f"    {path}: {message}")
        if len(files) > FAILURES_LISTED:
            lines.append(f"    … and {len(files) - FAILURES_LISTED} more (see documents.jsonl)")
    for path, message in summary.partials[:FAILURES_LISTED]:
        lines.append(f"  partial: {path}: {message}")
    if summary.outputs:
        lines.append(f"  wrote {', '.join(str(p) for p in summary.outputs)}")
    return lines
