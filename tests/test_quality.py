"""ruff and mypy are part of the test suite, so style and type errors fail CI like any other bug."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint() -> None:
    result = _run(str(BIN / "ruff"), "check", "osintkit", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run(str(BIN / "ruff"), "format", "--check", "osintkit", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy() -> None:
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


# --- lists written once, and the places that derive from them --------------------------------------------------


def test_every_cache_follows_the_one_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from osintkit.claims.cluster import EmbeddingCache
    from osintkit.geo import gazetteer
    from osintkit.geo.online import _default_cache_dir
    from osintkit.paths import cache_dir
    from osintkit.sources.url import cache_root

    monkeypatch.setenv("OSINTKIT_CACHE_DIR", str(tmp_path / "kit"))
    root = (tmp_path / "kit").resolve()
    assert cache_dir().resolve() == root and root.is_dir()
    assert cache_root().resolve() == root / "http"  # fetched pages: a folder of the same cache, not its own root
    assert _default_cache_dir().resolve() == root
    assert EmbeddingCache(model="test").path.resolve().parent == root
    assert gazetteer.cache_dir is cache_dir  # the gazetteer index (building one here would take a minute)
    monkeypatch.delenv("OSINTKIT_CACHE_DIR")
    assert cache_dir().resolve() != root
    assert cache_root().resolve() == cache_dir().resolve() / "http"


def test_document_fields_are_listed_once() -> None:
    import dataclasses

    from osintkit.findings import DOCUMENT_FIELDS
    from osintkit.model import Document

    declared = {f.name for f in dataclasses.fields(Document)}
    assert set(Document.FRAME_COLUMNS) == declared - {"meta"}  # the one written list covers the dataclass
    assert set(DOCUMENT_FIELDS) == set(Document.FRAME_COLUMNS) - {"text"}  # findings derives its own


def test_load_options_are_listed_once_and_shown_on_every_entry_point() -> None:
    import dataclasses
    import inspect

    from osintkit.errors import InputError
    from osintkit.sources import LoadOptions, iter_documents, iter_load, load

    names = [f.name for f in dataclasses.fields(LoadOptions)]
    assert "include" in names and "time_budget" in names
    for func in (load, iter_load, iter_documents):
        params = inspect.signature(func).parameters
        assert [p for p in params if p in names] == names, func.__name__
        assert params["max_bytes"].default == LoadOptions().max_bytes
    with pytest.raises(InputError, match=r"unknown load option\(s\) includ"):
        load("seeds/", includ="*.txt")
