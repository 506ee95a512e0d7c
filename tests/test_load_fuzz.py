"""Fuzzing with hostile-flavoured input (issue #20): every loader, folder loading and ``osintkit run``.

Inputs are built from the pieces that stalled or crashed the kit before (unclosed tags and comments, quotes and
newlines, deep brackets, surrogate escapes, blank runs) repeated up to thousands of times, so a quadratic path shows
up as a blown deadline. Properties: nothing but an OsintkitError escapes; no file is lost without a report (each is
loaded or listed among the skipped, by name); no skip is one of the kit's own bugs; every call ends within its budget.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from osintkit.cli import main
from osintkit.errors import OsintkitError
from osintkit.sources import FORMATS, LoadResult, load
from osintkit.store import Case

BUDGET = 0.5  # seconds per parse step
CALL_DEADLINE = 20.0  # seconds for one load, with room for a loaded machine; the stalls fixed took minutes

TOKENS = [
    "<", "<!--", "-->", "<meta ", "<title", "</title>", "<script>", "<div>", "</div>", ">", "<a onclick=", "<![CDATA[",
    "<rss><channel><item><description>", "</description></item>", "&#xD800;", "&amp;", '"', "'", ",", ";", "\t", "|",
    "\n", "\r\n", " ", "#", "# ", "---\n", "{", "}", "[", "]", '{"text": "', '"}', '"\\ud800"', "\\udfff", ":", "x",
    "Kyiv", "said", "é", "\u2028", "\x00", "\ufeff",
]  # fmt: skip


def _hostile_bytes(repeat: int, pieces: int) -> st.SearchStrategy[bytes]:
    piece = st.tuples(st.sampled_from(TOKENS), st.integers(min_value=1, max_value=repeat))
    text = st.lists(piece, max_size=pieces).map(lambda parts: "".join(tok * n for tok, n in parts))
    return st.one_of(
        text.map(lambda t: t.encode("utf-8", errors="surrogatepass")),
        text.map(lambda t: t.encode("utf-8", errors="surrogatepass") + b"\xff\xfe\xe9"),
        st.binary(max_size=300),
    )


hostile_bytes = _hostile_bytes(3000, 6)
# The analysis after loading reads every token with the entity model (a few hundred a second on a busy laptop), so
# the documents for a whole run stay small: the property is about surviving the input, not about its size.
small_hostile_bytes = _hostile_bytes(40, 4)

SETTINGS = settings(
    max_examples=40,
    deadline=timedelta(seconds=CALL_DEADLINE * 2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
BUG = "a bug in osintkit"


def _check(result: LoadResult) -> None:
    for doc in result:
        assert doc.text.strip()
        doc.text.encode("utf-8")  # storable
    for skip in result.skipped:
        assert BUG not in skip.reason, skip
        str(skip).encode("utf-8")


@SETTINGS
@given(data=hostile_bytes, fmt=st.sampled_from(sorted(FORMATS)))
def test_every_loader_on_hostile_bytes(data: bytes, fmt: str) -> None:
    target(float(len(data)), label="bytes")  # steer towards the large inputs where a quadratic path shows
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.bin"
        path.write_bytes(data)
        started = time.perf_counter()
        try:
            strict = load(path, format=fmt, on_error="raise", time_budget=BUDGET)
        except OsintkitError as err:
            assert BUG not in str(err)
            assert str(path) in str(err)  # the error names the file
        else:
            _check(strict)
        lenient = load(path, format=fmt, time_budget=BUDGET)
        _check(lenient)
        assert len(lenient) or lenient.skipped, "a file that gave nothing must be reported"
        assert time.perf_counter() - started < CALL_DEADLINE


NAMES = [
    b"a.txt", b"b.md", b"c.csv", b"d.tsv", b"e.json", b"f.jsonl", b"g.html", b"h.rss", b"i.xml", b".hidden.txt",
    b"notes.pdf", b"memo.docx", b"run.log", b"caf\xe9.txt", b"\xff\xfe.html", b"~$lock.docx", b"x.meta.json",
]  # fmt: skip
_files = st.dictionaries(st.sampled_from(NAMES), hostile_bytes, min_size=1, max_size=5)
_small_files = st.dictionaries(st.sampled_from(NAMES), small_hostile_bytes, min_size=1, max_size=4)


def _write_folder(root: Path, files: dict[bytes, bytes], fifo: bool) -> list[str]:
    """Write the files; return the display names of those a load must account for (not the sidecar)."""
    root.mkdir()
    names = []
    for name, data in files.items():
        with open(os.fsencode(root) + b"/" + name, "wb") as fh:
            fh.write(data)
        if not name.endswith(b".meta.json"):
            names.append(str(root) + "/" + name.decode("utf-8", errors="backslashreplace"))
    if fifo:
        os.mkfifo(root / "pipe.txt")
        names.append(str(root / "pipe.txt"))
    return names


def _accounted(name: str, paths: set[str], skipped_paths: set[str]) -> bool:
    return name in paths or name in skipped_paths


@SETTINGS
@given(files=_files, fifo=st.booleans())
def test_folder_loses_no_file_without_a_report(files: dict[bytes, bytes], fifo: bool) -> None:
    target(float(sum(map(len, files.values()))), label="bytes")
    with tempfile.TemporaryDirectory() as tmp:
        names = _write_folder(Path(tmp) / "src", files, fifo)
        started = time.perf_counter()
        result = load(Path(tmp) / "src", on_error="raise", time_budget=BUDGET)  # a folder never raises
        assert time.perf_counter() - started < CALL_DEADLINE * max(1, len(names))
        _check(result)
        paths = {d.path or "" for d in result}
        skipped_paths = {s.path or s.where for s in result.skipped}
        lost = [n for n in names if not _accounted(n, paths, skipped_paths)]
        assert not lost, f"lost without a report: {lost}; skipped: {result.skipped}"


@pytest.fixture(scope="module")
def warm_model() -> None:
    """Load the entity model and gazetteer once, so each run's deadline measures the run, not a cold start."""
    from osintkit.model import Document
    from osintkit.pipeline import analyse_documents

    analyse_documents([Document(id="w", text="John Kirby said 2 soldiers were in Kyiv.", sha256="", loader="t",
                                retrieved="")])  # fmt: skip


@pytest.mark.timeout(600)
@settings(
    max_examples=12,
    deadline=timedelta(seconds=120),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(files=_small_files, fifo=st.booleans())
def test_osintkit_run_on_generated_folders(files: dict[bytes, bytes], fifo: bool, warm_model: None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "src"
        names = _write_folder(folder, files, fifo)
        out = Path(tmp) / "out"
        started = time.perf_counter()
        result = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "--quiet", "--workers", "1"])
        elapsed = time.perf_counter() - started
        assert result.exit_code == 0, (result.output, result.exception)
        assert result.exception is None
        assert BUG not in result.output
        assert (out / "findings.json").is_file() and (out / "report.md").is_file()
        with Case(out / "case.sqlite") as case:
            paths = {d.path or "" for d in case.documents()}
            assert case.verify().ok
        lost = [n for n in names if n not in paths and f"skipped {n}" not in result.output]
        assert not lost, f"lost without a report: {lost}\n{result.output}"
        assert elapsed < 60, f"run took {elapsed:.1f} s"
