"""findings.json: the whole case's findings in one JSON document, described by ``findings.schema.json``.

The schema (JSON Schema draft 2020-12) ships beside this module so other tools can validate a findings file without
osintkit; ``schema()`` returns it and ``SCHEMA_PATH`` locates it. The file is written atomically (a kill during the
export leaves the previous findings.json or none, never a truncated one), and its values are the case's data as
stored: JSON escapes control characters itself, so nothing is removed here.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from ..findings import Findings
from ._common import ensure_parent
from ._sanitise import json_text, write_atomically

__all__ = ["SCHEMA_PATH", "schema", "to_json", "write_json"]

SCHEMA_PATH = Path(__file__).with_name("findings.schema.json")


@cache
def _schema_text() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


def schema() -> dict[str, Any]:
    """The findings.json JSON Schema (draft 2020-12) as a dict."""
    result: dict[str, Any] = json.loads(_schema_text())
    return result


def to_json(findings: Findings, *, indent: int | None = 2) -> str:
    return json_text(findings.to_dict(), indent=indent)


def write_json(findings: Findings, path: str | os.PathLike[str], *, indent: int | None = 2) -> Path:
    """Write findings.json to ``path`` (a file path)."""
    target = ensure_parent(path)
    # Rendered before the file is opened, so a failure while building the findings leaves the old file alone too.
    text = to_json(findings, indent=indent)
    with write_atomically(target, "findings JSON") as fh:
        fh.write(text + "\n")
    return target
