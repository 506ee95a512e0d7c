"""CSV tables that are safe to open in a spreadsheet.

Source text is attacker-controlled: a post reading ``=HYPERLINK("http://evil", "click")`` becomes a live formula
when Excel or LibreOffice opens a naive CSV. Following OWASP's CSV-injection guidance, every text cell starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return (and line feed, which some importers also trim) is prefixed
with a single quote, so the spreadsheet shows it as text. Real numbers stay numbers: only strings are touched.

Files are written as UTF-8 with a byte-order mark, which is what makes Excel read non-Latin text correctly;
pandas and the csv module (``encoding="utf-8-sig"``) read it transparently.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ExportError
from ..findings import Findings
from ._common import TABLES, ensure_dir, table

__all__ = ["DEFAULT_TABLES", "FORMULA_PREFIXES", "safe_cell", "write_csv"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
DEFAULT_TABLES = ("documents", "entities", "mentions", "places", "claims")


def safe_cell(value: Any) -> Any:
    """A value ready for a CSV cell: text that a spreadsheet would run as a formula is quoted, numbers kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(
    findings: Findings, out_dir: str | os.PathLike[str], *, tables: Sequence[str] = DEFAULT_TABLES
) -> dict[str, Path]:
    """Write one CSV per table (``documents.csv``, ``entities.csv``, ...) into ``out_dir``; returns their paths."""
    folder = ensure_dir(out_dir)
    written: dict[str, Path] = {}
    for name in tables:
        if name not in TABLES:
            raise ExportError(f"unknown CSV table {name!r}; known: {', '.join(TABLES)}")
        path = folder / f"{name}.csv"
        columns = TABLES[name]
        try:
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
                writer.writerow(columns)
                for row in table(findings, name):
                    writer.writerow([safe_cell(row.get(c)) for c in columns])
        except OSError as exc:
            raise ExportError(f"{path}: cannot write CSV: {exc}") from exc
        written[name] = path
    return written
