"""The state of a batch run: one SQLite row per input file, committed per document.

The database lives in the output directory (`OUT_DIR/state.sqlite`, WAL mode, stdlib
`sqlite3`); only the process that runs the batch writes to it, and anyone may read it while
the batch runs. A row says what became of one input path: its content hash, status, timings,
page and record counts, the error (kind and message) when it failed, where its records are,
and — for a file whose content is identical to another input's — which path it duplicates.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from thaireport.errors import BatchStateError

STATE_FILE = "state.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batch (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL NOT NULL,
    finished_at REAL,
    command TEXT NOT NULL,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    path TEXT PRIMARY KEY,          -- relative to the input directory, with '/'
    folder TEXT NOT NULL,           -- JSON list of the folders in `path`
    size INTEGER,
    mtime_ns INTEGER,
    sha256 TEXT,
    status TEXT NOT NULL,           -- pending, done, no-table, partial, failed, skipped
    input_kind TEXT,                -- pdf, image, text-export
    duplicate_of TEXT,              -- the path whose content this is, when read there
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at REAL,
    finished_at REAL,
    seconds REAL,
    pages INTEGER,
    records INTEGER,
    warnings INTEGER,
    error_kind TEXT,
    error_message TEXT,
    output TEXT,                    -- relative to the output directory
    last_run INTEGER,               -- the run that last saw the file in the input directory
    worker TEXT                     -- where it was last read: a process id or a Dask worker
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256);
"""


class DocumentStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    NO_TABLE = "no-table"  # read whole; no measure table (its text and tables are kept)
    PARTIAL = "partial"  # some pages could not be read; the rest is kept


# Read, whole or in part: the document's records file and own files exist.
READ_STATUSES = frozenset({DocumentStatus.DONE, DocumentStatus.NO_TABLE, DocumentStatus.PARTIAL})


@dataclass(frozen=True)
class DocumentRow:
    path: str
    folder: tuple[str, ...]
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: DocumentStatus
    input_kind: str | None
    duplicate_of: str | None
    attempts: int
    started_at: float | None
    finished_at: float | None
    seconds: float | None
    pages: int | None
    records: int | None
    warnings: int | None
    error_kind: str | None
    error_message: str | None
    output: str | None
    last_run: int | None
    worker: str | None

    @classmethod
    def from_sql(cls, row: sqlite3.Row) -> DocumentRow:
        values = dict(row)
        values["folder"] = tuple(json.loads(values["folder"]))
        values["status"] = DocumentStatus(values["status"])
        return cls(**values)


@dataclass(frozen=True)
class Outcome:
    """What one reading of a document gave, as the state records it."""

    status: DocumentStatus
    started_at: float
    finished_at: float
    seconds: float
    input_kind: str | None = None
    pages: int = 0
    records: int = 0
    warnings: int = 0
    error_kind: str | None = None
    error_message: str | None = None
    output: str | None = None
    worker: str | None = None


class BatchState:
    """The SQLite state of one output directory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30.0)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> BatchState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _commit(self) -> Iterator[sqlite3.Connection]:
        with self._db:
            yield self._db

    # ------------------------------------------------------------------ the batch

    def bind_input(self, input_dir: Path) -> None:
        """Tie the state to its input directory; refuse another one."""
        resolved = str(input_dir.resolve())
        row = self._db.execute("SELECT value FROM batch WHERE key = 'input_dir'").fetchone()
        if row is not None and row["value"] != resolved:
            raise BatchStateError(
                f"it holds the state of a batch over {row['value']}, not {resolved}",
                path=self.path,
                hint="give another --out for this input directory",
            )
        with self._commit() as db:
            db.execute("INSERT OR IGNORE INTO batch VALUES ('input_dir', ?)", (resolved,))
            # as this run was given it: the records' source_path starts with it
            db.execute("INSERT OR REPLACE INTO batch VALUES ('input_given', ?)", (str(input_dir),))

    def input_given(self) -> str | None:
        """The input directory as the last run was given it (None: a state written before
        it was kept)."""
        row = self._db.execute("SELECT value FROM batch WHERE key = 'input_given'").fetchone()
        return str(row["value"]) if row is not None else None

    def start_run(self, command: Sequence[str]) -> int:
        with self._commit() as db:
            cursor = db.execute(
                "INSERT INTO runs (started_at, command) VALUES (?, ?)",
                (time.time(), json.dumps(list(command), ensure_ascii=False)),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(self, run: int, summary: dict[str, Any]) -> None:
        with self._commit() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, summary = ? WHERE id = ?",
                (time.time(), json.dumps(summary, ensure_ascii=False), run),
            )

    def last_run(self) -> int | None:
        found = self._db.execute("SELECT MAX(id) FROM runs").fetchone()
        return int(found[0]) if found and found[0] is not None else None

    # ------------------------------------------------------------------ rows

    def rows(self, *, run: int | None = None) -> list[DocumentRow]:
        """All rows, or those seen by `run`, in path order."""
        if run is None:
            cursor = self._db.execute("SELECT * FROM documents ORDER BY path")
        else:
            cursor = self._db.execute(
                "SELECT * FROM documents WHERE last_run = ? ORDER BY path", (run,)
            )
        return [DocumentRow.from_sql(r) for r in cursor]

    def row(self, path: str) -> DocumentRow | None:
        found = self._db.execute("SELECT * FROM documents WHERE path = ?", (path,)).fetchone()
        return DocumentRow.from_sql(found) if found is not None else None

    def see(
        self,
        path: str,
        folder: Sequence[str],
        *,
        run: int,
        size: int,
        mtime_ns: int,
        sha256: str,
    ) -> DocumentRow:
        """Record that `path` is in the input with this content.

        A new path, or one whose content changed since it was last read, becomes pending.
        """
        old = self.row(path)
        with self._commit() as db:
            if old is None or old.sha256 != sha256:
                db.execute(
                    """INSERT INTO documents (path, folder, size, mtime_ns, sha256, status,
                           attempts, last_run)
                       VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)
                       ON CONFLICT (path) DO UPDATE SET
                           folder = excluded.folder, size = excluded.size,
                           mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256,
                           status = 'pending', input_kind = NULL, duplicate_of = NULL,
                           started_at = NULL, finished_at = NULL, seconds = NULL,
                           pages = NULL, records = NULL, warnings = NULL,
                           error_kind = NULL, error_message = NULL, output = NULL,
                           last_run = excluded.last_run""",
                    (path, _folder(folder), size, mtime_ns, sha256, run),
                )
            else:
                db.execute(
                    "UPDATE documents SET size = ?, mtime_ns = ?, last_run = ? WHERE path = ?",
                    (size, mtime_ns, run, path),
                )
        row = self.row(path)
        assert row is not None
        return row

    def mark(
        self,
        path: str,
        folder: Sequence[str],
        *,
        run: int,
        status: DocumentStatus,
        kind: str,
        message: str,
    ) -> None:
        """A row that is not read: a file that is no input (skipped), or cannot be opened."""
        with self._commit() as db:
            db.execute(
                """INSERT INTO documents (path, folder, status, error_kind, error_message,
                       last_run)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (path) DO UPDATE SET
                       folder = excluded.folder, status = excluded.status,
                       error_kind = excluded.error_kind, error_message = excluded.error_message,
                       last_run = excluded.last_run""",
                (path, _folder(folder), status.value, kind, message, run),
            )

    def mark_started(self, paths: Sequence[str], *, at: float) -> None:
        """Count an attempt at `paths` (a document and its duplicates)."""
        with self._commit() as db:
            db.executemany(
                "UPDATE documents SET attempts = attempts + 1, started_at = ?, "
                "status = 'pending' WHERE path = ?",
                [(at, p) for p in paths],
            )

    def record(self, path: str, outcome: Outcome, *, duplicate_of: str | None = None) -> None:
        """Store the outcome of reading `path` (or of `duplicate_of`, whose content it has)."""
        with self._commit() as db:
            db.execute(
                """UPDATE documents SET status = ?, input_kind = ?, duplicate_of = ?,
                       started_at = ?, finished_at = ?, seconds = ?, pages = ?, records = ?,
                       warnings = ?, error_kind = ?, error_message = ?, output = ?, worker = ?
                   WHERE path = ?""",
                (
                    outcome.status.value,
                    outcome.input_kind,
                    duplicate_of,
                    outcome.started_at,
                    outcome.finished_at,
                    outcome.seconds,
                    outcome.pages,
                    outcome.records,
                    outcome.warnings,
                    outcome.error_kind,
                    outcome.error_message,
                    outcome.output,
                    outcome.worker,
                    path,
                ),
            )

    def outcome_of(self, row: DocumentRow) -> Outcome:
        """A finished row's outcome, to copy onto a file with the same content."""
        return Outcome(
            status=row.status,
            started_at=row.started_at or 0.0,
            finished_at=row.finished_at or 0.0,
            seconds=row.seconds or 0.0,
            input_kind=row.input_kind,
            pages=row.pages or 0,
            records=row.records or 0,
            warnings=row.warnings or 0,
            error_kind=row.error_kind,
            error_message=row.error_message,
            output=row.output,
            worker=row.worker,
        )


def _folder(parts: Sequence[str]) -> str:
    return json.dumps(list(parts), ensure_ascii=False)
