"""CSV tables that are safe to open in a spreadsheet.

Source text is attacker-controlled: a post reading ``=HYPERLINK("http://evil", "click")`` becomes a live formula
when Excel or LibreOffice opens a naive CSV. Following OWASP's CSV-injection guidance, every text cell starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return (and line feed, which some importers also trim) is prefixed
with a single quote, so the spreadsheet shows it as text. Real numbers stay numbers: only strings are touched.

A formula can also hide inside a cell: ``Harmless;=HYPERLINK(...)`` is one cell to a comma-separated reader, but
Excel in a locale whose list separator is ";" (most of Europe, Ukraine included) splits the line there and runs
the second half. So a formula character that follows any separator a spreadsheet might split on (``,`` ``;`` tab,
line breaks, and the full-width ``，`` ``；`` of East Asian locales), spaces allowed between, gets the same quote.
Control characters (NUL, ESC, C1) are replaced as in every export (``osintkit.export._sanitise``); line ends stay.

Files are written as UTF-8 with a byte-order mark, which is what makes Excel read non-Latin text correctly;
pandas and the csv module (``encoding="utf-8-sig"``) read it transparently.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ExportError
from ..findings import Findings
from ._common import TABLES, ensure_dir, table
from ._sanitise import strip_controls, write_atomically

__all__ = ["DEFAULT_TABLES", "FORMULA_PREFIXES", "SEPARATORS", "safe_cell", "write_csv"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Where a spreadsheet may start a new cell inside what the CSV writes as one.
SEPARATORS = ",;\t\r\n\uff0c\uff1b"
# The full-width forms start formulas in some East Asian spreadsheet setups; they are cheap to cover.
_FORMULA_CHARS = "=+@\uff1d\uff0b\uff0d\uff20-"  # "-" last: literal in a character class
# A formula character right after a separator, or at the start of the cell; spaces between do not disarm it, since
# importers may trim them. Group 1 is what stays before the inserted quote.
_HIDDEN_FORMULA = re.compile(f"((?:^|[{SEPARATORS}])[ \u00a0\u3000]*)(?=[{_FORMULA_CHARS}])")
DEFAULT_TABLES = ("documents", "entities", "mentions", "places", "claims")


def safe_cell(value: Any) -> Any:
    """A value ready for a CSV cell: text that a spreadsheet would run as a formula is quoted, numbers kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = strip_controls(value if isinstance(value, str) else str(value))
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text  # OWASP's rule for the cell as a whole, leading tab and CR included
    return _HIDDEN_FORMULA.sub(r"\1'", text)


def write_csv(
    findings: Findings, out_dir: str | os.PathLike[str], *, tables: Sequence[str] = DEFAULT_TABLES
) -> dict[str, Path]:
    """Write one CSV per table (``documents.csv``, ``entities.csv``, ...) into ``out_dir``; returns their paths.

    ``custody.txt`` beside them names the custody head the tables were exported from.
    """
    folder = ensure_dir(out_dir)
    written: dict[str, Path] = {}
    for name in tables:
        if name not in TABLES:
            raise ExportError(f"unknown CSV table {name!r}; known: {', '.join(TABLES)}")
        path = folder / f"{name}.csv"
        columns = TABLES[name]
        with write_atomically(path, "CSV", newline="") as fh:
            fh.write("\ufeff")  # the byte-order mark Excel needs to read UTF-8
            writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
            writer.writerow(columns)
            for row in table(findings, name):
                writer.writerow([safe_cell(row.get(c)) for c in columns])
        written[name] = path
    # CSV has no room for metadata: the custody head the tables were exported from goes beside them.
    custody = folder / "custody.txt"
    with write_atomically(custody, "CSV custody note") as fh:
        c = findings.custody
        fh.write(
            f"custody head: {c.get('head')}\nentries: {c.get('entries')}\nverified: {c.get('verified')}\n"
            f"generated: {findings.generated_at}\n"
            f"check with: osintkit verify --case CASE --expect-head {c.get('head')}\n"
        )
    return written
