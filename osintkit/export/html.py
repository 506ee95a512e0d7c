"""report.html: a self-contained report that can be mailed, archived or handed to an editor as one file.

Everything in it comes from sources an adversary may control, so every value passes through ``html.escape`` (the
template environment applies it to each value; see ``_templates.py``) and nothing from a source ever becomes
markup, a link target or a URL to load: source URLs are shown as text, because a ``javascript:`` URL in a scraped
page must not become a clickable link. The page loads nothing from outside (inline CSS, the map as a ``data:``
image) and carries a Content-Security-Policy that forbids scripts, as a second line of defence should an escape
ever be missed.

Full document texts are left out (titles, hashes and short snippets only) so a 10,000-document case still gives a
report a browser opens. The layout is ``templates/report.html.j2``; the content is the report model
(``report.py``) that report.md renders too.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from ..errors import ExportError
from ..findings import Findings
from ..model import Place
from ._common import ensure_parent
from ._sanitise import clean_text, write_atomically
from ._templates import make_environment, render
from .report import build_report, card_text

__all__ = ["static_map_data_uri", "to_html", "write_html"]


def e(value: Any) -> str:
    """Escape anything for HTML text or a quoted attribute; control characters (NUL, ESC, C1) never get through."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape(clean_text(str(value)), quote=True)


def _card_cell(value: Any) -> Markup:
    text, nested = card_text(value, 400)
    return Markup(f"<code>{e(text)}</code>") if nested else Markup(e(text))


@cache
def _environment() -> Environment:
    return make_environment(e, {"card_cell": _card_cell})


def static_map_data_uri(places: Sequence[Place]) -> tuple[str | None, str]:
    """The geo module's static map as a ``data:`` URI, and a note saying why there is none.

    The map is embedded as an image, never inlined as SVG markup: an image cannot run script, whatever it holds.
    """
    if not places:
        return None, "No places were resolved, so there is no map."
    # Imported here: osintkit.geo costs about 0.2 s to import (its gazetteer), which only the HTML report needs.
    from ..geo.maps import static_map

    # PNG: with the country outlines an SVG is about 2.5 times larger and slower to draw.
    try:
        data = static_map(places, fmt="png")
    except (ValueError, ArithmeticError) as exc:
        # Coordinates no map can hold (a latitude of 1e308 from a broken or hostile import raises "math domain
        # error") cost the map, not the report; any other failure is a bug and propagates.
        return None, f"The static map could not be drawn ({type(exc).__name__}: {exc})."
    if not isinstance(data, bytes):
        raise ExportError(f"static_map returned {type(data).__name__}, not the PNG bytes the report embeds")
    return f"data:image/png;base64,{base64.b64encode(data).decode('ascii')}", ""


def _chunks(findings: Findings, title: str) -> Iterator[str]:
    uri, note = static_map_data_uri(findings.places)
    return render(_environment(), "report.html.j2", build_report(findings, title), map_uri=uri, map_note=note)


def to_html(findings: Findings, *, title: str = "osintkit findings report") -> str:
    """The whole report as one HTML string."""
    return "".join(_chunks(findings, title))


def write_html(findings: Findings, path: str | os.PathLike[str], *, title: str = "osintkit findings report") -> Path:
    target = ensure_parent(path)
    # Atomic, like every export: a run killed mid-write leaves the previous report or none, never half of one.
    with write_atomically(target, "HTML report") as fh:
        for chunk in _chunks(findings, title):
            fh.write(chunk)
    return target
