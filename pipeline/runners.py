"""Where the documents of a batch are read: worker processes here, or a Dask cluster.

Both runners take `DocumentTask`s and yield one `DocumentReading` per task, in the order they
finish; a reading that failed says why (the document's own error, or "timeout" and
"worker-crashed" when the worker had to be replaced). Neither touches the batch state: the
process that runs the batch records the readings.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, replace
from multiprocessing import get_context
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from thaireport.extract.records import MeasureRecord, Place, placed
from thaireport.output.document_files import (
    DocumentInfo,
    DocumentPlaces,
    document_files,
)
from thaireport.pipeline.document import (
    DocumentResult,
    Status,
    process_document,
    warning_count,
)

from thaireport.errors import MissingDependencyError, ThaiReportError
from thaireport.settings import Settings

TIMEOUT_KIND = "timeout"
CRASH_KIND = "worker-crashed"
INTERNAL_KIND = "internal"
POLL_SECONDS = 0.25  # how often the runners look at the clock and the workers' notices
# Fault injection for tests: "hang:NAME,crash:NAME" makes the worker that reads a file of
# that name sleep for an hour, or die on the spot, before reading it.
FAULTS_VARIABLE = "THAIREPORT_TEST_FAULTS"


@dataclass(frozen=True)
class DocumentTask:
    path: str  # the file as the batch names it; the records' source_path
    collection: tuple[str, ...] = ()  # its folders below the batch's input directory
    size: int = 0
    pages: int = 1  # estimated before it is read, to weigh the progress bar's time left


@dataclass(frozen=True)
class DocumentReading:
    """What became of one task: the records, or why there are none."""

    path: str
    status: Status
    started_at: float
    finished_at: float
    seconds: float
    worker: str
    input_kind: str | None = None
    pages: int = 0
    records: tuple[MeasureRecord, ...] = ()
    error_kind: str | None = None
    error_message: str | None = None
    # the document's own files (review page, archival pages), relative to the output folder
    files: tuple[tuple[str, bytes], ...] = ()
    # its work folder's files (`--keep-work`), relative to the work folder: <sha256>/...
    work_files: tuple[tuple[str, bytes], ...] = ()

    @property
    def warnings(self) -> int:
        return warning_count(self.records)


StartHook = Callable[[DocumentTask], None]


def _ignore(task: DocumentTask) -> None:
    pass


def worker_settings(settings: Settings) -> Settings:
    """One document per worker and one page at a time within it: the parallelism is across
    documents, so it must not multiply with page-level parallelism."""
    return replace(settings, out=None, ocr=replace(settings.ocr, jobs=1), on_page=None)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _error_text(error: ThaiReportError) -> str:
    text = error.message
    if error.page is not None:
        text += f" (page {error.page})"
    return f"{text} — {error.hint}" if error.hint else text


def _inject_fault(path: str) -> None:
    spec = os.environ.get(FAULTS_VARIABLE, "")
    name = Path(path).name
    for item in filter(None, (part.strip() for part in spec.split(","))):
        fault, _, target = item.partition(":")
        if target != name:
            continue
        if fault == "hang":
            time.sleep(3600)
        elif fault == "crash":
            os._exit(70)


def read_document(
    task: DocumentTask, settings: Settings, data: bytes | None = None
) -> DocumentReading:
    """Read one document (on whichever machine runs this); never raises for bad input.

    `data` is the file's content when the worker cannot see the file itself (on a cluster):
    it is read from a temporary copy with the same name, and the records and errors name
    the original path.
    """
    started, clock = time.time(), time.perf_counter()
    _inject_fault(task.path)
    if data is None:
        return _reading(task, Path(task.path), settings, started, clock)
    with tempfile.TemporaryDirectory(prefix="thaireport-") as folder:
        copy = Path(folder) / Path(task.path).name
        copy.write_bytes(data)
        return _reading(task, copy, settings, started, clock)


def _reading(
    task: DocumentTask, path: Path, settings: Settings, started: float, clock: float
) -> DocumentReading:
    result = process_document(path, settings)
    records = tuple(
        placed(r, [Place(source_path=task.path, collection=list(task.collection))])
        for r in result.records
    )
    error = result.error
    files: tuple[tuple[str, bytes], ...] = ()
    work: tuple[tuple[str, bytes], ...] = ()
    note = None
    if result.has_output:  # done, partial or no-table: its files are wanted all the same
        info = DocumentInfo(
            source=path,
            name=task.path,
            document_id=result.document_id or "",
            kind=result.kind.value if result.kind else "",
            pages=result.pages,
            records=records,
            ocr_pages=result.ocr_pages,
            tables=result.tables,
            page_text=result.page_text,
            metadata=result.metadata.as_dict() if result.metadata else None,
            password=settings.password,
            keep_work=(
                str(settings.keep_work.resolve() / result.document_id)
                if settings.keep_work is not None and result.document_id
                else ""
            ),
        )
        try:
            if info.keep_work:
                kept = work_files(path, result, records, settings, source_name=task.path)
                work = tuple((f"{result.document_id}/{name}", data) for name, data in kept)
            files = tuple(
                document_files(
                    info,
                    settings.formats,
                    DocumentPlaces.by_content(info.document_id),
                    dpi=settings.ocr.dpi,
                    low_confidence_below=settings.ocr.min_confidence,
                )
            )
        except (ThaiReportError, OSError, ValueError) as exc:
            note = f"records kept; review, page and work files not written ({exc})"
    if note and error is not None:
        note = f"{_error_text(error)}; {note}"
    return DocumentReading(
        path=task.path,
        status=result.status,
        started_at=started,
        finished_at=time.time(),
        seconds=time.perf_counter() - clock,
        worker=_worker_name(),
        input_kind=result.kind_read,  # a PDF read wholly by OCR: scan
        pages=result.pages,
        records=records,
        error_kind=error.kind if error else None,
        error_message=_message(error, note, path, task.path),
        files=files,
        work_files=work,
    )


def work_files(
    path: Path,
    result: DocumentResult,
    records: Sequence[MeasureRecord],
    settings: Settings,
    *,
    source_name: str | None = None,
) -> Iterator[tuple[str, bytes]]:
    """The files of the document's work folder (`output.keep_work`), by name inside it;
    `extract` and `batch` both write them."""
    from thaireport.output.keep_work import keep_work_files, settings_used

    return keep_work_files(
        path, sha256=result.document_id or "", pages=result.ocr_pages, page_count=result.pages,
        records=records, kind=result.kind.value if result.kind else "",
        settings=settings_used(settings), dpi=settings.ocr.dpi, password=settings.password,
        source_name=source_name,
    )  # fmt: skip


def _message(error: ThaiReportError | None, note: str | None, path: Path, name: str) -> str | None:
    """What to say about a reading; a hint may name the file (how to decrypt it): the
    original, not the copy."""
    text = note or (_error_text(error) if error is not None else None)
    return text.replace(str(path), name) if text else None


def failed_reading(
    task: DocumentTask, kind: str, message: str, *, seconds: float = 0.0, worker: str = ""
) -> DocumentReading:
    now = time.time()
    return DocumentReading(
        path=task.path,
        status=Status.FAILED,
        started_at=now - seconds,
        finished_at=now,
        seconds=seconds,
        worker=worker,
        error_kind=kind,
        error_message=message,
    )


# --------------------------------------------------------------------------- this machine

_notices: Queue[tuple[str, int]] | None = None


def _init_worker(notices: Queue[tuple[str, int]], parent: int) -> None:
    global _notices
    _notices = notices
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A batch killed outright leaves no workers behind reading on."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _pool_read(task: DocumentTask, settings: Settings) -> DocumentReading:
    if _notices is not None:
        _notices.put((task.path, os.getpid()))
    return read_document(task, settings)


@dataclass
class _Started:
    pid: int
    at: float  # time.monotonic() in the batch process


class LocalRunner:
    """Worker processes on this machine (a `ProcessPoolExecutor`).

    At most `jobs` documents are in the pool at once, so each is started as soon as it is
    submitted. A document that runs past `timeout` seconds has its worker killed; a worker
    that dies breaks the whole pool, which is then replaced: the documents that were in it
    with the culprit go back in the queue (when the culprit is not known, each is read again
    alone to find it).
    """

    def __init__(self, *, jobs: int, settings: Settings, timeout: float | None) -> None:
        self.jobs = max(1, jobs)
        self.settings = worker_settings(settings)
        self.timeout = timeout
        self._context = get_context("spawn")

    def _new_pool(self) -> tuple[ProcessPoolExecutor, Queue[tuple[str, int]]]:
        notices: Queue[tuple[str, int]] = self._context.Queue()
        pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=self._context,
            initializer=_init_worker,
            initargs=(notices, os.getpid()),
        )
        return pool, notices

    def run(
        self, tasks: Sequence[DocumentTask], *, on_start: StartHook = _ignore
    ) -> Generator[DocumentReading, None, None]:
        waiting = deque(tasks)
        suspects: deque[DocumentTask] = deque()  # read alone to find which one kills workers
        running: dict[Future[DocumentReading], DocumentTask] = {}
        started: dict[str, _Started] = {}
        isolating: DocumentTask | None = None  # a suspect, read alone
        pool, notices = self._new_pool()
        try:
            while waiting or suspects or running:
                broken = False
                isolating = isolating if isolating in running.values() else None
                source = suspects if suspects or isolating else waiting
                room = (0 if running else 1) if source is suspects else self.jobs - len(running)
                while source and room > 0:
                    task = source.popleft()
                    try:
                        future = pool.submit(_pool_read, task, self.settings)
                    except BrokenProcessPool:  # a worker died since the last look
                        source.appendleft(task)
                        broken = True
                        break
                    on_start(task)
                    running[future] = task
                    room -= 1
                    if source is suspects:
                        isolating = task
                if not broken:
                    done, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                else:
                    done = set()
                _drain(notices, started)
                for future in done:
                    if isinstance(future.exception(), BrokenProcessPool):
                        broken = True
                        continue
                    task = running.pop(future)
                    started.pop(task.path, None)
                    yield _reading_of(future, task)
                expired = self._expired(running.values(), started)
                for task in expired:
                    _kill(started[task.path].pid)
                if not (broken or expired):
                    continue
                # The pool is broken (or about to be): every future in it ends with an error.
                wait(running, timeout=30)
                alone = len(running) == 1
                in_pool = []
                for future, task in running.items():
                    if future.done() and future.exception() is None:
                        yield future.result()
                    else:
                        in_pool.append(task)
                for task in in_pool:
                    begun = started.get(task.path)
                    seconds = time.monotonic() - begun.at if begun else 0.0
                    worker = f"{socket.gethostname()}:{begun.pid}" if begun else ""
                    if task in expired:
                        yield failed_reading(
                            task,
                            TIMEOUT_KIND,
                            f"still reading after {self.timeout:g} s; the worker was stopped"
                            " — give more time with --timeout, or check the file",
                            seconds=seconds,
                            worker=worker,
                        )
                    elif expired:
                        waiting.appendleft(task)  # stopped with the one that timed out
                    elif alone:
                        yield failed_reading(
                            task,
                            CRASH_KIND,
                            "the worker process died while reading this file (a crash in a"
                            " library or out of memory); the batch went on without it",
                            seconds=seconds,
                            worker=worker,
                        )
                    else:
                        suspects.append(task)
                running.clear()
                started.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool, notices = self._new_pool()
        finally:
            # Normally nothing is running here; after Ctrl-C or an error, stop the workers.
            _drain(notices, started)
            for task in running.values():
                if task.path in started:
                    _kill(started[task.path].pid)
            pool.shutdown(wait=not running, cancel_futures=True)

    def _expired(
        self, tasks: Iterable[DocumentTask], started: dict[str, _Started]
    ) -> list[DocumentTask]:
        if self.timeout is None:
            return []
        now = time.monotonic()
        return [t for t in tasks if t.path in started and now - started[t.path].at > self.timeout]


def _reading_of(future: Future[DocumentReading], task: DocumentTask) -> DocumentReading:
    error = future.exception()
    if error is None:
        return future.result()
    message = f"the worker failed: {type(error).__name__}: {error}"
    return failed_reading(task, INTERNAL_KIND, message)


def _drain(notices: Queue[tuple[str, int]], started: dict[str, _Started]) -> None:
    while True:
        try:
            path, pid = notices.get_nowait()
        except (queue.Empty, OSError, ValueError):
            return
        started[path] = _Started(pid, time.monotonic())


def _kill(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- a Dask cluster


class DaskRunner:
    """Documents submitted to a Dask cluster (`distributed.Client`).

    The workers need the package and Tesseract, not the files: each file's content is sent
    to the cluster. A document past `timeout` is cancelled and its worker restarted; a
    document whose worker keeps dying (Dask's `KilledWorker`) fails as "worker-crashed".
    """

    def __init__(self, address: str, *, settings: Settings, timeout: float | None) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise MissingDependencyError(
                "--scheduler needs Dask distributed, which is not installed",
                hint="pip install 'thaireport[distributed]'",
            ) from exc
        self.settings = worker_settings(settings)
        self.timeout = timeout
        try:
            self.client = Client(address, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise MissingDependencyError(
                f"cannot reach the Dask scheduler at {address} ({exc})",
                hint="start one (`dask scheduler`, then `dask worker ADDRESS`), or run without"
                " --scheduler",
            ) from exc

    def close(self) -> None:
        self.client.close()

    def run(
        self, tasks: Sequence[DocumentTask], *, on_start: StartHook = _ignore
    ) -> Generator[DocumentReading, None, None]:
        from distributed import KilledWorker
        from distributed import wait as dask_wait

        self.client.wait_for_workers(1)
        waiting = deque(tasks)
        running: dict[Any, tuple[DocumentTask, float, Any]] = {}
        try:
            while waiting or running:
                slots = max(1, sum(self.client.nthreads().values()))  # workers come and go
                while waiting and len(running) < slots:
                    task = waiting.popleft()
                    try:
                        data = Path(task.path).read_bytes()
                    except OSError as exc:
                        yield failed_reading(task, "unreadable", f"cannot read ({exc})")
                        continue
                    on_start(task)
                    shipped = self.client.scatter(data, hash=False)
                    future = self.client.submit(
                        read_document, task, self.settings, shipped, pure=False
                    )
                    running[future] = (task, time.monotonic(), shipped)
                if not running:
                    continue
                try:
                    done = dask_wait(
                        list(running), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED"
                    ).done
                except TimeoutError:
                    done = set()
                for future in done:
                    task, begun, shipped = running.pop(future)
                    if future.status == "finished":
                        yield future.result()
                    else:
                        error = future.exception()
                        if isinstance(error, KilledWorker):
                            yield failed_reading(
                                task,
                                CRASH_KIND,
                                f"the Dask workers died while reading this file ({error})",
                                seconds=time.monotonic() - begun,
                            )
                        else:
                            yield failed_reading(
                                task,
                                INTERNAL_KIND,
                                f"the worker failed: {type(error).__name__}: {error}",
                                seconds=time.monotonic() - begun,
                            )
                    future.release()
                    shipped.release()
                if self.timeout is None:
                    continue
                now = time.monotonic()
                for future, (task, begun, shipped) in list(running.items()):
                    if now - begun <= self.timeout:
                        continue
                    del running[future]
                    processing = self.client.processing()
                    workers = [w for w, keys in processing.items() if future.key in keys]
                    future.cancel()
                    shipped.release()
                    if workers:
                        self.client.restart_workers(workers)
                    yield failed_reading(
                        task,
                        TIMEOUT_KIND,
                        f"still reading after {self.timeout:g} s; the Dask worker was restarted"
                        " — give more time with --timeout, or check the file",
                        seconds=now - begun,
                    )
        finally:
            for future, (_, _, shipped) in running.items():
                future.cancel()
                shipped.release()
