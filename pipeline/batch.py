"""A batch run over a folder tree of submissions: resumable, parallel, on a cluster if asked.

    INPUT_DIR/<province>/<district>/…/report.pdf  →  OUT_DIR/
        state.sqlite        one row per input file (see pipeline/state.py)
        docs/<sha256>.jsonl the records of each document, written when it finishes
        records.<ext>       all records, for each --format
        documents.jsonl     one line per input: path, folder, sha256, status, error, …

A document's records are written atomically when it finishes and its row is committed
right after, so a batch that is killed loses nothing finished; the merged files are rebuilt
from the per-document files at the end of every run, so a rerun never duplicates or drops a
record. Files with the same content are read once: the first path (in path order) is read,
the others point to it (`duplicate_of`) and their records appear once, under its name.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from thaireport.extract.records import MeasureRecord, Place, placed
from thaireport.output.atomic import atomic_write
from thaireport.output.document_files import BATCH_FOLDER, DocumentPlaces, write_document_files
from thaireport.output.generic_tables import TABLES_FILE, jsonl, write_sqlite_tables
from thaireport.output.review import revise_review
from thaireport.output.writers import formats_in_step, write_jsonl, write_record_stream
from thaireport.pipeline.correction_log import LoggedCorrection, read_log, reapply
from thaireport.pipeline.document import Status, sha256_of, warning_count
from thaireport.pipeline.progress import page_total
from thaireport.pipeline.runners import DaskRunner, DocumentReading, DocumentTask, LocalRunner
from thaireport.pipeline.state import (
    READ_STATUSES,
    STATE_FILE,
    BatchState,
    DocumentRow,
    DocumentStatus,
    Outcome,
)

from thaireport.errors import BatchStateError, ExitCode
from thaireport.settings import (
    DEFAULT_FORMATS,
    DEFAULT_MAX_PAGES,
    DEFAULT_TIMEOUT,
    OcrSettings,
    Settings,
)

INPUT_SUFFIXES = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".txt", ".tsv", ".docx", ".odt", ".doc"}
)
DOCS_DIR = BATCH_FOLDER
DOCUMENTS_INDEX = "documents.jsonl"
LOCK_FILE = ".batch.lock"
MISSING_DEPENDENCY_KIND = "missing-dependency"


@dataclass(frozen=True)
class BatchOptions:
    input_dir: Path
    out_dir: Path
    formats: tuple[str, ...] = DEFAULT_FORMATS
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    retry_failed: bool = False
    timeout: float | None = DEFAULT_TIMEOUT
    scheduler: str | None = None  # a Dask scheduler's address, e.g. tcp://10.0.0.5:8786
    ocr: OcrSettings = field(default_factory=OcrSettings)
    excel: bool = False  # a BOM before the CSV
    review: bool = True  # a review page per document (docs/<sha256>.review.html)
    max_pages: int | None = DEFAULT_MAX_PAGES  # pages of one input
    strict: bool = False  # a document without a measure table fails the batch's exit status
    abort_on_error: bool = False  # a page that cannot be read fails its whole document
    password: str | None = field(default=None, repr=False)  # opens protected PDFs
    keep_work: Path | None = None  # the work folder: DIR/<sha256>/ per document


@dataclass(frozen=True)
class InputFile:
    path: Path  # the file as read (INPUT_DIR joined with `relative`)
    relative: str  # below INPUT_DIR, with '/'
    folder: tuple[str, ...]  # the folders of `relative`: province, district, …
    skip_reason: str | None = None  # why it is not read, when not for its suffix

    @property
    def is_input(self) -> bool:
        return self.skip_reason is None and self.path.suffix.lower() in INPUT_SUFFIXES


@dataclass
class BatchSummary:
    """The batch after a run: the whole input tree, and what this run did."""

    inputs: int = 0
    done: int = 0
    read_now: int = 0  # documents read in this run
    settled_before: int = 0  # inputs done (or failed, unless retried) in earlier runs
    duplicates: int = 0
    failed: int = 0
    no_table: int = 0  # read, without a measure table: letters, notices, plans
    partial: int = 0  # read with some pages missing
    skipped: int = 0
    pending: int = 0  # not read yet (the run was interrupted)
    records: int = 0
    warnings: int = 0
    pages_read: int = 0  # pages of the documents read in this run
    seconds: float = 0.0
    interrupted: bool = False
    failures: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kind -> files
    partials: list[tuple[str, str]] = field(default_factory=list)  # file, what was missing
    outputs: list[Path] = field(default_factory=list)
    strict: bool = False

    @property
    def exit_code(self) -> int:
        """1 when something was not read: a failure or a partial document; documents without
        a measure table only with --strict (a letter in the folder is no error)."""
        if MISSING_DEPENDENCY_KIND in self.failures:
            return int(ExitCode.MISSING_DEPENDENCY)
        bad = self.failed or self.partial or (self.strict and self.no_table)
        return int(ExitCode.INPUT_FAILED if bad else ExitCode.OK)

    def as_dict(self) -> dict[str, object]:
        return {
            "inputs": self.inputs,
            "done": self.done,
            "read_now": self.read_now,
            "settled_before": self.settled_before,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "no_table": self.no_table,
            "partial": self.partial,
            "skipped": self.skipped,
            "pending": self.pending,
            "records": self.records,
            "warnings": self.warnings,
            "pages_read": self.pages_read,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "failures": {kind: len(files) for kind, files in self.failures.items()},
        }


class BatchObserver(Protocol):
    """Told what happens while a batch runs (the CLI's progress bar)."""

    def planned(self, total: int, already: int, pages: Mapping[str, int]) -> None:
        """`pages`: the estimated pages of each document to read, by its path."""

    def finished(self, path: str, reading: DocumentReading) -> None: ...


# --------------------------------------------------------------------------- inputs


def discover(input_dir: Path, *, exclude: Path | None = None) -> list[InputFile]:
    """Every file below `input_dir` in path order; hidden files and folders, and `exclude`
    (the output directory, when it lies inside the input), are left out."""
    excluded = exclude.resolve() if exclude is not None else None
    found = []
    for folder, subfolders, files in os.walk(input_dir):
        here = Path(folder)
        subfolders[:] = sorted(
            d for d in subfolders if not d.startswith(".") and (here / d).resolve() != excluded
        )
        for name in [d for d in subfolders if (here / d).is_symlink()]:
            # os.walk does not follow it (a link may loop or lead anywhere): said, not dropped
            subfolders.remove(name)
            relative = (here / name).relative_to(input_dir)
            reason = "a symbolic link to a folder, not followed; give that folder itself"
            found.append(InputFile(here / name, relative.as_posix(), relative.parent.parts, reason))
        for name in files:
            if name.startswith("."):
                continue
            path = here / name
            relative = path.relative_to(input_dir)
            found.append(InputFile(path, relative.as_posix(), relative.parent.parts))
    return sorted(found, key=lambda f: f.relative)


def _see_files(state: BatchState, files: Sequence[InputFile], run: int) -> None:
    for item in files:
        if not item.is_input:
            state.mark(
                item.relative,
                item.folder,
                run=run,
                status=DocumentStatus.SKIPPED,
                kind="not-an-input",
                message=item.skip_reason
                or f"not a report input ({item.path.suffix or 'no extension'});"
                f" inputs are {', '.join(sorted(INPUT_SUFFIXES))}",
            )
            continue
        try:
            stat = item.path.stat()
            old = state.row(item.relative)
            if old and old.sha256 and (old.size, old.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                sha = old.sha256  # unchanged since it was hashed
            else:
                sha = sha256_of(item.path)
        except OSError as exc:
            state.mark(
                item.relative,
                item.folder,
                run=run,
                status=DocumentStatus.FAILED,
                kind="unreadable",
                message=f"cannot read ({exc.strerror or exc})",
            )
            continue
        state.see(
            item.relative,
            item.folder,
            run=run,
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            sha256=sha,
        )


@dataclass
class _Plan:
    tasks: list[DocumentTask] = field(default_factory=list)
    relative: dict[str, str] = field(default_factory=dict)  # task path -> row path
    followers: dict[str, list[str]] = field(default_factory=dict)  # row path -> duplicates
    already: int = 0
    corrections: list[LoggedCorrection] = field(default_factory=list)  # applied again


def _plan(state: BatchState, run: int, options: BatchOptions) -> _Plan:
    """What to read: one task per distinct content that is not done (or failed, unless
    retrying); duplicates of a finished document take its outcome at once."""
    groups: dict[str, list[DocumentRow]] = defaultdict(list)
    for row in state.rows(run=run):
        if row.sha256 is not None and row.status is not DocumentStatus.SKIPPED:
            groups[row.sha256].append(row)
    plan = _Plan(corrections=read_log(options.out_dir))
    for rows in groups.values():
        finished = [
            r
            for r in rows
            if r.status in READ_STATUSES
            and (r.status is not DocumentStatus.PARTIAL or not options.retry_failed)
            and r.output
            and (options.out_dir / r.output).is_file()
        ]
        failed = [r for r in rows if r.status is DocumentStatus.FAILED]
        settled = finished or ([] if options.retry_failed else failed)
        if settled:
            source = next((r for r in settled if r.duplicate_of is None), settled[0])
            outcome = state.outcome_of(source)
            if source.duplicate_of is not None:  # what it duplicated is no longer there
                state.record(source.path, outcome)
            for row in rows:
                if row is not source and (
                    row.duplicate_of != source.path or row.status is not source.status
                ):
                    state.record(row.path, outcome, duplicate_of=source.path)
            plan.already += len(rows)
            continue
        original = rows[0]
        path = options.input_dir / original.path
        task = DocumentTask(
            path=str(path),
            collection=original.folder,
            size=original.size or 0,
            pages=page_total(path) or 1,
        )
        plan.tasks.append(task)
        plan.relative[task.path] = original.path
        plan.followers[original.path] = [r.path for r in rows[1:]]
    plan.tasks.sort(key=lambda t: (-t.size, t.path))  # longest first: the end comes sooner
    return plan


# --------------------------------------------------------------------------- the run


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / LOCK_FILE).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BatchStateError(
                "another batch is running with this output directory",
                path=out_dir,
                hint="wait for it to finish, or give another --out",
            ) from exc
        yield


def run_batch(
    options: BatchOptions,
    *,
    command: Sequence[str] = (),
    observer: BatchObserver | None = None,
) -> BatchSummary:
    """Run (or resume) the batch; raises only for a problem with the batch itself."""
    clock = time.perf_counter()
    with _exclusive(options.out_dir), BatchState(options.out_dir / STATE_FILE) as state:
        state.bind_input(options.input_dir)
        run = state.start_run(command)
        files = discover(options.input_dir, exclude=options.out_dir)
        _see_files(state, files, run)
        plan = _plan(state, run, options)
        if observer is not None:
            pages = {plan.relative[t.path]: t.pages for t in plan.tasks}
            observer.planned(len(plan.tasks) + plan.already, plan.already, pages)
        pages_read, read_now, interrupted = 0, 0, False
        try:
            for reading in _read(plan.tasks, options, state, plan):
                _store(reading, plan, state, options.out_dir, options.keep_work)
                read_now += 1
                pages_read += reading.pages
                if observer is not None:
                    observer.finished(plan.relative[reading.path], reading)
        except KeyboardInterrupt:
            interrupted = True
        summary = _summarize(state.rows(run=run))
        summary.strict = options.strict
        summary.read_now, summary.pages_read = read_now, pages_read
        summary.settled_before, summary.interrupted = plan.already, interrupted
        summary.outputs = rebuild_outputs(
            state, run, options.out_dir, options.formats, excel=options.excel
        )
        summary.seconds = time.perf_counter() - clock
        state.finish_run(run, summary.as_dict())
        return summary


def _read(
    tasks: list[DocumentTask], options: BatchOptions, state: BatchState, plan: _Plan
) -> Iterator[DocumentReading]:
    if not tasks:
        return
    formats = (*options.formats, "review") if options.review else options.formats
    settings = Settings(
        formats=formats,
        ocr=options.ocr,
        max_pages=options.max_pages,
        abort_on_error=options.abort_on_error,
        password=options.password,
        keep_work=options.keep_work,
    )
    if options.scheduler is None:
        runner: LocalRunner | DaskRunner = LocalRunner(
            jobs=options.jobs, settings=settings, timeout=options.timeout
        )
    else:
        runner = DaskRunner(options.scheduler, settings=settings, timeout=options.timeout)
    try:
        with closing(runner.run(tasks, on_start=lambda t: _started(t, state, plan))) as readings:
            yield from readings
    finally:
        if isinstance(runner, DaskRunner):
            runner.close()


def _started(task: DocumentTask, state: BatchState, plan: _Plan) -> None:
    """An attempt is counted when the document is handed to a worker."""
    path = plan.relative[task.path]
    state.mark_started([path, *plan.followers[path]], at=time.time())


def _store(
    reading: DocumentReading,
    plan: _Plan,
    state: BatchState,
    out_dir: Path,
    keep_work: Path | None = None,
) -> None:
    """Write the document's records, then commit its row (and its duplicates' rows)."""
    path = plan.relative[reading.path]
    row = state.row(path)
    assert row is not None and row.sha256 is not None
    output = None
    records = reading.records
    if reading.status in _READ:
        output = f"{DOCS_DIR}/{row.sha256}.jsonl"
        files = reading.files
        corrected = reapply(records, plan.corrections)
        if corrected != list(records):
            records = tuple(corrected)
            files = tuple(_with_corrections(name, content, records) for name, content in files)
        write_document_files(files, out_dir)
        if keep_work is not None:  # the manifest last: a folder with one is whole
            write_document_files(reading.work_files, keep_work)
        with atomic_write(out_dir / output) as handle:
            write_jsonl(records, handle)
    outcome = Outcome(
        status=_READ.get(reading.status, DocumentStatus.FAILED),
        started_at=reading.started_at,
        finished_at=reading.finished_at,
        seconds=reading.seconds,
        input_kind=reading.input_kind,
        pages=reading.pages,
        records=len(records),
        warnings=warning_count(records),
        error_kind=reading.error_kind,
        error_message=reading.error_message,
        output=output,
        worker=reading.worker,
    )
    state.record(path, outcome)
    for duplicate in plan.followers[path]:
        state.record(duplicate, outcome, duplicate_of=path)


_READ = {
    Status.DONE: DocumentStatus.DONE,
    Status.NO_TABLE: DocumentStatus.NO_TABLE,
    Status.PARTIAL: DocumentStatus.PARTIAL,
}


def _with_corrections(
    name: str, content: bytes, records: Sequence[MeasureRecord]
) -> tuple[str, bytes]:
    """A review page written by the worker, again with the corrected records."""
    if not name.endswith(".review.html"):
        return name, content
    low = OcrSettings().min_confidence
    page = revise_review(content.decode("utf-8"), records, low_confidence_below=low)
    return name, page.encode("utf-8")


def _summarize(rows: Sequence[DocumentRow]) -> BatchSummary:
    summary = BatchSummary(inputs=len(rows))
    seen: set[str] = set()
    for row in rows:
        if row.status is DocumentStatus.SKIPPED:
            summary.skipped += 1
        elif row.status is DocumentStatus.FAILED:
            summary.failed += 1
            kind = row.error_kind or "error"
            summary.failures.setdefault(kind, []).append((row.path, row.error_message or ""))
        elif row.status is DocumentStatus.PENDING:
            summary.pending += 1
        elif row.status in READ_STATUSES:
            if row.status is DocumentStatus.DONE:
                summary.done += 1
            elif row.status is DocumentStatus.NO_TABLE:
                summary.no_table += 1
            else:
                summary.partial += 1
                summary.partials.append((row.path, row.error_message or ""))
            if row.duplicate_of is not None:
                summary.duplicates += 1
            if row.sha256 not in seen:
                seen.add(row.sha256 or "")
                summary.records += row.records or 0
                summary.warnings += row.warnings or 0
    return summary


# --------------------------------------------------------------------------- merged output


def _record_files(
    rows: Sequence[DocumentRow], out_dir: Path
) -> list[tuple[list[DocumentRow], Path]]:
    """Each finished content's records file once, in path order, with every path that
    holds it now, the first first (the one read may have gone since, leaving a duplicate)."""
    files: dict[str, tuple[list[DocumentRow], Path]] = {}
    for row in rows:
        if row.status not in READ_STATUSES or not row.output:
            continue
        if row.sha256 in files:
            files[row.sha256 or ""][0].append(row)
        else:
            files[row.sha256 or ""] = ([row], out_dir / row.output)
    return list(files.values())


def source_path(input_given: str | None, relative: str) -> str | None:
    """The one rule for `source_path` (docs/records.md): the input as the command was given
    it. In a batch: INPUT_DIR as the last run was given it, joined with the file's path
    below it (as runners.DocumentTask.path is made); None when the state does not know."""
    return str(Path(input_given) / relative) if input_given is not None else None


def _document_line(row: DocumentRow, out_dir: Path) -> dict[str, object]:
    review = DocumentPlaces.by_content(row.sha256).review if row.sha256 else None
    return {
        "path": row.path,
        "folder": list(row.folder),
        "sha256": row.sha256,
        "status": row.status.value,
        "kind": row.input_kind,
        "duplicate_of": row.duplicate_of,
        "error": (
            {"kind": row.error_kind, "message": row.error_message} if row.error_kind else None
        ),
        "pages": row.pages,
        "records": row.records,
        "warnings": row.warnings,
        "seconds": round(row.seconds, 3) if row.seconds is not None else None,
        "attempts": row.attempts,
        "output": row.output,
        "review": review if review and (out_dir / review).is_file() else None,
        "metadata": _metadata(row, out_dir),
    }


def _metadata(row: DocumentRow, out_dir: Path) -> object:
    """Title, organization, date and reference number, as the worker read them."""
    if row.sha256 is None or row.status not in READ_STATUSES:
        return None
    path = out_dir / DocumentPlaces.by_content(row.sha256).metadata
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _merge_tables(
    rows: Sequence[DocumentRow], out_dir: Path, formats: Sequence[str], given: str | None
) -> Path:
    """`tables.jsonl` (and the `tables` table of records.sqlite) from each read document's
    tables, once per content, in path order, under the first path's name."""
    seen: set[str] = set()
    lines: list[dict[str, object]] = []
    for row in rows:
        if row.status not in READ_STATUSES or row.sha256 is None or row.sha256 in seen:
            continue
        seen.add(row.sha256)
        path = out_dir / DocumentPlaces.by_content(row.sha256).tables
        if not path.is_file():
            continue
        for text in path.read_text(encoding="utf-8").splitlines():
            if text.strip():
                line = json.loads(text)
                line["source_path"] = source_path(given, row.path) or line["source_path"]
                lines.append(line)
    target = out_dir / TABLES_FILE
    with atomic_write(target) as handle:
        handle.write(jsonl(lines))
    if "sqlite" in formats and (out_dir / "records.sqlite").is_file():
        write_sqlite_tables(lines, out_dir / "records.sqlite")
    return target


def rebuild_outputs(
    state: BatchState, run: int, out_dir: Path, formats: Sequence[str], *, excel: bool = False
) -> list[Path]:
    """`records.<ext>` and `documents.jsonl` from the state and the per-document files."""
    rows = state.rows(run=run)
    sources = _record_files(rows, out_dir)
    given = state.input_given()

    def records() -> Iterator[MeasureRecord]:
        for found, source in sources:
            # Named after the paths that hold the content now, by this run's INPUT_DIR: the
            # file read may have been a duplicate that is gone, or read from another folder.
            with source.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        record = MeasureRecord.model_validate_json(line)
                        places = [
                            Place(
                                source_path=source_path(given, row.path) or record.source_path,
                                collection=list(row.folder),
                            )
                            for row in found
                        ]
                        yield placed(record, places)

    # A `records.<ext>` of an earlier run is written again, not deleted: a person may have
    # opened or edited it, and the folder's files must all hold the same records.
    names, _ = formats_in_step(out_dir, formats)
    written = write_record_stream(records, out_dir, names, excel=excel, whole=True)
    index = out_dir / DOCUMENTS_INDEX
    with atomic_write(index) as handle:
        for row in rows:
            handle.write(json.dumps(_document_line(row, out_dir), ensure_ascii=False) + "\n")
    tables = _merge_tables(rows, out_dir, formats, given)
    return [*written, index, tables]
