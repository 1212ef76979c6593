"""Benchmark of the scan path: our pipeline against plain Tesseract and img2table.

Run with ``python -m bench.run [--quick] [--out bench-results.json]``.
"""
