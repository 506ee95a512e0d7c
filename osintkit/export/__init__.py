"""Exports of a case's findings: JSON, Markdown, HTML, CSV, GeoJSON and STIX 2.1.

``write_all(findings, out_dir)`` writes every format (``osintkit run`` calls it); each format also has its own
function for use in a notebook::

    from osintkit.findings import Findings
    from osintkit.export import write_all, write_html

    findings = Findings.from_case(case)
    write_all(findings, "out/")            # {"json": out/findings.json, "md": out/report.md, ...}
    write_html(findings, "out/report.html")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import ExportError
from ..findings import Findings
from ._common import ensure_dir
from .csv import safe_cell, write_csv
from .geojson import to_geojson, write_geojson
from .html import to_html, write_html
from .json import schema, to_json, write_json
from .markdown import md_escape, to_markdown, write_markdown
from .stix import credibility_to_confidence, to_stix_bundle, write_stix

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "credibility_to_confidence",
    "md_escape",
    "safe_cell",
    "schema",
    "to_geojson",
    "to_html",
    "to_json",
    "to_markdown",
    "to_stix_bundle",
    "write_all",
    "write_csv",
    "write_geojson",
    "write_html",
    "write_json",
    "write_markdown",
    "write_stix",
]


def _write_csv_folder(findings: Findings, folder: Path) -> Path:
    write_csv(findings, folder)
    return folder


# format -> (file or folder name inside out_dir, writer)
FORMATS: dict[str, tuple[str, Callable[[Findings, Path], Path]]] = {
    "json": ("findings.json", write_json),
    "md": ("report.md", write_markdown),
    "html": ("report.html", write_html),
    "csv": ("csv", _write_csv_folder),
    "geojson": ("places.geojson", write_geojson),
    "stix": ("findings.stix.json", write_stix),
}
DEFAULT_FORMATS: tuple[str, ...] = tuple(FORMATS)
_ALIASES = {"markdown": "md", "stix2": "stix", "report": "html", "htm": "html", "geo": "geojson"}


def write_all(
    findings: Findings, out_dir: str | os.PathLike[str], formats: Iterable[str] | None = None
) -> dict[str, Path]:
    """Write each requested format into ``out_dir``; returns ``{format: path}`` in the order written.

    Formats: ``json`` (findings.json), ``md`` (report.md), ``html`` (report.html), ``csv`` (a ``csv/`` folder with
    documents, entities, mentions, places and claims tables), ``geojson`` (places.geojson) and ``stix``
    (findings.stix.json). ``None`` means all of them.
    """
    folder = ensure_dir(out_dir)
    wanted: list[str] = []
    for name in formats if formats is not None else DEFAULT_FORMATS:
        key = _ALIASES.get(name.lower().strip(), name.lower().strip())
        if key not in FORMATS:
            raise ExportError(f"unknown export format {name!r}; choose from {', '.join(FORMATS)}")
        if key not in wanted:
            wanted.append(key)
    written: dict[str, Path] = {}
    for key in wanted:
        filename, writer = FORMATS[key]
        written[key] = writer(findings, folder / filename)
    return written
