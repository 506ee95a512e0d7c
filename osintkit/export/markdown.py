"""report.md: the findings report in Markdown, for reading in a terminal, a code host or a notes app.

Source text is escaped before it enters the Markdown: a ``|`` would split a table cell, ``<script>`` would be raw
HTML to most renderers, and ``[text](javascript:...)`` would become a link. Newlines inside a cell are folded to
spaces so each row stays one line. The template environment applies :func:`md_escape` to every value (see
``_templates.py``); the layout is ``templates/report.md.j2`` and the content the report model (``report.py``) that
report.html renders too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from ..findings import Findings
from ._common import ensure_parent
from ._sanitise import clean_text, write_atomically
from ._templates import make_environment, render
from .report import build_report, card_text

__all__ = ["md_escape", "to_markdown", "write_markdown"]

# Backslash first, so the escapes added for the others are not escaped again.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_WS = re.compile(r"\s+")
MAX_TABLE_ROWS = 2000  # per table; the CSV files and findings.json hold every row


def md_escape(value: Any) -> str:
    """Text safe inside a Markdown paragraph or table cell: metacharacters escaped, HTML neutralised, one line,
    no control characters (NUL, ESC, C1)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = _WS.sub(" ", clean_text(str(value))).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _cell(value: Any) -> Markup:
    """A table cell: our own output (already Markdown) as it is, anything else through md_escape; an empty cell is
    one space, so the row keeps its "|   |"."""
    text = value if isinstance(value, Markup) else md_escape(value)
    return Markup(text or " ")


def _code(value: Any) -> Markup:
    """A hash or a path as a code span, shown verbatim; as escaped text where a backtick or line end would break
    out of the span."""
    text = str(value)
    if "`" in text or not text.isprintable():
        return Markup(md_escape(text))
    return Markup(f"`{text}`")


def _card_cell(value: Any) -> Markup:
    return Markup(md_escape(card_text(value, 300)[0]))


@cache
def _environment() -> Environment:
    return make_environment(md_escape, {"cell": _cell, "code": _code, "card_cell": _card_cell})


def _chunks(findings: Findings, title: str) -> Iterator[str]:
    return render(_environment(), "report.md.j2", build_report(findings, title), row_limit=MAX_TABLE_ROWS)


def to_markdown(findings: Findings, *, title: str = "osintkit findings report") -> str:
    return "".join(_chunks(findings, title))


def write_markdown(
    findings: Findings, path: str | os.PathLike[str], *, title: str = "osintkit findings report"
) -> Path:
    target = ensure_parent(path)
    # Atomic, like every export: a run killed mid-write leaves the previous report or none, never half of one.
    with write_atomically(target, "Markdown report") as fh:
        for chunk in _chunks(findings, title):
            fh.write(chunk)
    return target
