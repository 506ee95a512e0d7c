"""Image reuse: variants of one photo matched, unrelated photos not, the earliest appearance first, in any order."""

from __future__ import annotations

import io
import itertools
import json
import random
import sys
from pathlib import Path

import pytest
from PIL import PngImagePlugin

from osintkit.claims.links import CopyLink, roots
from osintkit.errors import InputError
from osintkit.images import DEFAULT_THRESHOLD, REUSE_COLUMNS, ImageMatch, hamming, match_images, reuse_frame
from osintkit.model import Document
from osintkit.sources import LoadResult, load

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_images import VARIANTS, exif_for, photo, variant


def _publish(folder: Path, name: str, when: str, source: str) -> None:
    (folder / (Path(name).stem + ".meta.json")).write_text(json.dumps({"published": when, "source": source}))


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LoadResult]:
    """One original with EXIF, its seven variants, and five unrelated photos, loaded from disk."""
    folder = tmp_path_factory.mktemp("photos")
    img = photo(1, (400, 300))
    img.save(folder / "original.jpg", quality=92, exif=exif_for(1))
    for kind in VARIANTS:
        data, suffix = variant(img, kind)
        (folder / f"v-{kind}{suffix}").write_bytes(data)
    for seed in range(100, 105):
        photo(seed, (400, 300)).save(folder / f"other-{seed}.jpg", quality=85)
    docs = load(folder)
    assert len(docs) == 13 and not docs.skipped
    return folder, docs


def _by_name(docs: LoadResult) -> dict[str, Document]:
    return {Path(d.path or "").stem: d for d in docs}


def test_variants_match_their_original_and_unrelated_photos_do_not(photos: tuple[Path, LoadResult]) -> None:
    _, docs = photos
    names = _by_name(docs)
    original = names["original"]
    matches = match_images(docs)
    assert {m.first for m in matches} == {original.id}
    assert {m.reuse for m in matches} == {names[f"v-{k}"].id for k in VARIANTS}
    for m in matches:
        assert m.distance <= DEFAULT_THRESHOLD and not m.exact and not m.via
        # The original alone has a time (its EXIF capture), so it is first, but nothing says the copies came later.
        assert m.direction == "undetermined" and "which came first is undetermined" in m.why
        # Untitled photos are named by document id in reasons, never by file name (tables show ids as titles).
        assert m.notes == [f"EXIF stripped: {m.reuse} has none while {original.id} keeps its camera metadata"]
        assert "original.jpg" not in m.why and "v-" not in m.why
    others = [names[f"other-{s}"] for s in range(100, 105)]
    for a, b in itertools.combinations([original, *others], 2):
        assert hamming(a.meta["image"]["phash"], b.meta["image"]["phash"]) > DEFAULT_THRESHOLD


def test_the_earliest_publication_is_the_first_whatever_the_order(tmp_path: Path) -> None:
    img = photo(2, (320, 240))
    img.save(tmp_path / "agency.jpg", quality=92, exif=exif_for(2))
    for kind, when, who in (("jpeg70", "2024-05-01T09:00:00Z", "Outlet A"), ("half", "2024-05-01T07:30:00Z",
                                                                           "Channel B")):  # fmt: skip
        data, suffix = variant(img, kind)
        (tmp_path / f"{kind}{suffix}").write_bytes(data)
        _publish(tmp_path, f"{kind}{suffix}", when, who)
    _publish(tmp_path, "agency.jpg", "2024-05-01T08:00:00Z", "Agency")
    docs = load(tmp_path)
    names = _by_name(docs)
    expected = match_images(docs)
    first = names["half"].id  # Channel B published it first, half the size: the others reuse it
    assert [(m.first, m.direction) for m in expected] == [(first, "publication time")] * 2
    assert {m.reuse for m in expected} == {names["agency"].id, names["jpeg70"].id}
    why = next(m.why for m in expected if m.reuse == names["agency"].id)
    assert "published 2024-05-01T07:30:00Z, before" in why and "published 2024-05-01T08:00:00Z" in why
    rng = random.Random(7)
    for _ in range(6):
        shuffled = list(docs)
        rng.shuffle(shuffled)
        assert match_images(shuffled + shuffled[:2]) == expected  # any order, repeats included


def _doc(
    name: str, phash: str, *, published: str | None = None, captured: str | None = None, **extra: object
) -> Document:
    info: dict[str, object] = {"phash": phash, "sha256": name * 4, "pixel_sha256": "p" + name * 4, **extra}
    if captured:
        info["captured"] = captured
    return Document(id=f"doc-{name}", text="", sha256=name * 4, loader="image", retrieved="2026-01-01T00:00:00Z",
                    published=published, meta={"image": info})  # fmt: skip


def test_capture_time_decides_when_nothing_was_published() -> None:
    early = _doc("a", "0000000000000000", captured="2024-04-30T08:15:00+03:00")
    late = _doc("b", "0000000000000003", captured="2024-04-30T06:00:00")  # no zone: read as UTC, and said so
    (m,) = match_images([late, early])
    assert (m.first, m.reuse, m.distance, m.direction) == ("doc-a", "doc-b", 2, "capture time")
    assert "time zone not recorded" in m.why


def test_same_time_or_no_time_is_undetermined_and_stable() -> None:
    a = _doc("a", "ffff000000000000", published="2024-05-01T10:00:00Z")
    b = _doc("b", "ffff000000000001", published="2024-05-01T10:00:00Z")
    (m,) = match_images([b, a])
    assert (m.first, m.reuse, m.direction) == ("doc-a", "doc-b", "undetermined")
    assert "same time" in m.why
    c, d = _doc("c", "00000000ffffffff"), _doc("d", "00000000fffffff0")
    assert match_images([d, c]) == match_images([c, d])
    assert match_images([c, d])[0].direction == "undetermined"


def test_a_chain_of_matches_is_one_origin_and_names_the_link_between() -> None:
    a = _doc("a", "0000000000000000", published="2024-05-01T08:00:00Z")
    b = _doc("b", "00000000000003ff", published="2024-05-01T09:00:00Z")  # 10 bits from a
    c = _doc("c", "00000000000fffff", published="2024-05-01T10:00:00Z")  # 10 from b, 20 from a
    matches = match_images([c, b, a])
    assert [(m.first, m.reuse, m.distance, m.via) for m in matches] == [
        ("doc-a", "doc-b", 10, []),
        ("doc-a", "doc-c", 20, ["doc-b"]),
    ]
    assert "through doc-b" in matches[1].why  # untitled and with no file: the id is all there is to name it by
    assert match_images([a, b, c], threshold=9) == []
    titled = [Document.from_dict({**d.to_dict(), "title": f"Post {d.id[-1].upper()}"}) for d in (a, b, c)]
    why = match_images(titled)[1].why
    assert "through Post B" in why and "Post A published" in why and "doc-" not in why


def test_a_match_reads_the_same_whatever_the_files_are_called(tmp_path: Path) -> None:
    img = photo(4, (320, 240))
    whys = []
    for names in (("photo_1.jpg", "photo_1.jpg"), ("zz.jpg", "aa.jpg")):
        root = tmp_path / names[1]
        for folder, name, when, quality in (
            ("channel", names[0], "2024-05-01T08:00:00Z", 90),
            ("outlet", names[1], "2024-05-01T09:00:00Z", 70),
        ):
            (root / folder).mkdir(parents=True)
            img.save(root / folder / name, quality=quality)  # re-encoded: another file, another id
            _publish(root / folder, name, when, folder.title())
        (m,) = match_images(load(root))
        assert "photo_1" not in m.why and "zz" not in m.why
        whys.append((m.first, m.reuse, m.why, m.notes))
    assert whys[0] == whys[1]
    assert f"{whys[0][0]} published 2024-05-01T08:00:00Z, before {whys[0][1]}" in whys[0][2]


def test_identical_pixels_in_different_files_are_an_exact_match(tmp_path: Path) -> None:
    img = photo(3, (200, 150))
    for name, note in (("plain", None), ("noted", "saved again with a comment")):
        info = PngImagePlugin.PngInfo()
        if note:
            info.add_text("Comment", note)
        buf = io.BytesIO()
        img.save(buf, format="PNG", pnginfo=info)
        (tmp_path / f"{name}.png").write_bytes(buf.getvalue())
    docs = load(tmp_path)
    assert docs[0].sha256 != docs[1].sha256
    (m,) = match_images(docs)
    assert m.exact and m.distance == 0 and m.why.startswith("identical pixels")


def test_matches_become_copy_links_that_collapse_to_one_origin() -> None:
    a = _doc("a", "0000000000000000", published="2024-05-01T08:00:00Z")
    b = _doc("b", "0000000000000001", published="2024-05-01T09:00:00Z")
    c = _doc("c", "0000000000000003", captured="2024-05-02T09:00:00Z")
    matches = match_images([a, b, c])
    links = [m.to_copy_link() for m in matches]
    assert all(isinstance(lk, CopyLink) and lk.relation == "same image" for lk in links)
    assert roots(links) == {"doc-b": "doc-a", "doc-c": "doc-a"}
    capture = next(lk for lk in links if lk.copy == "doc-c")
    # Corroboration ranks capture time after publication time; the link keeps what decided it.
    assert capture.direction == "capture time" and capture.details["decided_by"] == "capture time"
    assert ImageMatch.from_dict(matches[0].to_dict()) == matches[0]
    table = reuse_frame(matches, [a, b, c])
    assert list(table.columns) == list(REUSE_COLUMNS) and len(table) == 2
    row = table.set_index("reuse").loc["doc-c"]
    assert (row["first_seen"], row["reuse_seen"], row["direction"]) == (
        "2024-05-01T08:00:00Z",
        "2024-05-02T09:00:00Z",
        "capture time",
    )


def test_documents_that_are_not_images_are_ignored_and_bad_thresholds_refused() -> None:
    text = Document(id="doc-t", text="A report.", sha256="t" * 64, loader="text", retrieved="2026-01-01T00:00:00Z")
    assert match_images([text, _doc("a", "0" * 16)]) == []
    for bad in (-1, 64, 2.5, True):
        with pytest.raises(InputError, match="field 'threshold'"):
            match_images([], threshold=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="different lengths"):
        hamming("00", "0000")


def test_copies_that_disagree_about_time_or_place_say_so() -> None:
    kyiv = {"lat": 50.45, "lon": 30.5233, "accuracy_m": 10.0}
    near = {"lat": 50.4505, "lon": 30.5236, "accuracy_m": 10.0}  # about 60 m away: the same shot
    far = {"lat": 49.99, "lon": 36.23, "accuracy_m": 10.0}  # Kharkiv, 400 km away
    a = _doc("a", "0" * 16, published="2024-05-01T08:00:00Z", captured="2024-04-30T08:15:00+03:00", gps=kyiv)
    b = _doc("b", "0" * 15 + "1", published="2024-05-01T09:00:00Z", captured="2024-04-30T05:15:30Z", gps=near)
    c = _doc("c", "0" * 15 + "3", published="2024-05-01T10:00:00Z", captured="2024-04-29T10:00:00Z", gps=far)
    by = {m.reuse: m for m in match_images([a, b, c])}
    assert by["doc-b"].notes == []  # the same moment written with another offset, the same place within accuracy
    notes = by["doc-c"].notes
    assert notes[0].startswith("capture times differ: 2024-04-30T08:15:00+03:00 (doc-a)")
    assert notes[1].startswith("GPS positions differ by 4") and notes[1].endswith("km between doc-a and doc-c")
    assert all(n in by["doc-c"].why for n in notes)
    assert by["doc-c"].to_copy_link().details["notes"] == notes
