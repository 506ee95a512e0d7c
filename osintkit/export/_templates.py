"""The Jinja2 environment the reports are rendered with (templates in ``templates/``, shipped as package data).

Autoescape is on for every template, and ``finalize`` runs each ``{{ value }}`` through the format's own escaper
(``html.escape`` for HTML, :func:`osintkit.export.markdown.md_escape` for Markdown), so a template cannot forget to
escape a value: only what a filter or macro of ours has already escaped (a ``Markup``) passes as it is. Undefined
names raise, so a misspelt field is an error rather than an empty cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .report import Report, Strong

__all__ = ["make_environment", "render", "short"]


def short(text: str | None, limit: int = 160) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis; "" for None."""
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def make_environment(escape: Callable[[Any], str], filters: dict[str, Callable[..., Any]]) -> Environment:
    """An environment whose every output value is escaped by ``escape``, with the shared and the given filters."""

    def finalize(value: Any) -> Markup:
        return value if isinstance(value, Markup) else Markup(escape(value))

    env = Environment(
        loader=PackageLoader("osintkit.export", "templates"),
        autoescape=True,
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["short"] = short
    env.filters.update(filters)
    env.tests["strong"] = lambda value: isinstance(value, Strong)
    return env


def render(env: Environment, template: str, report: Report, **extra: Any) -> Iterator[str]:
    """The report through ``template``, in chunks (a 10,000-document report is never one string in memory)."""
    return env.get_template(template).generate(report=report, **extra)
