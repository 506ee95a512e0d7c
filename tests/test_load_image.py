"""Images as sources: EXIF, XMP and GPS read from files the tests write, hashes, flags, and malformed images."""

from __future__ import annotations

import hashlib
import io
import json
import random
import struct
import sys
import zlib
from collections import Counter
from pathlib import Path

import piexif
import pytest
from PIL import Image, ImageDraw, PngImagePlugin

import osintkit as ok
from osintkit import load
from osintkit.errors import InputTimeoutError, InputTooLargeError, MalformedInputError, OsintkitError
from osintkit.images import hamming, photo_place, photo_places
from osintkit.model import Document
from osintkit.sources.image import read_image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_images import photo

XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmp:CreatorTool="{tool}" '
    'photoshop:DateCreated="2024-04-29T07:00:00+02:00">'
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
    "<dc:subject><rdf:Bag><rdf:li>checkpoint</rdf:li><rdf:li>vehicles</rdf:li></rdf:Bag></dc:subject>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
)


def _exif(**over: object) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Acme", "Field 7", "Acme firmware 2.1"
    exif[0x0132] = "2024:04:30 08:15:00"
    exif[0x010E] = "Two men beside a truck"
    exif[0x8769] = {0x9003: "2024:04:30 08:15:00", 0x9011: "+03:00"}
    # 50°27'3.5" S, 30°31'24" W: the signs come from the reference letters.
    exif[0x8825] = {1: "S", 2: (50.0, 27.0, 3.5), 3: "W", 4: (30.0, 31.0, 24.0), 6: 120.0, 11: 2.0, 31: 8.0}
    for key, value in over.items():
        exif[int(key.removeprefix("t"), 16)] = value
    return exif


def _jpeg(img: Image.Image | None = None, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    (img or photo(3, (320, 240))).save(buf, format="JPEG", quality=90, **kwargs)
    return buf.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_jpeg_exif_gps_xmp_become_document_fields(tmp_path: Path) -> None:
    data = _jpeg(exif=_exif(), xmp=XMP.format(tool="Acme camera app", title="Checkpoint at dawn").encode())
    path = _write(tmp_path, "checkpoint.jpg", data)
    (doc,) = load(path, on_error="raise")
    info = doc.meta["image"]
    assert doc.loader == "image" and doc.sha256 == hashlib.sha256(data).hexdigest() == info["sha256"]
    assert (info["format"], info["width"], info["height"]) == ("JPEG", 320, 240)
    assert doc.title == "Checkpoint at dawn"
    assert doc.text == "Checkpoint at dawn\nTwo men beside a truck"
    assert info["exif"]["make"] == "Acme" and info["exif"]["model"] == "Field 7"
    assert info["exif"]["software"] == "Acme firmware 2.1"
    assert info["captured"] == "2024-04-30T08:15:00+03:00" and info["captured_offset"] == "+03:00"
    gps = info["gps"]
    assert gps["lat"] == pytest.approx(-(50 + 27 / 60 + 3.5 / 3600), abs=1e-6)
    assert gps["lon"] == pytest.approx(-(30 + 31 / 60 + 24 / 3600), abs=1e-6)
    assert (gps["altitude_m"], gps["dop"], gps["accuracy_m"]) == (120.0, 2.0, 8.0)
    assert info["xmp"]["dc:title"] == "Checkpoint at dawn"
    assert info["xmp"]["dc:subject"] == "checkpoint; vehicles"
    assert info["xmp"]["xmp:CreatorTool"] == "Acme camera app"
    assert info["exif_status"] == "present" and info["flags"] == []
    assert len(info["phash"]) == 16 and len(info["pixel_sha256"]) == 64
    # Capture time is not publication: published stays for the source (here none) to say.
    assert doc.published is None


def test_png_with_xmp_and_no_exif_is_flagged(tmp_path: Path) -> None:
    meta = PngImagePlugin.PngInfo()
    meta.add_itxt("XML:com.adobe.xmp", XMP.format(tool="Adobe Photoshop 25.1 (Windows)", title="Men and a document"))
    buf = io.BytesIO()
    photo(4, (200, 150)).save(buf, format="PNG", pnginfo=meta)
    (doc,) = load(_write(tmp_path, "doc.png", buf.getvalue()), on_error="raise")
    info = doc.meta["image"]
    assert info["format"] == "PNG" and info["exif_status"] == "absent"
    assert any(f.startswith("no EXIF metadata") for f in info["flags"])
    assert any("XMP CreatorTool names an image editor (Adobe Photoshop" in f for f in info["flags"])
    # Without EXIF the capture time comes from XMP, and says so.
    assert info["captured"] == "2024-04-29T07:00:00+02:00" and info["captured_from"] == "XMP photoshop:DateCreated"
    assert doc.text == "Men and a document"


def test_webp_and_heic_are_read(tmp_path: Path) -> None:
    img = photo(5, (160, 120))
    webp, heic = io.BytesIO(), io.BytesIO()
    img.save(webp, format="WEBP", quality=80, exif=_exif())
    import pillow_heif

    pillow_heif.register_heif_opener()
    img.save(heic, format="HEIF", quality=80, exif=_exif())
    _write(tmp_path, "a.webp", webp.getvalue())
    _write(tmp_path, "b.heic", heic.getvalue())
    docs = load(tmp_path)
    assert not docs.skipped
    by = {Path(d.path or "").suffix: d.meta["image"] for d in docs}
    assert by[".webp"]["format"] == "WEBP" and by[".heic"]["format"] == "HEIC"
    for info in by.values():
        assert info["exif"]["make"] == "Acme" and info["gps"]["accuracy_m"] == 8.0
    # Both lossy encodings of one picture hash alike.
    assert hamming(by[".webp"]["phash"], by[".heic"]["phash"]) <= 6


def test_multi_picture_jpeg_from_a_phone_reads_its_first_picture() -> None:
    first, second = photo(1, (200, 150)), photo(2, (200, 150))
    buf = io.BytesIO()
    first.save(buf, format="MPO", save_all=True, append_images=[second], exif=_exif())
    info = read_image(buf.getvalue()).info
    assert info["format"] == "MPO" and info["gps"]["accuracy_m"] == 8.0
    assert hamming(info["phash"], read_image(_jpeg(first)).info["phash"]) <= 2
    assert hamming(info["phash"], read_image(_jpeg(second)).info["phash"]) > 10


def test_image_without_caption_has_empty_text_and_is_stored_and_verified(tmp_path: Path) -> None:
    data = _jpeg()
    (doc,) = load(_write(tmp_path, "plain.jpg", data), on_error="raise")
    assert doc.text == "" and doc.title is None
    case = ok.Case(tmp_path / "case.sqlite")
    case.add_documents([doc], raw={doc.id: data})
    assert case.raw_bytes(doc.id) == data
    report = case.verify()
    assert report.ok, str(report)
    assert case.get_document(doc.id).meta["image"] == doc.meta["image"]


def test_edit_heuristics(tmp_path: Path) -> None:
    # DateTime without DateTimeOriginal: a re-save that dropped the capture time.
    exif = Image.Exif()
    exif[0x010F], exif[0x0132], exif[0x0131] = "Acme", "2024:05:02 09:00:00", "Snapseed 2.0"
    info = read_image(_jpeg(exif=exif)).info
    assert info["exif_status"] == "edited"
    assert any(f.startswith("DateTimeOriginal missing while DateTime is present") for f in info["flags"])
    assert any("EXIF Software names an image editor (Snapseed 2.0)" in f for f in info["flags"])
    # Modified a day after capture.
    info = read_image(_jpeg(exif=_exif(t0132="2024:05:01 10:00:00"))).info
    assert any(f.startswith("modified after capture") for f in info["flags"]) and info["exif_status"] == "edited"


def _with_thumbnail(image: Image.Image, thumb: Image.Image) -> bytes:
    tb = io.BytesIO()
    thumb.resize((160, 120)).save(tb, format="JPEG")
    exif = {
        "0th": {piexif.ImageIFD.Make: b"Acme"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:05:01 12:00:00"},
        "1st": {},
        "thumbnail": tb.getvalue(),
    }
    return _jpeg(image, exif=piexif.dump(exif))


def test_thumbnail_of_another_picture_is_flagged() -> None:
    image, other = photo(1, (320, 240)), photo(2, (320, 240))
    same = read_image(_with_thumbnail(image, image)).info
    assert same["thumbnail_distance"] <= 6 and same["exif_status"] == "present"
    edited = read_image(_with_thumbnail(image, other)).info
    assert edited["thumbnail_distance"] >= 18 and edited["exif_status"] == "edited"
    assert any(f.startswith("EXIF thumbnail shows a different picture") for f in edited["flags"])


def test_impossible_or_placeholder_gps_is_not_a_place(tmp_path: Path) -> None:
    bad = _exif()
    bad[0x8825] = {1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (30.0, 0.0, 0.0)}
    null = _exif()
    null[0x8825] = {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}
    docs = load(_write(tmp_path, "bad.jpg", _jpeg(exif=bad)), _write(tmp_path, "null.jpg", _jpeg(exif=null)))
    flags = {Path(d.path or "").name: d.meta["image"]["flags"] for d in docs}
    assert any("is impossible: not used" in f for f in flags["bad.jpg"])
    assert any("0, 0 (a placeholder" in f for f in flags["null.jpg"])
    assert photo_places(docs) == []


def test_corrupt_exif_keeps_the_image_and_reports_it(tmp_path: Path) -> None:
    data = _jpeg(exif=_exif())
    tiff = data.index(b"Exif\x00\x00") + 6
    broken = data[:tiff] + b"XX" + data[tiff + 2 :]  # no valid byte order: nothing in the block can be read
    (doc,) = load(_write(tmp_path, "broken-exif.jpg", broken), on_error="raise")
    info = doc.meta["image"]
    assert info["exif_status"] == "corrupt" and "exif" not in info and "gps" not in info
    assert any("EXIF block present but no tag could be read" in w for w in doc.meta["warnings"])
    assert info["phash"] == read_image(data).info["phash"]  # the pixels are intact


def test_truncated_image_is_a_reported_skip_naming_the_file(tmp_path: Path) -> None:
    data = _jpeg(exif=_exif())
    good = _write(tmp_path, "good.jpg", data)
    cut = _write(tmp_path, "cut.jpg", data[: len(data) // 2])
    result = load(tmp_path)
    assert [d.path for d in result] == [str(good)]
    (skip,) = result.skipped
    assert skip.where == str(cut) and skip.kind == "MalformedInputError"
    assert "truncated or corrupt" in skip.reason
    with pytest.raises(MalformedInputError, match=r"cut\.jpg: JPEG image data cannot be decoded"):
        load(cut, on_error="raise")


def test_not_an_image_under_an_image_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.png", b"just some text, not a picture\n")
    with pytest.raises(MalformedInputError, match=r"notes\.png: not a JPEG, PNG, WebP or HEIC image"):
        load(path, on_error="raise")


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    path = _write(tmp_path, "bomb.png", _png_header_only(20_000, 20_000))  # 400 million pixels in 60 bytes
    with pytest.raises(InputTooLargeError, match=r"bomb\.png: image refused as a decompression bomb"):
        load(path, on_error="raise")


def test_hostile_xmp_is_refused_and_the_image_kept(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&b;</dc:title></rdf:Description>'
        "</rdf:RDF></x:xmpmeta>"
    )
    (doc,) = load(_write(tmp_path, "x.jpg", _jpeg(xmp=laughs.encode())), on_error="raise")
    assert "xmp" not in doc.meta["image"] and doc.text == ""
    assert any(f.startswith("XMP present but unreadable") for f in doc.meta["image"]["flags"])


def test_folder_mixes_images_with_text_and_sniffs_images_without_a_suffix(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Officials said the convoy left Kharkiv on Monday.", "utf-8")
    _write(tmp_path, "photo.jpg", _jpeg(exif=_exif()))
    _write(tmp_path, "download", _jpeg(photo(8, (64, 48))))
    (tmp_path / "photo.meta.json").write_text(json.dumps({"source": "Channel A", "published": "2024-05-01"}))
    docs = load(tmp_path, include=["*.txt", "*.jpg", "download"])
    assert sorted(d.loader for d in docs) == ["image", "image", "text"] and not docs.skipped
    pic = next(d for d in docs if (d.path or "").endswith("photo.jpg"))
    assert (pic.source, pic.published) == ("Channel A", "2024-05-01T00:00:00Z")
    default = load(tmp_path)  # the default folder globs take photos too
    assert sorted(Path(d.path or "").name for d in default) == ["photo.jpg", "story.txt"]


def test_photo_place_confidence_follows_accuracy_and_maps_draw_it(tmp_path: Path) -> None:
    def doc_with(gps: dict[str, float]) -> Document:
        exif = _exif()
        exif[0x8825] = gps
        (d,) = load(_write(tmp_path, f"p{len(gps)}{gps.get(31, 0)}.jpg", _jpeg(exif=exif)), on_error="raise")
        return d

    where = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 0.0)}
    precise = photo_place(doc_with({**where, 31: 5.0}))
    vague = photo_place(doc_with({**where, 31: 2000.0}))
    unknown = photo_place(doc_with(where))
    assert precise is not None and vague is not None and unknown is not None
    assert precise.feature == "photo" and precise.country_code == "UA"
    assert (precise.lat, precise.lon) == pytest.approx((50.45, 30.516667), abs=1e-5)
    assert precise.confidence > unknown.confidence == 0.5 > vague.confidence
    from osintkit.geo.maps import static_map

    png = static_map([precise, vague])
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG")


def test_exif_orientation_is_applied_before_hashing() -> None:
    img = Image.new("RGB", (300, 200), (240, 240, 240))
    ImageDraw.Draw(img).rectangle((10, 10, 120, 190), fill=(20, 20, 20))
    upright = read_image(_jpeg(img)).info["phash"]
    stored_rotated = img.transpose(Image.Transpose.ROTATE_90)  # a quarter turn anticlockwise
    # Orientation 6 says "turn a quarter clockwise to view": displayed, it is the upright picture again.
    rotated = read_image(_jpeg(stored_rotated, exif=_exif(t0112=6))).info
    assert hamming(rotated["phash"], upright) <= 4
    assert hamming(read_image(_jpeg(stored_rotated)).info["phash"], upright) > 20  # as stored it differs
    assert rotated["width"] == 200  # the stored size is reported as stored


def test_damaged_images_give_a_document_or_an_osintkit_error_never_a_crash() -> None:
    xmp = XMP.format(tool="Acme", title="T").encode()
    seeds = []
    for fmt in ("JPEG", "PNG", "WEBP", "HEIF"):
        if fmt == "HEIF":
            import pillow_heif

            pillow_heif.register_heif_opener()
        buf = io.BytesIO()
        photo(1, (96, 72)).save(buf, format=fmt, exif=_exif(), xmp=xmp)
        seeds.append(buf.getvalue())
    rng = random.Random(23)
    outcomes: Counter[str] = Counter()
    for _ in range(240):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data))
            roll = rng.random()
            if roll < 0.6:
                data[at] = rng.randrange(256)
            elif roll < 0.8:
                del data[at : at + rng.randint(1, 64)]
            else:
                data[at:at] = rng.randbytes(rng.randint(1, 16))
        try:
            outcomes[read_image(bytes(data), "damaged.jpg").info["exif_status"]] += 1
        except OsintkitError as exc:
            assert str(exc).startswith("damaged.jpg: ")
            outcomes[type(exc).__name__] += 1
    # Both sides of the line are reached: damage that leaves a readable picture, and damage that is refused.
    assert outcomes["MalformedInputError"] > 0 and outcomes["present"] + outcomes["corrupt"] > 0


def test_decoding_runs_within_the_time_budget(tmp_path: Path) -> None:
    path = _write(tmp_path, "large.png", _png_bytes(photo(9, (1000, 750))))
    with pytest.raises(InputTimeoutError, match=r"large\.png: image decoding ran past its time budget"):
        load(path, on_error="raise", time_budget=1e-6)
    assert len(load(path, on_error="raise")) == 1  # the default budget is ample for an honest image


def _png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
