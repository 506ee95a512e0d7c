"""A small mixed folder of sources the kit writes itself, for notebook 07 and its test.

:func:`write_sources_demo` writes, offline and byte for byte the same on every run, the kinds of material a
researcher collects about one event: a Telegram Desktop export of one channel (a forward from another channel among
its posts, and the photo one post carries), a web archive of a news page captured with warcio, and photos: the
channel's original with its camera's EXIF (capture time, GPS), a resized copy and a re-encoded copy that two other
publishers ran later (``.meta.json`` sidecars say who and when), and one unrelated photo.

The event is invented for this demo (a grain barge aground on the Danube near Vylkove) and so are the channel,
outlets, people and figures; the places are real so that the gazetteer has something to resolve. Every picture is
drawn here from a fixed seed with Pillow and numpy: no media is copied from anywhere.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from osintkit.errors import InputError

__all__ = ["DEMO_FILES", "write_sources_demo"]

CHANNEL = "Danube Coast News"
FORWARDED_FROM = "Lower Danube Rescue Service"
ARTICLE_URL = "https://news.example/2025/03/05/barge-aground-near-vylkove"
PHOTO_URL = "https://news.example/media/barge-vylkove-800.jpg"
EXPORT = "telegram/ChatExport_2025-03-06"
PHOTO = "photos/photo_1@04-03-2025_23-55-00.jpg"

# Every file the demo writes, relative to its folder (the sidecars are metadata, not sources).
DEMO_FILES: tuple[str, ...] = (
    f"{EXPORT}/result.json",
    f"{EXPORT}/{PHOTO}",
    f"{EXPORT}/{PHOTO.removesuffix('.jpg')}.meta.json",
    "archive/news-example-barge.warc.gz",
    "photos/herald-barge.jpg",
    "photos/herald-barge.meta.json",
    "photos/riverwatch-barge.jpg",
    "photos/riverwatch-barge.meta.json",
    "photos/riverwatch-ferry.jpg",
    "photos/riverwatch-ferry.meta.json",
)

# The channel's exporting machine ran at UTC+2 (Ukraine in winter), as Telegram Desktop's naive "date" shows.
_LOCAL = dt.timezone(dt.timedelta(hours=2))
# A fixed namespace, so the WARC record ids are the same on every run (warcio would draw random ones).
_RECORD_NS = uuid.UUID("6f1c9f4e-2a55-4c3e-9b7a-0d2f3c4b5a69")


def write_sources_demo(folder: str | Path) -> Path:
    """Write the demo sources into ``folder`` (created if missing) and return it; files of the same name are replaced.

    Writing twice gives the same bytes, so a notebook can rerun it and a case built from it keeps its hashes.
    """
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise InputError("the demo needs a folder, and this is a file", path=str(root))
    original = _photo(seed=7, size=(800, 600))
    files: dict[str, bytes] = {
        f"{EXPORT}/result.json": _json(_telegram_export()),
        f"{EXPORT}/{PHOTO}": _jpeg(original, quality=90, exif=_camera_exif()),
        # The researcher's note of where the photo was first seen: the channel's post (message 102).
        f"{EXPORT}/{PHOTO.removesuffix('.jpg')}.meta.json": _json(
            {"source": CHANNEL, "published": "2025-03-04T21:55:00Z", "note": "attached to message 102"}
        ),
        # A news site ran it the next morning, resized and stripped of its EXIF, as most publishing systems do.
        "photos/herald-barge.jpg": _jpeg(original.resize((400, 300), Image.Resampling.LANCZOS), quality=85),
        "photos/herald-barge.meta.json": _json(
            {"source": "Danube Herald", "published": "2025-03-05T08:00:00Z", "url": PHOTO_URL}
        ),
        # A blog re-saved the full picture in an editor, which kept the camera's EXIF and wrote its own name in it.
        "photos/riverwatch-barge.jpg": _jpeg(original, quality=60, exif=_camera_exif(software="Adobe Photoshop 25.0")),
        "photos/riverwatch-barge.meta.json": _json({"source": "River Watch", "published": "2025-03-05T16:30:00Z"}),
        # Another picture altogether (a ferry pier in Izmail days earlier): it must match nothing.
        "photos/riverwatch-ferry.jpg": _jpeg(_photo(seed=31, size=(640, 480)), quality=88, exif=_ferry_exif()),
        "photos/riverwatch-ferry.meta.json": _json({"source": "River Watch", "published": "2025-03-02T10:00:00Z"}),
    }
    files["archive/news-example-barge.warc.gz"] = _warc(files["photos/herald-barge.jpg"])
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


# --- Telegram ------------------------------------------------------------------------------------------------------


def _stamp(local: str) -> dict[str, str]:
    """Telegram Desktop's pair: the exporter's naive local time and the Unix time of the same instant."""
    moment = dt.datetime.fromisoformat(local).replace(tzinfo=_LOCAL)
    return {"date": local, "date_unixtime": str(int(moment.timestamp()))}


def _message(msg_id: int, local: str, text: Any, **extra: Any) -> dict[str, Any]:
    return {"id": msg_id, "type": "message", **_stamp(local), "from": CHANNEL, "from_id": "channel1987654321",
            "text": text, **extra}  # fmt: skip


def _telegram_export() -> dict[str, Any]:
    forwarded = _stamp("2025-03-05T06:50:00")
    messages = [
        _message(101, "2025-03-04T22:40:00", [
            "Reports of a cargo barge in trouble on the Danube near Vylkove. Rescuers are on their way. ",
            {"type": "hashtag", "text": "#Vylkove"},
        ]),
        _message(102, "2025-03-04T23:55:00",
                 "The barge Dunai-7 is aground on a sandbank east of Vylkove. A reader sent us this photo from the "
                 "shore.",
                 photo=PHOTO, width=800, height=600),
        _message(103, "2025-03-05T07:15:00",
                 "Rescuers took all five crew members off the barge Dunai-7 overnight and nobody was injured, said "
                 "Oksana Hrytsenko, a spokeswoman for the rescue service.",
                 forwarded_from=FORWARDED_FROM, forwarded_date=forwarded["date"],
                 forwarded_date_unixtime=forwarded["date_unixtime"], forwarded_message_id=58),
        _message(104, "2025-03-05T09:30:00",
                 "The port authority in Izmail said the barge was carrying 1,200 tonnes of wheat and that no fuel had "
                 "leaked into the river."),
        _message(105, "2025-03-05T12:10:00",
                 "Update: a tug from Izmail is expected to pull the barge free on Thursday, the port authority said.",
                 reply_to_message_id=104),
        _message(106, "2025-03-05T18:00:00", [
            "The Danube Herald has the full story of the grounding: ",
            {"type": "link", "text": ARTICLE_URL},
        ]),
    ]  # fmt: skip
    return {"name": CHANNEL, "type": "public_channel", "id": 1987654321, "messages": messages}


# --- the web archive -----------------------------------------------------------------------------------------------

_ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Grain barge runs aground on the Danube near Vylkove</title>
<meta property="og:site_name" content="Danube Herald">
<meta property="article:published_time" content="2025-03-05T10:00:00+02:00">
<meta name="author" content="Taras Melnyk">
</head><body><article>
<h1>Grain barge runs aground on the Danube near Vylkove</h1>
<img src="{photo}" alt="The barge Dunai-7 on a sandbank" width="400" height="300">
<p>VYLKOVE — The cargo barge Dunai-7 ran aground on a sandbank east of Vylkove late on Tuesday, and its five crew
members were taken off by rescuers during the night, the Lower Danube Rescue Service said on Wednesday.</p>
<p>"Nobody was injured and the hull is intact," said Oksana Hrytsenko, a spokeswoman for the rescue service.</p>
<p>The port authority in Izmail said the barge was carrying 1,200 tonnes of wheat bound for the Black Sea and
that no fuel had leaked into the river. A tug is expected to pull it free on Thursday.</p>
<p>The first picture of the grounded barge was posted by the Telegram channel Danube Coast News shortly before
midnight.</p>
</article></body></html>
"""


def _warc(photo: bytes) -> bytes:
    """The article as an archiving crawler keeps it: warcinfo, request and response, and the page's photo."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    captured = "2025-03-05T14:22:05Z"
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)

    def headers(name: str) -> dict[str, str]:
        return {"WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(_RECORD_NS, name)}>", "WARC-Date": captured}

    info = b"software: osintkit demo (warcio)\r\nformat: WARC File Format 1.0\r\n"
    info_headers = StatusAndHeaders("", list(headers("warcinfo").items()), protocol="WARC/1.0")
    info_headers.add_header("WARC-Type", "warcinfo")
    info_headers.add_header("WARC-Filename", "news-example-barge.warc.gz")
    records = [
        writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(info), length=len(info), warc_headers=info_headers
        ),
        writer.create_warc_record(
            ARTICLE_URL,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                "GET /2025/03/05/barge-aground-near-vylkove HTTP/1.1",
                [("Host", "news.example")],
                is_http_request=True,
            ),
            warc_headers_dict=headers("request"),
        ),
    ]
    for uri, body, ctype in (
        (ARTICLE_URL, _ARTICLE.format(photo=PHOTO_URL).encode("utf-8"), "text/html; charset=utf-8"),
        (PHOTO_URL, photo, "image/jpeg"),
    ):
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
        )
        records.append(
            writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict=headers(uri),
            )
        )
    for record in records:
        writer.write_record(record)
    return buf.getvalue()


# --- photos --------------------------------------------------------------------------------------------------------


def _photo(seed: int, size: tuple[int, int]) -> Image.Image:
    """A photo-like picture: a lit gradient, a dozen shapes, a blur and sensor noise, all from ``seed``.

    Flat synthetic images hash alike; the shapes and noise give pHash the texture a real photo has.
    """
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = ((np.cos(angle) * xx / w + np.sin(angle) * yy / h + 1) / 2)[..., None]
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    img = Image.fromarray((c0 * (1 - ramp) + c1 * ramp).clip(0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x0, y0 = rng.uniform(-0.1, 1.0) * w, rng.uniform(-0.1, 1.0) * h
        x1, y1 = x0 + rng.uniform(0.05, 0.5) * w, y0 + rng.uniform(0.05, 0.5) * h
        color = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.integers(0, 2):
            draw.ellipse((x0, y0, x1, y1), fill=color)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=color)
    img = img.filter(ImageFilter.GaussianBlur(radius=1.2))
    noise = rng.normal(0, 4, (h, w, 3))
    return Image.fromarray((np.asarray(img, dtype=np.float32) + noise).clip(0, 255).astype(np.uint8), "RGB")


def _dms(value: float) -> tuple[float, float, float]:
    minutes = value % 1 * 60
    return float(int(value)), float(int(minutes)), round(minutes % 1 * 60, 2)


def _exif(when: str, lat: float, lon: float, accuracy_m: float, *, model: str, software: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131], exif[0x0132] = "Acme", model, software, when
    exif[0x8769] = {0x9003: when, 0x9011: "+02:00"}  # DateTimeOriginal and its offset
    exif[0x8825] = {1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon), 31: accuracy_m}  # 31: GPSHPositioningError
    return exif


def _camera_exif(software: str = "Phone OS 17.3") -> Image.Exif:
    # On the left bank east of Vylkove, a few minutes before the channel's post.
    return _exif("2025:03:04 23:48:12", 45.4068, 29.6243, 8.0, model="Phone 12", software=software)


def _ferry_exif() -> Image.Exif:
    # In Izmail, far enough north of the Danube that the shipped (coarse) outlines put it in Ukraine, not Romania.
    return _exif("2025:03:02 11:05:40", 45.3620, 28.8290, 15.0, model="Phone 9", software="Phone OS 16.1")


def _jpeg(img: Image.Image, *, quality: int, exif: Image.Exif | None = None) -> bytes:
    buf = io.BytesIO()
    if exif is None:
        img.save(buf, format="JPEG", quality=quality)
    else:
        img.save(buf, format="JPEG", quality=quality, exif=exif)
    return buf.getvalue()


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
