"""Every field of the record's JSON Schema says what it is (issue 17, item 6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def _undescribed(schema: dict[str, Any]) -> list[str]:
    missing = []
    models = {"MeasureRecord": schema, **schema.get("$defs", {})}
    for model, definition in models.items():
        for name, field in definition.get("properties", {}).items():
            if not field.get("description"):
                missing.append(f"{model}.{name}")
    return missing


def test_every_field_of_the_schema_has_a_description(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "thaireport", "schema"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert _undescribed(schema) == []
    record = schema["properties"]
    assert "text-export" in record["source_kind"]["description"]
    assert "INPUT_DIR" in record["source_path"]["description"]
