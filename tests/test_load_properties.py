"""Property tests: whatever bytes, CSV or JSON reach the loaders, only OsintkitError comes out."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osintkit.errors import OsintkitError
from osintkit.sources import FORMATS, load

SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
SUFFIXES = [".txt", ".md", ".csv", ".tsv", ".json", ".jsonl", ".html", ".rss", ".xml", ".dat"]


def _load_bytes(data: bytes, suffix: str, **kw: object) -> None:
    """Load through the public API, strictly; anything but an OsintkitError fails the property."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        try:
            result = load(path, on_error="raise", **kw)  # type: ignore[arg-type]
        except OsintkitError:
            return
        for doc in result:
            assert doc.text.strip()
            assert doc.id == f"doc-{doc.sha256[:16]}"
            assert result.raw[doc.id] is not None


@SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes(data: bytes, suffix: str) -> None:
    _load_bytes(data, suffix)


@SETTINGS
@given(data=st.binary(max_size=600), fmt=st.sampled_from(sorted(FORMATS)))
def test_arbitrary_bytes_every_forced_format(data: bytes, fmt: str) -> None:
    _load_bytes(data, ".bin", format=fmt)


@SETTINGS
@given(text=st.text(max_size=1500))
def test_arbitrary_csv_text(text: str) -> None:
    _load_bytes(text.encode("utf-8", errors="surrogatepass"), ".csv")


_cell = st.text(max_size=40)


@SETTINGS
@given(rows=st.lists(st.lists(_cell, min_size=1, max_size=5), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t", "|"]))  # fmt: skip
def test_arbitrary_csv_tables(rows: list[list[str]], delimiter: str) -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    _load_bytes(buf.getvalue().encode("utf-8", errors="surrogatepass"), ".csv")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=40,
)


@SETTINGS
@given(value=_json, as_lines=st.booleans())
def test_arbitrary_json(value: object, as_lines: bool) -> None:
    if as_lines:
        items = value if isinstance(value, list) else [value]
        data = "\n".join(json.dumps(v) for v in items).encode()
        _load_bytes(data, ".jsonl")
    else:
        _load_bytes(json.dumps(value).encode(), ".json")


@SETTINGS
@given(value=_json, mapping=st.dictionaries(st.sampled_from(["text", "title", "published", "author", "records"]),
                                            st.text(min_size=1, max_size=8), max_size=3))  # fmt: skip
def test_arbitrary_json_with_mapping(value: object, mapping: dict[str, str]) -> None:
    _load_bytes(json.dumps(value).encode(), ".json", mapping=mapping)


@pytest.mark.parametrize("depth", [50, 5000])
def test_deeply_nested_json(depth: int) -> None:
    _load_bytes(("[" * depth + "]" * depth).encode(), ".json")
    _load_bytes(('{"text": ' * depth + '"x"' + "}" * depth).encode(), ".json")
