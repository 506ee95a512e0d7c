"""findings.json: the whole case's findings in one JSON document, described by ``findings.schema.json``.

The schema (JSON Schema draft 2020-12) ships beside this module so other tools can validate a findings file without
osintkit; ``schema()`` returns it and ``SCHEMA_PATH`` locates it.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ExportError
from ..findings import Findings
from ._common import ensure_parent

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
    return json.dumps(findings.to_dict(), ensure_ascii=False, indent=indent, default=str)


def write_json(findings: Findings, path: str | os.PathLike[str], *, indent: int | None = 2) -> Path:
    """Write findings.json to ``path`` (a file path)."""
    target = ensure_parent(path)
    try:
        with target.open("w", encoding="utf-8") as fh:
            json.dump(findings.to_dict(), fh, ensure_ascii=False, indent=indent, default=str)
            fh.write("\n")
    except OSError as exc:
        raise ExportError(f"{target}: cannot write findings JSON: {exc}") from exc
    return target
