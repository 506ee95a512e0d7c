"""Walking a folder for sources: recursive, sorted, include/exclude globs.

Every file passed over for what it is (hidden, an unsupported type, a FIFO or a device) is reported with the reason,
so nothing in a folder goes missing in silence; files the caller's own include/exclude globs leave out are not.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from pathlib import Path

from osintkit.errors import InputError, UnsupportedFormatError
from osintkit.sources._common import Skipped, display_path, is_metadata_file

__all__ = ["DEFAULT_INCLUDE", "iter_folder", "matches", "walk_folder"]

DEFAULT_INCLUDE: tuple[str, ...] = (
    "*.txt", "*.text", "*.md", "*.markdown",
    "*.csv", "*.tsv", "*.json", "*.jsonl", "*.ndjson",
    "*.html", "*.htm", "*.xhtml",
    "*.rss", "*.atom", "*.xml",
    "*.pdf", "*.warc", "*.warc.gz", "*.wacz",
    "*.jpg", "*.jpeg", "*.jpe", "*.jfif", "*.png", "*.webp", "*.heic", "*.heif",
)  # fmt: skip


def _as_list(patterns: str | Iterable[str] | None) -> list[str]:
    if patterns is None:
        return []
    if isinstance(patterns, str):
        return [patterns]
    return list(patterns)


def matches(rel: str, patterns: Iterable[str]) -> bool:
    """Case-insensitive glob match: a pattern without '/' matches the file name, one with '/' the relative path."""
    rel = rel.lower()
    name = rel.rsplit("/", 1)[-1]
    for pat in patterns:
        pat = pat.lower()
        if "/" in pat:
            if fnmatchcase(rel, pat) or (pat.startswith("**/") and fnmatchcase(rel, pat[3:])):
                return True
        elif fnmatchcase(name, pat):
            return True
    return False


def _skip(path: Path, reason: str, error: InputError | None = None) -> Skipped:
    where = display_path(path)
    return Skipped(where=where, reason=reason, error=error, path=where)


def walk_folder(
    root: Path, include: str | Iterable[str] | None = None, exclude: str | Iterable[str] | None = None
) -> Iterator[Path | Skipped]:
    """Files under ``root`` to load, in a stable order, and a :class:`Skipped` for each file passed over.

    Sidecar metadata files are read, never loaded, and not reported. Hidden folders (``.git``) are reported once,
    not file by file. With the caller's own ``include`` globs, only what they select is reported; the rest was left
    out on purpose.
    """
    inc = _as_list(include)
    default = not inc
    inc = inc or list(DEFAULT_INCLUDE)
    exc = _as_list(exclude)
    unreadable: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable.append):
        yield from _unreadable(unreadable, root)
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        keep = []
        for d in sorted(dirnames):
            if exc and matches(rel_dir + d, exc):
                continue
            if d.startswith("."):
                if default:
                    yield _skip(base / d, "hidden folder (name starts with '.'); not read")
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = base / name
            rel = rel_dir + name
            if is_metadata_file(path) or (exc and matches(rel, exc)):
                continue
            selected = matches(rel, inc)
            if not (selected or default):
                continue
            if name.startswith("~$"):
                yield _skip(path, "Office lock file; not loaded")
                continue
            if name.startswith("."):
                yield _skip(path, "hidden file (name starts with '.'); not loaded")
                continue
            if not selected:
                suffix = Path(name).suffix.lower() or "(none)"
                err = UnsupportedFormatError(f"unsupported file type {suffix}; loaders read {_SUPPORTED}",
                                             path=display_path(path))  # fmt: skip
                yield _skip(path, err.reason, err)
                continue
            yield path  # FIFOs, sockets and devices are refused from stat() by read_limited, never opened
    yield from _unreadable(unreadable, root)


def _unreadable(errors: list[OSError], root: Path) -> Iterator[Skipped]:
    while errors:
        os_err = errors.pop(0)
        where = Path(os_err.filename) if os_err.filename else root
        err = InputError(f"folder cannot be read: {os_err.strerror or os_err}", path=display_path(where))
        yield _skip(where, err.reason, err)


_SUPPORTED = " ".join(p.removeprefix("*") for p in DEFAULT_INCLUDE)


def iter_folder(
    root: Path, include: str | Iterable[str] | None = None, exclude: str | Iterable[str] | None = None
) -> Iterator[Path]:
    """Files under ``root`` to load, in a stable order (what :func:`walk_folder` does not skip)."""
    for item in walk_folder(root, include, exclude):
        if isinstance(item, Path):
            yield item
