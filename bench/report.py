"""The benchmark's report: the machine it ran on, and ``results.md`` from the results."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.office import markdown_lines as office_lines

PACKAGES = (
    "pdfplumber",
    "pdfminer.six",
    "pypdfium2",
    "camelot-py",
    "img2table",
    "opencv-contrib-python-headless",
    "numpy",
    "pytesseract",
    "rapidfuzz",
    "pythainlp",
    "apted",
)


def _first_line_with(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _tesseract() -> tuple[str, list[str], list[dict[str, Any]]]:
    """Version line, library lines, and the language data files with their sizes."""
    try:
        probe = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        lines = (probe.stdout + probe.stderr).splitlines()
        langs = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "not found", [], []
    folder = None
    for line in (langs.stdout + langs.stderr).splitlines():
        if '"' in line:  # List of available languages in "/usr/share/.../tessdata/" (3):
            folder = Path(line.split('"')[1])
    data: list[dict[str, Any]] = []
    if folder is not None and folder.is_dir():
        for file in sorted(folder.glob("*.traineddata")):
            size = file.stat().st_size
            data.append({"file": str(file), "bytes": size})
    return (lines[0].strip() if lines else "unknown"), [x.strip() for x in lines[1:3]], data


def machine() -> dict[str, Any]:
    mem_total = _first_line_with("/proc/meminfo", "MemTotal:")
    ram_gib = round(int(mem_total.split()[0]) / 1024 / 1024, 2) if mem_total else None
    tesseract, libraries, traineddata = _tesseract()
    versions: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": _first_line_with("/proc/cpuinfo", "model name") or platform.processor(),
        "ram_gib": ram_gib,
        "os": _os_name(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tesseract": tesseract,
        "tesseract_libraries": libraries,
        "traineddata": traineddata,
        "packages": versions,
        "omp_thread_limit": os.environ.get("OMP_THREAD_LIMIT"),
        "load_average": list(os.getloadavg()),
    }


# -- markdown ----------------------------------------------------------------------------


def fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
    return out


ENGINE_HEADERS = (
    "engine",
    "row F1",
    "cell acc",
    "period acc",
    "TEDS",
    "TEDS-S",
    "s/page",
    "s/page fresh",
    "CPU s/page",
    "peak RSS MiB (process / tree)",
)


def _engine_cells(result: Mapping[str, Any]) -> list[str]:
    if not result["available"]:
        return [result["engine"], *(["—"] * (len(ENGINE_HEADERS) - 1))]
    peak = (
        f"{fmt(result['peak_rss_mib'], 0)} / {fmt(result['peak_rss_tree_mib'], 0)}"
        if result.get("peak_rss_mib") is not None
        else "—"
    )
    return [
        result["engine"],
        fmt(result["row_f1"]),
        fmt(result["cell_accuracy"]),
        fmt(result["period_accuracy"]),
        fmt(result["teds"]),
        fmt(result["teds_struct"]),
        fmt(result["seconds_per_page"], 3) if result["warm"] else "—",
        fmt(result["fresh_seconds_per_page"], 3),
        fmt(result["cpu_seconds_per_page"], 3),
        peak,
    ]


def _ratio_text(ratios: Mapping[str, Mapping[str, float | None]]) -> str:
    return ", ".join(
        f"{name} {fmt(value['wall'], 2)}× (CPU {fmt(value['cpu'], 2)}×)"
        for name, value in ratios.items()
    )


def _part(entries: Sequence[Mapping[str, Any]], key: str, label: str, extra: str = "") -> list[str]:
    headers = [label, "kind", "pages", *ENGINE_HEADERS, "ours ÷ peer: s/page (CPU s/page)"]
    rows: list[list[str]] = []
    for entry in entries:
        for result in entry["engines"]:
            ratio = entry["seconds_ratios"].get(result["engine"], {})
            rows.append(
                [
                    entry[key],
                    entry["kind"],
                    str(entry["pages"]),
                    *_engine_cells(result),
                    _ratio_text(ratio) if ratio else "",
                ]
            )
    lines = _table(headers, rows)
    if extra:
        lines += ["", extra]
    unavailable = {
        r["engine"]: r["note"] for e in entries for r in e["engines"] if not r["available"]
    }
    for engine, note in unavailable.items():
        lines += ["", f"- `{engine}` not available: {note}"]
    return lines


def _startup(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    if not entries:
        return []
    rows = [
        [
            e["name"], f"`{e['ours']}`", f"{fmt(e['seconds'], 2)} ({fmt(e['seconds_min'], 2)}–"
            f"{fmt(e['seconds_max'], 2)})", f"`{e['baseline']}`", fmt(e["baseline_seconds"], 2),
            fmt(e["ratio"], 2),
        ]
        for e in entries
    ]  # fmt: skip
    return [
        "",
        "## Start-up and short runs (whole processes)",
        "",
        "Each pair run alternately after a warm-up (bench/startup.py): median seconds (min–max),"
        " the baseline's median in the same run, and the median of the pairwise ratios.",
        "",
        *_table(["run", "ours", "s (min–max)", "baseline", "baseline s", "ratio"], rows),
    ]


def _scan_summary(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Ours per profile: pages, and the mean row F1, cell and period accuracy."""
    by_profile: dict[str, list[Mapping[str, Any]]] = {}
    for entry in entries:
        ours = next((r for r in entry["engines"] if r["engine"] == "ours"), None)
        if ours is not None:
            by_profile.setdefault(str(entry["profile"]), []).append({**ours, "n": entry["pages"]})
    rows = []
    for profile, runs in by_profile.items():

        def mean(key: str, runs: list[Mapping[str, Any]] = runs) -> str:
            values = [r[key] if r.get(key) is not None else 0.0 for r in runs]
            return fmt(sum(values) / len(values))

        pages = sum(int(r["n"]) for r in runs)
        rows.append(
            [profile, str(pages), mean("row_f1"), mean("cell_accuracy"), mean("period_accuracy")]
        )
    return _table(["profile (ours)", "pages", "row F1", "cell acc", "period acc"], rows)


def markdown(results: Mapping[str, Any]) -> str:
    mach = results["machine"]
    corpus = results["corpus"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench.run`) from one run"
        + (" (`--quick`: a subset)" if results["quick"] else "")
        + f", {results['started']} – {results['finished']} UTC. "
        "Method: [docs/performance.md](../docs/performance.md) and the docstrings of "
        "`bench/run.py`, `bench/engines.py`, `bench/metrics.py`, `bench/isolate.py`.",
        "",
        "## Machine",
        "",
        f"- CPU: {mach['cpu_model']}, {mach['nproc']} cores usable ({mach['cpu_count']} online)",
        f"- RAM: {mach['ram_gib']} GiB",
        f"- OS: {mach['os']} ({mach['platform']})",
        f"- Python {mach['python']}",
        f"- {mach['tesseract']} ({'; '.join(mach['tesseract_libraries'])})",
        "- traineddata: "
        + ", ".join(f"`{Path(d['file']).name}` {d['bytes']:,} bytes" for d in mach["traineddata"])
        + ' (Debian\'s: `tha` is the tessdata "fast" model)',
        "- packages: " + ", ".join(f"{k} {v}" for k, v in mach["packages"].items() if v),
        f"- every engine with OMP_THREAD_LIMIT={mach['omp_thread_limit']}",
        f"- load average (1 min) at the start {fmt(results['load_start'], 2)}, at the end "
        f"{fmt(mach['load_average'][0], 2)}: other work on the machine slows wall seconds "
        "(CPU seconds much less)",
        "",
        "## Corpus",
        "",
        f"{corpus['pages']} pages: {corpus['digital_pages']} born-digital (the example report "
        f"in {corpus['digital_documents']} layouts and fonts), {corpus['scanned_clean_pages']} "
        f"scanned clean and {corpus['scanned_degraded_pages']} scanned degraded (the example "
        f"report, landscape layout, through {corpus['scan_profiles']} scanner profiles). "
        f"Expected: {corpus['rows_expected']} rows, taken from the example export (the text-"
        "export path of the same content); periods as that path normalizes them.",
        "",
        "Columns: row F1 and mean cell accuracy (1 − CER after whitespace folding) over the "
        "whole document; period acc = share of expected rows whose matched row has the "
        "expected normalized period start and end (peers: their period cell read by the "
        "project's normalizer); TEDS / TEDS-S = tree-edit-distance similarity of the document's "
        "table (one `tr` per body row, one `td` per cell) with and without cell text; s/page = "
        "wall seconds of the work divided by pages, of a second reading in the same process "
        "(digital part: start-up paid once, as in a batch) and of the first reading in a "
        "fresh process (s/page fresh: one command on one file); ratios ours ÷ peer use the "
        "second reading where there is one; CPU s/page = user + system CPU seconds of the engine "
        "and its child processes (Tesseract, pool workers) over the same work, less "
        "sensitive to other load on the machine; peak RSS = the engine's own process "
        "(VmHWM) / the process and all its children (psutil, sampled every 50 ms), each "
        "engine and document in a fresh interpreter.",
    ]
    lines += _startup(results.get("startup", []))
    lines += office_lines(results.get("docx"))
    lines += ["", "## Born-digital PDFs", ""]
    lines += _part(results["digital"], "variant", "variant")
    if results.get("producers"):
        lines += [
            "",
            "## Other producers: headless Chromium and LibreOffice",
            "",
            "Seeded layouts of tests/fixtures/producers (bench/producers.py), each scored "
            "against its own expected records (merged cells filled down).",
            "",
        ]
        lines += _part(results["producers"], "variant", "layout (content)")
        lines += ["", *(f"- `{e['variant']}`: {e['description']}" for e in results["producers"])]
    if results.get("scan_producers"):
        lines += [
            "",
            "## Scans of other producers' layouts",
            "",
            "Pages of the multi-producer corpus through the scanner simulation and augraphy "
            "(bench/scan_producers.py), scored against the records the same PDF's text layer "
            "reads wholly on those pages.",
            "",
        ]
        lines += _part(results["scan_producers"], "variant", "layout, profile")
        lines += ["", *_scan_summary(results["scan_producers"])]
    lines += ["", "## Scans", ""]
    lines += _part(
        results["profiles"],
        "profile",
        "profile",
        "Plain `tesseract` gives no table: its page character accuracy (order-sensitive / any "
        "order) is "
        + "; ".join(
            f"{e['profile']} {fmt(t['page_char_accuracy'])} / "
            f"{fmt(t['page_char_recall_unordered'])}"
            for e in results["profiles"]
            for t in e["engines"]
            if t["engine"] == "tesseract" and t["available"]
        )
        + ".",
    )
    memory = results.get("memory")
    if memory:
        lines += ["", "## Memory over long documents", ""]
        rows = [
            [
                m["kind"],
                str(m["pages"]),
                str(m["records"]),
                fmt(m["seconds_per_page"], 3),
                fmt(m["peak_rss_mib"], 0),
                fmt(m["peak_rss_tree_mib"], 0),
            ]
            for m in memory["runs"]
        ]
        lines += _table(
            ["document", "pages", "records", "s/page", "peak RSS MiB", "peak RSS tree MiB"], rows
        )
        lines += [""] + [f"- {line}" for line in memory["slopes"]]
    sheets = results.get("digit_sheets")
    if sheets:
        lines += ["", "## Thai digits (digit sheets)", ""]
        lines += _table(
            ["sheet", "digits", "Tesseract alone", "re-read", "s/page (re-reading)"],
            [
                [
                    name,
                    str(s["printed"]),
                    f"{s['tesseract']:.2%}",
                    f"{s['corrected']:.2%}",
                    fmt(s["seconds_per_page"]),
                ]
                for name, s in sheets.items()
            ],
        )
    batch = results.get("batch")
    if batch:
        lines += [
            "",
            "## Batch",
            "",
            f"{batch['files']} scanned files ({batch['pages']} pages): `--jobs 1` "
            f"{batch['seconds_jobs_1']:.1f} s, `--jobs 2` {batch['seconds_jobs_2']:.1f} s, "
            f"speed-up {fmt(batch['speedup'], 2)}×, same records: {batch['same_records']}.",
        ]
        stop = batch.get("timeout_stop")
        if stop:
            lines += [
                "",
                f"A document that hangs, under `--timeout {stop['limit']}`: stopped after "
                f"{stop['seconds']:.1f} s, {fmt(stop['ratio'], 2)}× the limit "
                f"(error kind {stop['error_kind']}).",
            ]
    return "\n".join(lines) + "\n"
