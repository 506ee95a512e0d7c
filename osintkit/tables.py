"""Tables and text previews for notebooks: what a researcher reads first, without ids, blanks or nested values.

    from osintkit.tables import brief, preview
    brief(mentions_frame(mentions), titles=case)   # text, label, value, confidence, found by, document
    mentions_frame(mentions)                        # the full frame, every column, is always one call away
    Markdown(preview(report_text, 2500))            # ends at a paragraph or a sentence, never mid-word

The frames the kit builds (mentions, places, entities, documents, custody) keep every column for code that reads
them; :func:`brief` only chooses and cleans what a notebook shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import InputError
from .model import Document
from .text import split_sentences

if TYPE_CHECKING:
    from .store import Case

__all__ = ["BRIEF_COLUMNS", "brief", "preview"]

# Each kind of frame the kit builds, recognised by columns only it has, and the columns a reader needs first, in
# order. "document" is the source title that brief() adds in place of a doc_id.
BRIEF_COLUMNS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "mentions": (
        frozenset({"text", "label", "score", "start", "end"}),
        ("text", "label", "value", "score", "source", "document"),
    ),
    "places": (
        frozenset({"text", "name", "geonameid", "country_code", "feature"}),
        ("text", "name", "country_code", "feature", "confidence", "alternatives", "overridden", "document"),
    ),
    "entities": (
        frozenset({"name", "label", "aliases", "mentions", "documents"}),
        ("name", "label", "aliases", "mentions", "documents"),
    ),
    "custody": (
        frozenset({"seq", "action", "entry_hash"}),
        ("seq", "time", "actor", "action", "document", "row_count"),
    ),
    "documents": (
        frozenset({"title", "loader", "sha256", "text"}),
        ("title", "source", "published", "loader", "sha256"),
    ),
}
# Clearer headings for a reader than the attribute names code uses.
_RENAME = {
    "mentions": {"score": "confidence", "source": "found by", "value": "normalised"},
    "places": {"country_code": "country", "alternatives": "runner-up"},
}
_ID_COLUMN = re.compile(r"^(?:id|.*_ids?|geonameid|start|end|content_hash|prev_hash|entry_hash|row_table|path)$")
# "start" and "end" are character offsets in the kit's frames, but a timeline's are dates a reader needs.
_OFFSET_COLUMN = re.compile(r"^(?:start|end)$")
_HEX_DIGEST = re.compile(r"^[0-9a-f]{40,}$")
_DOC_ID_COLUMNS = ("doc_id", "object_id")
# A word that may be a document id (the kit's are "doc-" and hex digits); looked up, never guessed from its shape.
_WORD = re.compile(r"(?<![\w-])[\w-]+(?![\w-])")


def _kind(frame: pd.DataFrame) -> str | None:
    columns = set(frame.columns)
    return next((kind for kind, (marks, _) in BRIEF_COLUMNS.items() if marks <= columns), None)


def _titles(source: Mapping[str, str] | Case | Iterable[Document] | None) -> dict[str, str]:
    if source is None:
        return {}
    if isinstance(source, Mapping):
        return {str(k): str(v) for k, v in source.items()}
    docs = source.documents() if hasattr(source, "documents") else source
    titles = {}
    for doc in docs:
        if not isinstance(doc, Document):
            raise InputError(f"brief() takes a case, documents or a mapping, not {type(doc).__name__}", field="titles")
        titles[doc.id] = doc.title or doc.source or (doc.path or doc.id).rsplit("/", 1)[-1]
    return titles


def _title_of(object_id: Any, titles: Mapping[str, str]) -> str:
    """A document's title for its id, or for the id of something inside it ("doc-…:120-131", a mention's span)."""
    if _blank(object_id):
        return ""
    key = str(object_id)
    return titles.get(key) or titles.get(key.split(":", 1)[0], "")


def _hidden(frame: pd.DataFrame, column: Any) -> bool:
    name = str(column)
    if _OFFSET_COLUMN.match(name) and pd.api.types.is_datetime64_any_dtype(frame[column]):
        return False
    return bool(_ID_COLUMN.match(name))


def _named(titles: Mapping[str, str]) -> Callable[[Any], Any]:
    """A function that puts each document's title in place of its id inside a cell's text ("… doc-… published …")."""

    def named(value: Any) -> Any:
        if not titles or not isinstance(value, str) or not value:
            return value
        return _WORD.sub(lambda m: titles.get(m.group()) or m.group(), value)

    return named


def _blank(value: Any) -> bool:
    if isinstance(value, str | list | tuple | dict):
        return len(value) == 0
    try:
        return bool(pd.isna(value))  # None, NaN, NaT and pd.NA alike
    except (TypeError, ValueError):  # an array-like cell has no single truth value: it is not blank
        return False


def _nested(value: Any) -> bool:
    """A dict, or a list holding dicts: code reads these, a table cell cannot."""
    if isinstance(value, dict):
        return True
    return isinstance(value, list | tuple) and any(isinstance(v, dict | list | tuple) for v in value)


def _cell(value: Any) -> Any:
    if _blank(value):
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, str) and _HEX_DIGEST.match(value):
        return value[:12] + "…"  # enough to tell digests apart on screen; the full frame has all 64
    return value


def brief(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    titles: Mapping[str, str] | Case | Iterable[Document] | None = None,
) -> pd.DataFrame:
    """The columns a reader needs, cleaned for the screen; ``frame`` itself stays the full set.

    ``columns`` picks and orders columns (the frame's own names, or ``"document"``); by default a frame the kit
    builds gets its kind's set from :data:`BRIEF_COLUMNS` and any other frame keeps its columns. Either way ids,
    offsets and hashes of the custody chain are left out, as are dict columns and columns with nothing in them;
    lists are joined, blanks (None, NaN) shown empty, numbers rounded to two places and digests shortened.
    ``titles`` (a case, documents, or a mapping of document id to title) adds a ``document`` column with the
    source's title in place of its id, and puts titles in place of the ids written in any other cell (a reason
    that names two documents, a column of ids). Dates in ``start``/``end`` columns are kept: only offsets go.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"brief() takes a pandas DataFrame, not {type(frame).__name__}")
    out = frame.copy()
    names = _titles(titles)
    if names:
        id_column = next((c for c in _DOC_ID_COLUMNS if c in out.columns), None)
        if id_column is not None:
            out["document"] = out[id_column].map(lambda v: _title_of(v, names))
    kind = _kind(frame)
    if columns is not None:
        unknown = [c for c in columns if c not in out.columns]
        if unknown:
            raise InputError(f"brief(): the frame has no such column (it has {list(out.columns)})", field=unknown[0])
        keep = list(columns)
    else:
        preferred = BRIEF_COLUMNS[kind][1] if kind else tuple(out.columns)
        keep = [c for c in preferred if c in out.columns and not _hidden(out, c)]
    out = out[keep]
    drop = [c for c in out.columns if out[c].map(_blank).all() or out[c].map(_nested).any()]
    named = _named(names)
    out = out.drop(columns=drop).astype(object).apply(lambda col: col.map(lambda v: named(_cell(v))))
    if kind in _RENAME:
        out = out.rename(columns=_RENAME[kind])
    return out.reset_index(drop=True)


def preview(text: str, limit: int = 2500) -> str:
    """The start of ``text``, at most ``limit`` characters, ending at a paragraph or, failing that, a sentence.

    A paragraph break is preferred when one falls in the last two fifths of the window, so a Markdown report's
    preview never stops inside a table or a list; the text is returned whole when it fits.
    """
    if limit < 1:
        raise InputError(f"preview() needs a positive length, not {limit}", field="limit")
    if len(text) <= limit:
        return text
    paragraph = text.rfind("\n\n", 0, limit + 1)
    if paragraph >= limit * 3 // 5:
        return text[:paragraph].rstrip()
    ends = [end for _, end in split_sentences(text) if end <= limit]
    if ends:
        return text[: ends[-1]].rstrip()
    space = text.rfind(" ", 0, limit)  # one sentence longer than the window: stop at a word, and say so
    return text[: space if space > 0 else limit].rstrip() + " …"
