"""The sources demo of notebook 07: written the same every time, loaded whole, and linked as the story says."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from osintkit import Case, load
from osintkit.demo import DEMO_FILES, EXPORT, FORWARDED_FROM, PHOTO, write_sources_demo
from osintkit.errors import InputError
from osintkit.model import Document
from osintkit.pipeline import RunResult, run


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_demo_is_written_byte_for_byte_the_same(tmp_path: Path) -> None:
    first = _files(write_sources_demo(tmp_path / "a"))
    second = _files(write_sources_demo(tmp_path / "b"))
    assert sorted(first) == sorted(DEMO_FILES)
    assert first == second
    # Rewriting over an earlier copy (a notebook run twice) leaves the same bytes and nothing else behind.
    assert _files(write_sources_demo(tmp_path / "a")) == first


def test_a_file_in_place_of_the_folder_is_refused_by_name(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("not a folder")
    with pytest.raises(InputError, match="taken"):
        write_sources_demo(target)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult, list[Document]]:
    base = tmp_path_factory.mktemp("demo")
    folder = write_sources_demo(base / "sources")
    result = run([folder], case=base / "case.sqlite")
    with Case(result.case_path) as case:
        docs = case.documents()
    return folder, result, docs


def _by_path(docs: list[Document], folder: Path, rel: str) -> Document:
    (doc,) = [d for d in docs if d.path == str(folder / rel)]
    return doc


@pytest.mark.timeout(300)
def test_every_demo_source_loads_and_reaches_the_case(demo_run: tuple[Path, RunResult, list[Document]]) -> None:
    folder, result, docs = demo_run
    loaded = load(folder)
    assert not loaded.skipped
    assert Counter(d.loader for d in loaded) == {"telegram": 6, "image": 4, "warc": 1}
    assert not result.ingest.skipped and len(result.ingest.added) == 11 and result.analysed == 11
    assert {d.id for d in docs} == {d.id for d in loaded}
    with Case(result.case_path) as case:
        assert case.verify().ok
        original = _by_path(docs, folder, f"{EXPORT}/{PHOTO}")
        (place,) = case.places(original.id)
        photos = [p for p in case.places() if p.feature == "photo"]
    # Three photos keep their GPS (the outlet's copy lost it); all three fall inside Ukraine's shipped outline.
    assert len(photos) == 3 and {p.country_code for p in photos} == {"UA"}
    assert place.feature == "photo" and place.country_code == "UA"
    assert abs(place.lat - 45.4068) < 1e-3 and abs(place.lon - 29.6243) < 1e-3
    # The post's attachment is the photo document itself; the archived page's image is the outlet's copy.
    post = next(d for d in docs if d.loader == "telegram" and d.meta["message_id"] == 102)
    assert post.meta["media"][0]["sha256"] == original.sha256
    page = next(d for d in docs if d.loader == "warc")
    assert page.meta["warc"]["digest"] == "verified" and page.retrieved == "2025-03-05T14:22:05Z"
    herald = _by_path(docs, folder, "photos/herald-barge.jpg")
    assert [a["sha256"] for a in page.meta["attachments"]] == [herald.sha256]
    assert herald.sha256 == hashlib.sha256((folder / "photos/herald-barge.jpg").read_bytes()).hexdigest()


@pytest.mark.timeout(300)
def test_the_forward_and_the_reused_photo_are_copy_links(demo_run: tuple[Path, RunResult, list[Document]]) -> None:
    folder, result, docs = demo_run
    assert result.corroboration is not None
    links = result.corroboration.links
    forward = next(d for d in docs if d.loader == "telegram" and d.meta["message_id"] == 103)
    (fwd,) = [lk for lk in links if lk.relation == "forwarded"]
    assert (fwd.original, fwd.copy, fwd.direction) == (f"external:{FORWARDED_FROM}", forward.id, "forwarded")
    assert fwd.details["message_id"] == 58 and fwd.details["date"] == "2025-03-05T04:50:00Z"

    same = sorted((lk for lk in links if lk.relation == "same image"), key=lambda lk: lk.copy)
    original = _by_path(docs, folder, f"{EXPORT}/{PHOTO}")
    copies = {_by_path(docs, folder, f"photos/{name}.jpg").id for name in ("herald-barge", "riverwatch-barge")}
    assert {lk.original for lk in same} == {original.id}  # the channel's post, the earliest appearance
    assert {lk.copy for lk in same} == copies
    assert all(lk.direction == "publication time" for lk in same)
    ferry = _by_path(docs, folder, "photos/riverwatch-ferry.jpg")
    assert all(ferry.id not in (lk.original, lk.copy) for lk in links)
