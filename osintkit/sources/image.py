"""Photos and images as sources: EXIF, XMP, GPS, and hashes for reuse matching.

JPEG (phones' multi-picture MPO files by their first picture), PNG, WebP and HEIC/HEIF are read.

Each image becomes one Document whose raw bytes are the file itself, hashed and stored like any other document.
Its ``text`` is the caption the file carries (EXIF ImageDescription, XPTitle/XPComment, UserComment, XMP dc:title,
dc:description, photoshop:Headline), or ``""`` when it carries none: the case store, the tagger and the claim
extractor all accept empty text, and a made-up description such as "image 1024x768 JPEG" would be text no source
ever wrote, which the entity tagger and copy detection would then read as if it had. Everything else goes to
``meta["image"]``:

- ``format``, ``width``, ``height``, ``mode``; ``sha256`` (the file) and ``pixel_sha256`` (the decoded, upright
  pixels: identical for a copy whose metadata alone was stripped or changed); ``phash`` (see :mod:`osintkit.images`);
- ``exif``: camera make and model, lens, software, the DateTime tags with their offsets, description, artist,
  copyright, orientation; ``captured``: the capture time as ISO 8601 (with its offset where the camera recorded
  one, ``captured_offset``);
- ``gps``: ``lat``, ``lon`` (decimal degrees), ``altitude_m``, ``accuracy_m`` (GPSHPositioningError), ``dop``,
  ``time`` (UTC from the GPS date and time stamps), ``direction``;
- ``xmp``: the XMP packet's simple properties as ``prefix:Name`` → text (language alternatives and lists joined);
- ``exif_status`` ("absent", "corrupt", "edited" or "present") and ``flags``: one sentence per finding that the
  metadata is missing, unreadable, or looks stripped or edited (an editor's Software tag, DateTimeOriginal missing
  while DateTime is present, a modification time after the capture time, an EXIF thumbnail that shows a different
  picture, an impossible GPS position).

An image whose pixels cannot be decoded (truncated, corrupt, or not an image at all) is refused with
MalformedInputError, which a folder load reports as skipped; unreadable metadata never loses the image, it becomes
a flag and a warning. Decoding runs within the load's time budget; images over Pillow's decompression-bomb limit
(about 179 million pixels) are refused with InputTooLargeError. HEIC and HEIF are read through pillow-heif, whose
wheels carry libheif, so they work offline like the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from osintkit.errors import InputError, InputTooLargeError, MalformedInputError
from osintkit.sources._budget import within_budget
from osintkit.sources._common import Item, LoadContext, Loaded, Origin, make_document

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["IMAGE_FORMATS", "IMAGE_SUFFIXES", "is_image", "load_image", "read_image"]

# Pillow format names the loader opens; no other decoder is ever tried on untrusted bytes.
IMAGE_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "HEIF")
IMAGE_SUFFIXES: tuple[str, ...] = (".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".heic", ".heif")

_XMP_MAX_BYTES = 1_000_000
_TEXT_MAX_CHARS = 4000
# A thumbnail this many pHash bits from the image shows another picture (a resize or re-encode stays within ~6).
_THUMBNAIL_MISMATCH_BITS = 18
# Software tags of image editors (camera firmware and phone OS versions are not edits).
_EDITORS = re.compile(
    r"photoshop|lightroom|gimp|snapseed|picsart|affinity|paint\.net|pixelmator|canva|facetune|vsco|capture one|"
    r"darktable|rawtherapee|luminar|paintshop|acdsee|befunky|fotor|pixlr|photoscape|polarr|krita|inkscape|"
    r"photopea|faceapp|remini|meitu|photo editor",
    re.IGNORECASE,
)
# Words of the flags that say the metadata looks edited (as opposed to absent or unreadable).
_EDIT_MARKERS = ("image editor", "after capture", "thumbnail shows", "DateTimeOriginal missing")
# Default descriptions cameras write in place of a caption.
_PLACEHOLDER_CAPTIONS = re.compile(
    r"^(?:OLYMPUS DIGITAL CAMERA|SONY DSC|DCIM\w*|DIGITAL CAMERA|Default|Untitled|Screenshot|image|"
    r"\w+ (?:DIGITAL )?CAMERA|\s*)$",
    re.IGNORECASE,
)

_XMP_NAMESPACES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://ns.adobe.com/lightroom/1.0/": "lr",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://ns.google.com/photos/1.0/camera/": "GCamera",
}
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"

# EXIF tags by IFD: (tag, key in meta["image"]["exif"]).
_IFD0_TAGS = (
    (0x010F, "make"), (0x0110, "model"), (0x0131, "software"), (0x0132, "datetime"), (0x010E, "description"),
    (0x013B, "artist"), (0x8298, "copyright"), (0x0112, "orientation"), (0x9C9B, "xp_title"),
    (0x9C9C, "xp_comment"), (0x9C9F, "xp_subject"),
)  # fmt: skip
_EXIF_TAGS = (
    (0x9003, "datetime_original"), (0x9004, "datetime_digitized"), (0x9010, "offset_time"),
    (0x9011, "offset_time_original"), (0x9012, "offset_time_digitized"), (0x9291, "subsec_time_original"),
    (0x9286, "user_comment"), (0xA434, "lens_model"), (0xA433, "lens_make"), (0xA431, "body_serial"),
    (0xA420, "image_unique_id"), (0xA002, "pixel_width"), (0xA003, "pixel_height"),
)  # fmt: skip
_IFD_EXIF, _IFD_GPS, _IFD1 = 0x8769, 0x8825, -1  # Pillow names IFD1 (the thumbnail's) -1


@dataclass
class ImageData:
    """What :func:`read_image` found in one file: the caption text, a title, ``meta["image"]`` and warnings."""

    text: str
    title: str | None
    info: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def is_image(data: bytes) -> bool:
    """Whether bytes begin like a JPEG, PNG, WebP or HEIC/HEIF file."""
    return (
        data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc"))
    )


@functools.cache
def _register_heif() -> None:
    """HEIC/HEIF decoding through pillow-heif, a pinned dependency: registered with Pillow once a process."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def load_image(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """One Document per image file (see the module docstring for what it holds)."""
    where = origin.where
    found = within_budget(lambda: read_image(data, where), ctx.time_budget, what="image decoding", path=where)
    doc = make_document(
        data,
        found.text,
        loader="image",
        origin=origin,
        ctx=ctx,
        fields={"title": found.title},
        meta={"image": found.info},
        warnings=found.warnings,
    )
    yield Loaded(doc, data)


def read_image(data: bytes, path: str | None = None) -> ImageData:
    """Decode an image and read its metadata; MalformedInputError when its pixels cannot be decoded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    _register_heif()
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            img = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
        except Image.DecompressionBombError as exc:
            raise InputTooLargeError(f"image refused as a decompression bomb: {exc}", path=path) from None
        except UnidentifiedImageError:
            raise MalformedInputError(
                "not a JPEG, PNG, WebP or HEIC image that can be decoded (damaged header or another format)", path=path
            ) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise MalformedInputError(f"image header cannot be read: {exc}", path=path) from None
        fmt = "HEIC" if img.format == "HEIF" else str(img.format)
        info: dict[str, Any] = {"format": fmt, "width": img.width, "height": img.height, "mode": img.mode}
        flags: list[str] = []
        exif_warnings: list[str] = []
        exif = _read_exif(img, info, flags, exif_warnings)
        try:
            img.load()
        except Image.DecompressionBombError as exc:
            raise InputTooLargeError(f"image refused as a decompression bomb: {exc}", path=path) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise MalformedInputError(f"{fmt} image data cannot be decoded (truncated or corrupt): {exc}",
                                      path=path) from None  # fmt: skip
        try:
            # Orientation 1 (or none) needs no turn; exif_transpose would still copy every pixel.
            turned = exif is not None and exif.get(0x0112) in (2, 3, 4, 5, 6, 7, 8)
            upright = ImageOps.exif_transpose(img) if turned else img
        except (OSError, SyntaxError, ValueError, TypeError, KeyError):  # a corrupt Orientation tag: keep as stored
            upright = img
        pixels = upright.tobytes()
        info["sha256"] = hashlib.sha256(data).hexdigest()
        info["pixel_sha256"] = hashlib.sha256(
            f"{upright.mode} {upright.width}x{upright.height}\n".encode() + pixels
        ).hexdigest()
        info["phash"] = perceptual_hash(upright)
        if exif is not None:
            _check_thumbnail(img, exif, info, flags)
        xmp = _read_xmp(img, flags, exif_warnings)
        caught = [str(w.message) for w in seen if issubclass(w.category, Image.DecompressionBombWarning)]
    if xmp:
        info["xmp"] = xmp
        _xmp_capture(xmp, info)
        creator = xmp.get("xmp:CreatorTool", "")
        if _EDITORS.search(creator) and not _EDITORS.search(str(info.get("exif", {}).get("software", ""))):
            flags.append(f"XMP CreatorTool names an image editor ({creator[:80]}): edited after capture")
    if info["exif_status"] == "present" and any(m in f for f in flags for m in _EDIT_MARKERS):
        info["exif_status"] = "edited"
    info["flags"] = flags
    captions = _captions(info.get("exif", {}), xmp)
    text = "\n".join(captions)
    title = xmp.get("dc:title") or xmp.get("photoshop:Headline") or (captions[0].split("\n")[0] if captions else None)
    return ImageData(text=text, title=title, info=info, warnings=[*exif_warnings, *caught])


# --- EXIF ----------------------------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """A JSON-safe, storable form of an EXIF value: rationals to floats, bytes to text, NaN to None."""
    from PIL.TiffImagePlugin import IFDRational

    if isinstance(value, IFDRational):
        num = float(value.numerator) if value.denominator else math.nan
        value = num / float(value.denominator) if value.denominator else num
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, tuple | list):
        return [_clean(v) for v in value[:32]]
    if isinstance(value, str):
        # Lone surrogates and NULs cannot be stored; EXIF strings are NUL-padded.
        text = value.encode("utf-8", errors="replace").decode("utf-8").replace("\x00", "").strip()
        return text[:_TEXT_MAX_CHARS]
    return str(value)[:200]


def _xp_text(value: Any) -> str | None:
    """Windows XP* tags hold UTF-16-LE bytes (Pillow may hand them over as a tuple of byte values)."""
    if isinstance(value, tuple | list) and all(isinstance(v, int) and 0 <= v < 256 for v in value):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-16-le", errors="replace").rstrip("\x00").strip() or None
    return _clean(value) if isinstance(value, str) else None


def _user_comment(value: Any) -> str | None:
    """UserComment starts with an 8-byte character-code prefix (ASCII, UNICODE, JIS or undefined)."""
    if isinstance(value, str):
        return _clean(value) or None
    if not isinstance(value, bytes) or len(value) < 8:
        return None
    code, body = value[:8], value[8:]
    if code.startswith(b"UNICODE"):
        # Written in the file's byte order; a BOM-less guess: more NULs in odd positions means little-endian.
        le = body[1::2].count(0) >= body[0::2].count(0)
        text = body.decode("utf-16-le" if le else "utf-16-be", errors="replace")
    else:
        text = body.decode("utf-8", errors="replace")
    return _clean(text) or None


def _read_exif(img: Any, info: dict[str, Any], flags: list[str], warns: list[str]) -> Any:
    """Fill ``info`` with EXIF fields, capture time and GPS; returns Pillow's Exif object, or None when unusable."""
    raw = img.info.get("exif")
    try:
        exif = img.getexif()
        base = {tag: exif.get(tag) for tag, _ in _IFD0_TAGS}
        sub = exif.get_ifd(_IFD_EXIF)
        gps = exif.get_ifd(_IFD_GPS)
    except Exception as exc:  # Pillow's EXIF parser raises many types on damaged data; the pixels stay usable
        info["exif_status"] = "corrupt"
        reason = f"EXIF present but unreadable (corrupt): {type(exc).__name__}: {str(exc)[:120]}"
        flags.append(reason)
        warns.append(reason)
        return None
    if not exif and not raw:
        info["exif_status"] = "absent"
        flags.append(
            "no EXIF metadata: stripped (platforms such as Telegram and X remove it on upload) or never written"
        )
        return None
    if raw and not exif:
        info["exif_status"] = "corrupt"
        reason = "EXIF block present but no tag could be read from it (corrupt or truncated)"
        flags.append(reason)
        warns.append(reason)
        return None
    fields: dict[str, Any] = {}
    for tag, key in _IFD0_TAGS:
        value = base.get(tag)
        if value is None:
            continue
        fields[key] = _xp_text(value) if key.startswith("xp_") else _clean(value)
    for tag, key in _EXIF_TAGS:
        value = sub.get(tag)
        if value is not None:
            fields[key] = _user_comment(value) if key == "user_comment" else _clean(value)
    info["exif"] = {k: v for k, v in fields.items() if v not in (None, "", [])}
    info["exif_status"] = "present"
    _capture_time(info, flags)
    _software_flags(info["exif"], flags)
    if gps:
        _read_gps(gps, info, flags)
    return exif


def _exif_time(value: Any, offset: Any = None) -> tuple[str, dt.datetime] | None:
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\x00", "")
    try:
        moment = dt.datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, str) and re.fullmatch(r"[+-]\d\d:\d\d", offset.strip()):
        moment = dt.datetime.fromisoformat(moment.isoformat() + offset.strip())
    return moment.isoformat(), moment


def _capture_time(info: dict[str, Any], flags: list[str]) -> None:
    exif = info["exif"]
    for key, off in (("datetime_original", "offset_time_original"), ("datetime_digitized", "offset_time_digitized")):
        if key not in exif:
            continue
        parsed = _exif_time(exif[key], exif.get(off) or exif.get("offset_time"))
        if parsed is None:
            flags.append(f"EXIF {key} {str(exif[key])[:40]!r} is not a valid time")
            continue
        info["captured"] = parsed[0]
        if parsed[1].tzinfo is not None:
            info["captured_offset"] = parsed[0][19:]
        break
    modified = _exif_time(exif.get("datetime"), exif.get("offset_time"))
    if "datetime_original" not in exif and "datetime" in exif:
        flags.append(
            "DateTimeOriginal missing while DateTime is present: re-saved by software that dropped the capture time"
        )
    elif modified is not None and "captured" in info:
        captured = _exif_time(exif.get("datetime_original"), exif.get("offset_time_original"))
        if captured is not None:
            a, b = captured[1].replace(tzinfo=None), modified[1].replace(tzinfo=None)
            if (a - b).total_seconds() < -60:
                flags.append(f"modified after capture: DateTime {modified[0]} is later than DateTimeOriginal "
                             f"{captured[0]}")  # fmt: skip


def _software_flags(exif: dict[str, Any], flags: list[str]) -> None:
    software = str(exif.get("software", ""))
    if software and _EDITORS.search(software):
        flags.append(f"EXIF Software names an image editor ({software[:80]}): edited after capture")


def _degrees(dms: Any, ref: Any, positive: str, negative: str) -> float | None:
    if not isinstance(dms, tuple | list) or not 1 <= len(dms) <= 3:
        return None
    parts = [_clean(v) for v in dms]
    if not all(isinstance(p, int | float) and not isinstance(p, bool) for p in parts):
        return None
    value: float = sum(float(p) / 60**i for i, p in enumerate(parts))
    sign = str(_clean(ref) or positive).upper()[:1]
    if sign not in (positive, negative):
        return None
    return -value if sign == negative else value


def _read_gps(gps: Any, info: dict[str, Any], flags: list[str]) -> None:
    lat = _degrees(gps.get(2), gps.get(1), "N", "S")
    lon = _degrees(gps.get(4), gps.get(3), "E", "W")
    out: dict[str, Any] = {}
    if lat is None or lon is None:
        if gps.get(2) is not None or gps.get(4) is not None:
            flags.append("EXIF GPS position present but unreadable")
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
        flags.append(f"EXIF GPS position {lat:.5f}, {lon:.5f} is impossible: not used")
    elif lat == 0 and lon == 0:
        flags.append("EXIF GPS position is 0, 0 (a placeholder, not a fix): not used")
    else:
        out["lat"], out["lon"] = round(lat, 7), round(lon, 7)
    alt = _clean(gps.get(6))
    if isinstance(alt, int | float) and not isinstance(alt, bool):
        out["altitude_m"] = round(-float(alt) if _clean(gps.get(5)) == 1 else float(alt), 3)
    for tag, key in ((31, "accuracy_m"), (11, "dop"), (17, "direction")):
        value = _clean(gps.get(tag))
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = round(float(value), 3)
    date, stamp = _clean(gps.get(29)), _clean(gps.get(7))
    if (
        isinstance(date, str)
        and isinstance(stamp, list)
        and len(stamp) == 3
        and all(isinstance(v, int | float) for v in stamp)
    ):
        try:
            day = dt.datetime.strptime(date[:10], "%Y:%m:%d")
            when = day + dt.timedelta(hours=stamp[0], minutes=stamp[1], seconds=stamp[2])
            out["time"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        except (ValueError, OverflowError):
            flags.append(f"EXIF GPS date {date[:20]!r} is not a valid date")
    if out:
        info["gps"] = out


def _check_thumbnail(img: Any, exif: Any, info: dict[str, Any], flags: list[str]) -> None:
    """Compare the EXIF thumbnail with the image: editors often leave the camera's thumbnail of the original."""
    from PIL import Image

    raw = img.info.get("exif")
    if not isinstance(raw, bytes):
        return
    try:
        ifd1 = exif.get_ifd(_IFD1)
        offset, length = ifd1.get(0x0201), ifd1.get(0x0202)
    except Exception:  # a damaged IFD1 says nothing about the image itself
        return
    if not isinstance(offset, int) or not isinstance(length, int) or length <= 0:
        return
    tiff = raw[6:] if raw.startswith(b"Exif\x00\x00") else raw
    blob = tiff[offset : offset + length]
    try:
        with Image.open(io.BytesIO(blob), formats=("JPEG",)) as thumb:
            thumb.load()
            distance = hamming(perceptual_hash(thumb), info["phash"])
    except Exception:  # an unreadable thumbnail is common and harmless; only a readable, different one is evidence
        return
    info["thumbnail_distance"] = distance
    if distance >= _THUMBNAIL_MISMATCH_BITS:
        flags.append(
            f"EXIF thumbnail shows a different picture (pHash {distance} bits apart): the image was edited or "
            "cropped after the thumbnail was made"
        )


# --- XMP -----------------------------------------------------------------------------------------------------------


def _xmp_packet(img: Any) -> bytes | None:
    for key in ("xmp", "XML:com.adobe.xmp"):
        value = img.info.get(key)
        if isinstance(value, str):
            value = value.encode("utf-8", errors="replace")
        if isinstance(value, bytes) and value.strip():
            return value
    return None


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        prefix = _XMP_NAMESPACES.get(uri) or uri.rstrip("/#").rsplit("/", 1)[-1] or "ns"
        return f"{prefix}:{local}"
    return tag


def _read_xmp(img: Any, flags: list[str], warns: list[str]) -> dict[str, str]:
    """The XMP packet's simple properties, parsed with defusedxml (no entities, no external references)."""
    packet = _xmp_packet(img)
    if packet is None:
        return {}
    if len(packet) > _XMP_MAX_BYTES:
        flags.append(f"XMP packet of {len(packet):,} bytes ignored (over {_XMP_MAX_BYTES:,})")
        return {}
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET

    start = packet.find(b"<x:xmpmeta")
    end = packet.rfind(b"</x:xmpmeta>")
    if start >= 0 and end > start:
        packet = packet[start : end + len(b"</x:xmpmeta>")]
    try:
        root = SafeET.fromstring(packet)
    except (ParseError, ValueError) as exc:  # defusedxml's refusals are ValueErrors
        reason = f"XMP present but unreadable: {str(exc)[:120]}"
        flags.append(reason)
        warns.append(reason)
        return {}
    out: dict[str, str] = {}
    for desc in root.iter(f"{_RDF}Description"):
        for name, value in desc.attrib.items():
            if not name.startswith(_RDF) and not name.startswith("{http://www.w3.org/XML/1998/namespace}"):
                out.setdefault(_qname(name), str(_clean(value)))
        for child in desc:
            items = [str(_clean(li.text)) for li in child.iter(f"{_RDF}li") if li.text and li.text.strip()]
            text = "; ".join(items) if items else str(_clean(child.text or ""))
            if text:
                out.setdefault(_qname(child.tag), text[:_TEXT_MAX_CHARS])
        if len(out) >= 200:
            break
    return dict(sorted(out.items()))


def _xmp_capture(xmp: dict[str, str], info: dict[str, Any]) -> None:
    if "captured" in info:
        return
    for key in ("exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"):
        value = xmp.get(key)
        if not value:
            continue
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        info["captured"] = moment.isoformat()
        if moment.tzinfo is not None:
            info["captured_offset"] = moment.isoformat()[19:]
        info["captured_from"] = f"XMP {key}"
        return


def _captions(exif: dict[str, Any], xmp: dict[str, str]) -> list[str]:
    found: list[str] = []
    for value in (
        xmp.get("dc:title"),
        xmp.get("photoshop:Headline"),
        xmp.get("dc:description"),
        exif.get("description"),
        exif.get("xp_title"),
        exif.get("xp_subject"),
        exif.get("xp_comment"),
        exif.get("user_comment"),
    ):
        if isinstance(value, str) and not _PLACEHOLDER_CAPTIONS.match(value.strip()):
            text = value.strip()
            if text not in found:
                found.append(text)
    return found


def perceptual_hash(image: Image.Image) -> str:
    """pHash of an image as 16 hex digits: imagehash's DCT hash (8x8 low frequencies of a 32x32 grey image)."""
    import imagehash

    return str(imagehash.phash(image, hash_size=8))


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex hashes of the same length."""
    if len(a) != len(b):
        raise InputError(f"hashes of different lengths ({len(a)} and {len(b)} hex digits) cannot be compared")
    return (int(a, 16) ^ int(b, 16)).bit_count()
