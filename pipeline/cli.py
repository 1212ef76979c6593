"""The `thaireport` command. The only place that turns errors into exit statuses."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from thaireport.output.formats import DOCUMENT_FORMATS, FORMATS, parse_formats

from thaireport._version import __version__
from thaireport.errors import ExitCode, ThaiReportError
from thaireport.settings import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT, OcrSettings, Settings

if TYPE_CHECKING:
    from thaireport.output.document_files import DocumentInfo
    from thaireport.pipeline.document import DocumentResult

# What a command needs is imported in the function that runs it, not here: `--help`, `schema`
# or a text export must not pay for loading PDF, image, OCR and table libraries.


def _formats(text: str) -> tuple[str, ...]:
    try:
        return parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


DPI_RANGE = (72, 1200)  # below, Thai marks are lost; above, one page is gigabytes


def _dpi(text: str) -> int:
    value = _positive(text)
    low, high = DPI_RANGE
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {value}")
    return value


def _add_dpi(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dpi",
        type=_dpi,
        default=OcrSettings.dpi,
        metavar="N",
        help=f"resolution for rendering PDF pages that need OCR (default: {OcrSettings.dpi})",
    )


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    """Options that `extract` and `batch` share: output formats and scan resolution."""
    parser.add_argument(
        "--format",
        dest="formats",
        type=_formats,
        default=("jsonl",),
        metavar="LIST",
        help=f"comma-separated: {', '.join(FORMATS)} (default: jsonl)",
    )
    parser.add_argument(
        "--excel", action="store_true", help="CSV with a byte-order mark, so Excel shows Thai"
    )
    _add_dpi(parser)
    parser.add_argument(
        "--password",
        default=None,
        metavar="TEXT",
        help="the password that opens password-protected PDFs (every PDF is tried with it)",
    )
    parser.add_argument(
        "--max-pages",
        type=_positive,
        default=DEFAULT_MAX_PAGES,
        metavar="N",
        help=f"refuse an input of more pages (default: {DEFAULT_MAX_PAGES})",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 for a document without a measure table too (default: only its text,"
        " tables and metadata are written, and the exit status is 0)",
    )
    _add_keep_work(
        parser,
        "keep what the stages saw, per document a folder DIR/<document> (page images as OCR"
        " read them, its words, the table reader's steps, manifest.json), for"
        " apply-corrections, review and serve",
    )
    parser.add_argument(
        "--abort-on-error",
        action="store_true",
        help="a page that cannot be read fails its whole document (default: the document is"
        " partial: that page is empty, the others are kept; exit status 1)",
    )


def _add_keep_work(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--keep-work", type=Path, default=None, metavar="DIR", help=help)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thaireport",
        description="Thai integrity/transparency reports into structured measure records.",
    )
    parser.add_argument("--version", action="version", version=f"thaireport {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract",
        help="read PDFs, scans and OCR text exports, write one record per table row",
        description="Read report PDFs, scans (images, image-only PDFs) and OCR text exports;"
        " write DIR/records.<format>.",
    )
    extract.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="INPUT",
        help="a report file: PDF (born-digital or scanned), PNG/JPEG/TIFF scan, OCR text export"
        " (.txt, .tsv), DOCX, ODT or DOC; several may be given (a folder: use `batch`)",
    )
    extract.add_argument(
        "-o",
        "--out",
        required=True,
        metavar="DIR",
        help="the folder to write records.<format> (and each document's own files) into,"
        " created if missing; records of documents already there are replaced, the others"
        " kept. Or - to stream JSON Lines to stdout",
    )
    _add_reading_options(extract)
    # Named for what runs at once: pages here, documents in `batch` (each reads its pages
    # one at a time); --jobs stays as the old spelling of both.
    extract.add_argument(
        "--page-jobs",
        "--jobs",
        dest="jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="pages of a scan read by OCR at once (default: the number of cores);"
        " --jobs is the same",
    )
    _add_batch(commands)
    review = commands.add_parser(
        "review",
        help="write a document's review page: page images, cells coloured by confidence",
        description="Read DOC and write one self-contained HTML page for checking it: each"
        " page image with the cells found drawn over it, the rows beside it, cells coloured by"
        " OCR confidence, normalized values and warnings.",
    )
    review.add_argument("document", type=Path, metavar="DOC")
    review.add_argument(
        "-o", "--out", type=Path, default=None, metavar="FILE",
        help="the HTML file (default: DOC's file name and .review.html, in this folder)",
    )  # fmt: skip
    _add_dpi(review)
    _add_keep_work(review, "also write the document's work folder into DIR (see extract)")
    corrections = commands.add_parser(
        "apply-corrections",
        help="apply an archivist's corrections (edited CSV or JSON) to an output folder",
        description="Compare CORRECTIONS (an edited records.csv, or a JSON list of"
        ' {"record_id", "cell", "text"}) with the records in OUT_DIR; set the corrected'
        " text, run the normalizers again, mark the cells verified and write every record"
        " output and review page of those documents again.",
    )
    corrections.add_argument("corrections", type=Path, metavar="CORRECTIONS")
    corrections.add_argument(
        "-o", "--out", required=True, type=Path, metavar="OUT_DIR",
        help="the folder that `extract -o` or `batch -o` wrote",
    )  # fmt: skip
    _add_keep_work(
        corrections,
        "the work folder the outputs were made with (`extract --keep-work DIR`): review pages"
        " are rebuilt from its page images (default: the folder a review page names, else the"
        " images the review page holds)",
    )
    commands.add_parser("schema", help="print the JSON Schema of a record")
    debug = commands.add_parser(
        "debug-table",
        help="draw what the table reader finds on one page (rules, cells, header) into a PNG",
    )
    debug.add_argument("document", type=Path, metavar="FILE")
    debug.add_argument("--page", type=int, default=1, metavar="N")
    debug.add_argument("-o", "--out", type=Path, required=True, metavar="PNG")
    serve = commands.add_parser(
        "serve",
        help="a local web app for checking and correcting cells of an output folder",
        description="Serve OUT_DIR (an `extract -o` or `batch -o` folder) to a browser: a queue"
        " of cells to check, riskiest first, each with its page crop; saves go through"
        " apply-corrections. Needs the `serve` extra.",
    )
    serve.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    serve.add_argument("--port", type=int, default=8018, metavar="N", help="default: 8018")
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine)")
    serve.add_argument("--token", default=None, help="every request must carry it (--host)")
    _add_keep_work(
        serve,
        "the work folder the outputs were made with: crops turned and deskewed as OCR read the"
        " page (default: the folder a review page names)",
    )
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from exc
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _add_batch(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    batch = commands.add_parser(
        "batch",
        help="read a folder tree of submissions in parallel; resumable",
        description="Read every report below INPUT_DIR (PDFs, scans, text exports; the"
        " folders are kept as each record's `collection`) and write OUT_DIR/records.<format>,"
        " OUT_DIR/documents.jsonl and the state OUT_DIR/state.sqlite. Running the same"
        " command again goes on where the last run stopped.",
    )
    batch.add_argument(
        "input_dir",
        type=Path,
        metavar="INPUT_DIR",
        help="the folder tree of reports; every file below it with a report suffix is read",
    )
    batch.add_argument(
        "-o",
        "--out",
        required=True,
        type=Path,
        metavar="OUT_DIR",
        help="the folder for records, documents.jsonl and the state; the same OUT_DIR again"
        " resumes the batch",
    )
    _add_reading_options(batch)
    batch.add_argument(
        "--document-jobs",
        "--jobs",
        dest="jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="documents read at once, each in its own process, its pages one at a time"
        " (default: the number of cores); --jobs is the same",
    )
    batch.add_argument(
        "--no-review",
        dest="review",
        action="store_false",
        help="no review page per document (default: OUT_DIR/docs/<sha256>.review.html)",
    )
    batch.add_argument(
        "--retry-failed", action="store_true", help="read again the documents that failed"
    )
    batch.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit per document (default: {DEFAULT_TIMEOUT:g})",
    )
    batch.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (the state stays here)",
    )


def _redacted(argv: Sequence[str]) -> list[str]:
    """The command line as the state keeps it: a password is never written down."""
    kept: list[str] = []
    for arg in argv:
        if kept and kept[-1] == "--password":
            arg = "***"
        elif arg.startswith("--password="):
            arg = "--password=***"
        kept.append(arg)
    return kept


def run_batch_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from thaireport.pipeline.batch import BatchOptions, run_batch
    from thaireport.pipeline.progress import BatchProgress, summary_lines

    options = BatchOptions(
        input_dir=args.input_dir,
        out_dir=args.out,
        formats=args.formats,
        jobs=args.jobs or os.cpu_count() or 1,
        retry_failed=args.retry_failed,
        timeout=args.timeout,
        scheduler=args.scheduler,
        ocr=OcrSettings(dpi=args.dpi),
        excel=args.excel,
        review=args.review,
        max_pages=args.max_pages,
        strict=args.strict,
        abort_on_error=args.abort_on_error,
        password=args.password,
        keep_work=args.keep_work,
    )
    with BatchProgress() as progress:
        summary = run_batch(options, command=["batch", *_redacted(argv)], observer=progress)
    for line in summary_lines(summary):
        print(line, file=sys.stderr)
    return 130 if summary.interrupted else summary.exit_code


def _report(result: DocumentResult) -> None:
    from thaireport.pipeline.document import Status

    if result.status is Status.FAILED:
        print(f"thaireport: error: {result.error}", file=sys.stderr)
        return
    if result.error is not None:  # no-table or partial: read, and said why it is not whole
        print(f"thaireport: {result.status.value}: {result.error}", file=sys.stderr)
    print(
        f"{result.path}: {len(result.records)} records, {result.warnings} warnings, "
        f"{result.repairs} text repairs, {result.pages} page(s)",
        file=sys.stderr,
    )


def _info(
    path: Path, result: DocumentResult, password: str | None = None, keep_work: str = ""
) -> DocumentInfo:
    from thaireport.output.document_files import DocumentInfo

    return DocumentInfo(
        source=path,
        name=str(path),
        document_id=result.document_id or "",
        kind=result.kind.value if result.kind else "",
        pages=result.pages,
        records=result.records,
        ocr_pages=result.ocr_pages,
        tables=result.tables,
        page_text=result.page_text,
        metadata=result.metadata.as_dict() if result.metadata else None,
        password=password,
        keep_work=keep_work,
    )


def _keep_work(
    root: Path | None, name: str, path: Path, result: DocumentResult, settings: Settings
) -> str:
    """Write the document's work folder under `root` (when asked); its path, or ""."""
    if root is None or result.kind is None:
        return ""
    from thaireport.output.document_files import write_document_files
    from thaireport.pipeline.runners import work_files

    folder = root / name
    write_document_files(work_files(path, result, result.records, settings), folder)
    print(f"kept the work of {path} in {folder}", file=sys.stderr)
    return str(folder.resolve())


def run_review(
    path: Path, target: Path | None, settings: Settings, keep_work: Path | None = None
) -> int:
    """Read one document and write its review page."""
    from thaireport.output.atomic import safe_name
    from thaireport.output.document_files import (
        DocumentPlaces,
        document_files,
        write_document_files,
    )
    from thaireport.pipeline.document import Status, process_document

    result = process_document(path, settings)
    _report(result)
    if result.status is Status.FAILED:
        return ExitCode.INPUT_FAILED
    target = target or Path(f"{path.name}.review.html")
    places = DocumentPlaces(pages="", searchable="", review=target.name)
    kept = _keep_work(keep_work, safe_name(path.name), path, result, settings)
    files = document_files(
        _info(path, result, keep_work=kept),
        ("review",),
        places,
        dpi=settings.ocr.dpi,
        low_confidence_below=settings.ocr.min_confidence,
    )
    for written in write_document_files(files, target.parent):
        print(f"wrote {written}", file=sys.stderr)
    return ExitCode.OK


def run_apply_corrections(corrections: Path, out_dir: Path, keep_work: Path | None = None) -> int:
    from thaireport.pipeline.corrections import apply_corrections

    summary = apply_corrections(corrections, out_dir, keep_work=keep_work)
    print(
        f"{corrections}: {summary.changed} cell(s) corrected, {summary.confirmed} confirmed,"
        f" in {len(summary.documents)} document(s)",
        file=sys.stderr,
    )
    for notice in summary.notices:
        print(f"thaireport: {notice}", file=sys.stderr)
    for path in summary.written:
        print(f"wrote {path}", file=sys.stderr)
    return ExitCode.OK


def run_extract(inputs: Sequence[Path], settings: Settings, keep_work: Path | None = None) -> int:
    from thaireport.extract.records import MeasureRecord, Place, placed
    from thaireport.output.writers import merge_into_folder, record_json, write_records
    from thaireport.pipeline.correction_log import read_log, reapply
    from thaireport.pipeline.document import Status, process_document, sha256_of

    records: list[MeasureRecord] = []
    failed = 0
    taken: set[str] = set()  # names given to documents' own files
    corrections = read_log(settings.out) if settings.out is not None else []
    table_lines: list[dict[str, object]] = []
    progress = None
    if sys.stderr.isatty():  # a bar page by page; a pipe or a log gets the line per document
        from thaireport.pipeline.progress import ExtractProgress, page_total

        progress = ExtractProgress(sys.stderr, bar=True)
    read_as: dict[str, Path] = {}  # content (sha256) -> the input it was read from
    for path in inputs:
        try:
            content = sha256_of(path)
        except OSError:
            content = None  # process_document says what is wrong with the file
        if content is not None and content in read_as:
            # The same content again (the same file twice, or a copy): read once, its
            # records found at every path (found_at), named after the first.
            print(f"{path}: the same content as {read_as[content]}, read once", file=sys.stderr)
            records = [
                placed(r, [*r.places(), Place(source_path=str(path))])
                if r.document_id == content
                else r
                for r in records
            ]
            continue
        if progress is None:
            result = process_document(path, settings)
        else:
            with progress.reading(str(path), page_total(path)) as on_page:
                result = process_document(path, replace(settings, on_page=on_page))
        _report(result)
        if result.status is Status.FAILED:
            failed += 1
            continue
        if content is not None:
            read_as[content] = path
        if result.status is Status.PARTIAL or (
            result.status is Status.NO_TABLE and settings.strict
        ):
            failed += 1  # read and written, but not whole
        if result.tables:
            from thaireport.output.generic_tables import table_lines as lines_of

            table_lines.extend(
                lines_of(result.tables, document_id=result.document_id or "", source_path=str(path))
            )
        result.records = reapply(result.records, corrections)
        places = None
        if keep_work is not None or set(settings.formats) & set(DOCUMENT_FORMATS):
            from thaireport.output.document_files import DocumentPlaces

            places = DocumentPlaces.beside(path, result.document_id or "", taken)
        kept = ""
        if keep_work is not None and places is not None:
            try:
                kept = _keep_work(keep_work, places.pages, path, result, settings)
            except (ThaiReportError, OSError, ValueError) as exc:
                print(
                    f"thaireport: error: {path}: work folder not written ({exc})", file=sys.stderr
                )
                failed += 1
        if settings.out is None:
            for record in result.records:
                sys.stdout.write(record_json(record) + "\n")
            sys.stdout.flush()
        elif set(settings.formats) & set(DOCUMENT_FORMATS):
            # Here: page images, fonts and PDF writers only when such files are asked for.
            from thaireport.output.document_files import document_files, write_document_files

            assert places is not None
            files = document_files(
                _info(path, result, settings.password, kept),
                settings.formats,
                places,
                dpi=settings.ocr.dpi,
                low_confidence_below=settings.ocr.min_confidence,
            )
            try:
                for file_path in write_document_files(files, settings.out):
                    print(f"wrote {file_path}", file=sys.stderr)
            except (ThaiReportError, OSError, ValueError) as exc:
                # The records are kept: only this document's own files are missing.
                print(f"thaireport: error: {path}: page files not written ({exc})", file=sys.stderr)
                failed += 1
        records.extend(result.records)
    if settings.out is not None:
        try:
            # Into a folder of earlier outputs: per document, replace (output.writers).
            records, names, notices = merge_into_folder(records, settings.out, settings.formats)
            for notice in notices:
                print(f"thaireport: {notice}", file=sys.stderr)
            written = write_records(records, settings.out, names, excel=settings.excel)
        except (OSError, ValueError) as exc:
            print(f"thaireport: error: {settings.out}: cannot write ({exc})", file=sys.stderr)
            return ExitCode.INPUT_FAILED
        for path in written:
            print(f"wrote {len(records)} records to {path}", file=sys.stderr)
        if table_lines:
            from thaireport.output.atomic import atomic_write
            from thaireport.output.generic_tables import TABLES_FILE, jsonl, write_sqlite_tables

            with atomic_write(settings.out / TABLES_FILE) as handle:
                handle.write(jsonl(table_lines))
            if "sqlite" in settings.formats:
                write_sqlite_tables(table_lines, settings.out / "records.sqlite")
            print(
                f"wrote {len(table_lines)} tables to {settings.out / TABLES_FILE}", file=sys.stderr
            )
    if failed:
        print(f"thaireport: {failed} of {len(inputs)} inputs failed", file=sys.stderr)
        return ExitCode.INPUT_FAILED
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "schema":
            from thaireport.extract.records import record_json_schema

            print(json.dumps(record_json_schema(), ensure_ascii=False, indent=2))
            return ExitCode.OK
        if args.command == "debug-table":
            from thaireport.extract.tables.draw import write_debug_image

            print(write_debug_image(args.document, args.page, args.out))
            return ExitCode.OK
        if args.command == "review":
            return run_review(
                args.document, args.out, Settings(ocr=OcrSettings(dpi=args.dpi)), args.keep_work
            )
        if args.command == "apply-corrections":
            if not args.out.is_dir():
                parser.error(f"{args.out} is not a directory")
            return run_apply_corrections(args.corrections, args.out, args.keep_work)
        if args.command == "serve":
            if not args.out_dir.is_dir():
                parser.error(f"{args.out_dir} is not a directory")
            if args.host not in ("127.0.0.1", "localhost", "::1") and not args.token:
                parser.error("--host beyond this machine needs --token")
            from thaireport.pipeline.serve.app import serve

            serve(
                args.out_dir, host=args.host, port=args.port, token=args.token,
                keep_work=args.keep_work,
            )  # fmt: skip
            return ExitCode.OK
        if args.command == "batch":
            if not args.input_dir.exists():
                parser.error(f"{args.input_dir}: no such directory")
            if not args.input_dir.is_dir():
                parser.error(f"{args.input_dir} is not a directory")
            return run_batch_command(args, sys.argv[1:] if argv is None else argv)
        folders = [str(p) for p in args.inputs if p.is_dir()]
        if folders:
            parser.error(
                f"{', '.join(folders)}: a folder, not a file; to read every report below a"
                f" folder, run `thaireport batch {folders[0]} -o OUT_DIR`"
            )
        out = None if args.out == "-" else Path(args.out)
        if out is None and args.formats != ("jsonl",):
            parser.error("--out - streams JSON Lines only; give a directory for other formats")
        ocr = OcrSettings(dpi=args.dpi)
        if args.jobs is not None:
            ocr = replace(ocr, jobs=args.jobs)
        settings = Settings(
            out=out, formats=args.formats, ocr=ocr, excel=args.excel, max_pages=args.max_pages,
            strict=args.strict, abort_on_error=args.abort_on_error, password=args.password,
        )  # fmt: skip
        return run_extract(args.inputs, settings, args.keep_work)
    except ThaiReportError as exc:
        print(f"thaireport: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `--out - | head`: the reader has what it wanted. Python would report the pipe
        # again when it flushes stdout at exit; point stdout at nothing first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
