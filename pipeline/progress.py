"""What a batch tells its user on stderr: a progress bar (only on a terminal), a line per
failed document, and a closing summary."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from thaireport.pipeline.batch import BatchSummary
from thaireport.pipeline.document import Status
from thaireport.pipeline.runners import DocumentReading

FAILURES_LISTED = 10  # per kind, in the summary


class BatchProgress:
    """Files, pages, rate and time left while a batch runs; a bar only when `stream` is a
    terminal, otherwise just the failure lines."""

    def __init__(self, stream: IO[str] | None = None, *, bar: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._pages = 0
        self._clock = time.perf_counter()

    def __enter__(self) -> BatchProgress:
        if self.bar:
            self._progress = Progress(
                TextColumn("[bold]reading"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("files · {task.fields[pages]} pages · {task.fields[rate]}"),
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

    def planned(self, total: int, already: int) -> None:
        self._clock = time.perf_counter()
        if self._progress is not None:
            self._task = self._progress.add_task(
                "batch", total=total, completed=already, pages=0, rate="–"
            )

    def finished(self, path: str, reading: DocumentReading) -> None:
        self._pages += reading.pages
        if reading.status is Status.FAILED:
            self._say(f"thaireport: failed: {path}: {reading.error_kind}: {reading.error_message}")
        elif reading.status is Status.PARTIAL:
            self._say(f"thaireport: partial: {path}: {reading.error_message}")
        if self._progress is not None and self._task is not None:
            elapsed = time.perf_counter() - self._clock
            rate = f"{self._pages / elapsed:.2f} pages/s" if elapsed > 0 else "–"
            self._progress.update(self._task, advance=1, pages=self._pages, rate=rate)

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
