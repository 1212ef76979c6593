"""Run one engine on one document in a fresh process and measure its peak memory.

Two figures, both resident set sizes (RSS):

- ``process_mib``: the engine process's own peak as Linux reports it (``VmHWM``, see
  :func:`own_peak_mib`): the interpreter, its imports and everything the engine holds;
- ``tree_mib``: the peak of the summed RSS of that process and all its descendants
  (Tesseract runs, pool workers), sampled with psutil every ``SAMPLE_SECONDS``. Pages
  shared between processes count once per process, so this is an upper bound; a child
  living shorter than the interval can be missed, and a peak between two samples too (a
  few seconds of OCR per page make this figure vary by ±150 MiB from run to run with
  pool workers; ``process_mib`` is exact). (``RUSAGE_CHILDREN`` is not used: for a
  child made by fork it reports the parent's size at the fork, not the program's.)

Each measurement starts a new interpreter (``spawn``), so one engine's memory never counts
for the next.
Seconds are measured by the engine functions themselves, around the work only (imports
and the start of the process are left out).
"""

from __future__ import annotations

import importlib
import multiprocessing
import queue
import resource
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ISOLATED_TIMEOUT = 3600.0
SAMPLE_SECONDS = 0.05
MIB = 1024 * 1024


@dataclass(frozen=True)
class PeakMemory:
    """Peak RSS in MiB of the engine's process, and of it with all its descendants."""

    process_mib: float
    tree_mib: float

    def as_dict(self) -> dict[str, float]:
        return {"peak_rss_mib": self.process_mib, "peak_rss_tree_mib": self.tree_mib}


def own_peak_mib() -> float:
    """This process's peak RSS since it started its program, in MiB.

    Linux's ``VmHWM`` (the high-water mark of this program's memory). Not ``ru_maxrss``:
    a process started by fork and exec keeps, in ``ru_maxrss``, the size its parent had
    at the fork, however small the new program stays.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _tree_rss(pid: int) -> int:
    """Summed RSS in bytes of a process and its descendants (0 once it has ended)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue  # ended between listing and reading
    return total


def _child(
    out: multiprocessing.Queue[Any], module: str, name: str, args: tuple[Any, ...], kwargs: Any
) -> None:
    # As in a command started from a shell: the platform's default start method (fork on
    # Linux) for the engine's own worker pools, not the spawn that started this process.
    multiprocessing.set_start_method(None, force=True)
    try:
        function = getattr(importlib.import_module(module), name)
        result = function(*args, **kwargs)
        out.put(("ok", result, own_peak_mib()))
    except BaseException:
        out.put(("error", traceback.format_exc(), own_peak_mib()))


def run_isolated(module: str, name: str, *args: Any, **kwargs: Any) -> tuple[Any, PeakMemory]:
    """``module.name(*args, **kwargs)`` in a new interpreter: its result and peak memory.

    The function and its arguments and result must be picklable (plain data, paths,
    dataclasses). An exception in the child is raised here as a RuntimeError with the
    child's traceback.
    """
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[Any] = context.Queue()
    process = context.Process(target=_child, args=(out, module, name, args, kwargs))
    process.start()
    assert process.pid is not None
    deadline = time.monotonic() + ISOLATED_TIMEOUT
    tree_peak = 0
    try:
        while True:
            tree_peak = max(tree_peak, _tree_rss(process.pid))
            try:
                status, result, own_peak = out.get(timeout=SAMPLE_SECONDS)
                break
            except queue.Empty:
                if time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(f"{module}.{name} gave no result in time") from None
                if not process.is_alive():  # its last words may still be in the pipe
                    try:
                        status, result, own_peak = out.get(timeout=5)
                        break
                    except queue.Empty:
                        raise RuntimeError(f"{module}.{name}: its process died") from None
    finally:
        process.join(timeout=60)
    if status != "ok":
        raise RuntimeError(f"{module}.{name} failed in its own process:\n{result}")
    peak = PeakMemory(round(own_peak, 1), round(max(tree_peak / MIB, own_peak), 1))
    return result, peak
