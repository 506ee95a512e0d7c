"""Large inputs stream: a ~200 MB web archive and a ~100 MB Telegram export ingested into a case, time and peak RSS.

Both files are generated in a temporary folder (nothing real): a record-by-record gzipped WARC of article pages, each
with a screenshot and a photo of incompressible bytes (so the archive is as large on disk as in memory), and a
Telegram Desktop export of short posts, some with a photo beside them. Each is ingested by ``osintkit ingest``'s own
path (``osintkit.pipeline.ingest``, batches of 256 documents) with the default ``max_bytes`` of 20 MB, so both go
through the streaming loaders; screenshots and photos are stored in the case as attachments. Each run is its own
process, so its peak RSS is its own, beside the same code on a 20 kB file of the same kind; the peak is taken after
ingesting and again after ``Case.verify``. The target (issue 23): memory stays bounded, far under the input's size.

    python -m benchmarks.bench_load_large [--quick]
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MB = 1 << 20

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from osintkit.pipeline import ingest
from osintkit.store import Case

kind, case_path, max_bytes, sources = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
out = {"kind": kind}
with Case(case_path) as case:
    started = time.perf_counter()
    report = ingest(case, sources, quiet=True, max_bytes=max_bytes)
    out["seconds"] = time.perf_counter() - started
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if kind != "baseline":
        out["documents"] = len(report.added)
        out["skipped"] = len(report.skipped)
        out["attachments"] = len(case.attachments())
        started = time.perf_counter()
        out["verified"] = case.verify().ok
        out["verify_seconds"] = time.perf_counter() - started
        out["verify_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

_WORDS = (
    "ministry regional officials said convoy drones overnight attack district power station residents shelter "
    "spokesman confirmed village frontline report sources according statement brigade evacuated bridge damaged"
).split()


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def write_warc(path: Path, target: int, *, seed: int = 7) -> int:
    """A WARC of article pages, each with a screenshot and a photo of incompressible bytes; returns its pages."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    pages = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        while fh.tell() < target:
            url = f"https://news.example/{pages}/story"
            paragraphs = "".join(f"<p>{_sentence(rng, 40)}</p>" for _ in range(12))
            page = (f"<!DOCTYPE html><html lang='en'><head><title>Story {pages}</title></head><body><article>"
                    f"<h1>Story {pages}</h1>{paragraphs}</article></body></html>").encode()  # fmt: skip
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(page), http_headers=http)
            writer.write_record(record)
            page_id = record.rec_headers.get_header("WARC-Record-ID")
            shot = writer.create_warc_record(
                "urn:screenshot:" + url, "resource", payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + rng.randbytes(48_000)),
                warc_content_type="image/png", warc_headers_dict={"WARC-Concurrent-To": page_id},
            )  # fmt: skip
            writer.write_record(shot)
            http = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
            photo = writer.create_warc_record(
                f"https://news.example/{pages}/photo.jpg", "response",
                payload=io.BytesIO(b"\xff\xd8\xff\xe0" + rng.randbytes(48_000)), http_headers=http,
                warc_headers_dict={"WARC-Concurrent-To": page_id},
            )  # fmt: skip
            writer.write_record(photo)
            pages += 1
    return pages


def write_telegram(folder: Path, target: int, *, seed: int = 11, photos: int = 100) -> int:
    """A Telegram Desktop channel export of short posts (a photo beside some); returns its messages."""
    rng = random.Random(seed)
    (folder / "photos").mkdir(parents=True)
    path = folder / "result.json"
    count = 0
    start = 1_736_590_000
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{\n "name": "Bench Channel",\n "type": "public_channel",\n "id": 1234567890,\n "messages": [\n')
        while fh.tell() < target:
            stamp = start + 60 * count
            message: dict[str, Any] = {
                "id": count + 1, "type": "message", "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp)),
                "date_unixtime": str(stamp), "from": "Bench Channel", "from_id": "channel1234567890",
                "text": [_sentence(rng, 25), " ", {"type": "hashtag", "text": "#news"}, " ", _sentence(rng, 20)],
                "text_entities": [],
            }  # fmt: skip
            if count % max(1, 200_000 // photos) == 0 and count // max(1, 200_000 // photos) < photos:
                name = f"photos/photo_{count + 1}.jpg"
                (folder / name).write_bytes(b"\xff\xd8\xff\xe0" + rng.randbytes(20_000))
                message["photo"] = name
            fh.write(("" if count == 0 else ",\n") + json.dumps(message, ensure_ascii=False))
            count += 1
        fh.write("\n ]\n}\n")
    return count


def _child(kind: str, case: Path, max_bytes: int, *sources: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(case), str(max_bytes), *map(str, sources)],
        cwd=ROOT, capture_output=True, text=True, timeout=3600, check=True,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(quick: bool = False) -> list[dict[str, Any]]:
    # --quick streams smaller files under a smaller max_bytes, so it goes through the same streaming path.
    warc_size, telegram_size, max_bytes = (20 * MB, 5 * MB, 2 * MB) if quick else (200 * MB, 100 * MB, 20 * MB)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="osintkit-bench-large-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        pages = write_warc(folder / "archive.warc.gz", warc_size)
        messages = write_telegram(folder / "ChatExport", telegram_size)
        write_warc(folder / "small.warc.gz", 20_000)
        write_telegram(folder / "SmallExport", 20_000, photos=1)
        print(f"  inputs written in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        inputs = [
            ("warc", folder / "archive.warc.gz", folder / "small.warc.gz",
             f"{pages:,} pages, each with a screenshot and a photo"),
            ("telegram", folder / "ChatExport" / "result.json", folder / "SmallExport" / "result.json",
             f"{messages:,} messages"),
        ]  # fmt: skip
        for kind, path, small, what in inputs:
            size = path.stat().st_size / MB
            # The baseline: the same code on a 20 kB file of the same kind (imports, models, an empty case).
            base = _child(kind, folder / f"{kind}-small.sqlite", max_bytes, small)
            got = _child(kind, folder / f"{kind}.sqlite", max_bytes, path)
            label = f"{kind} {size:,.0f} MB"
            note = f"{what}; {got['documents']:,} documents, {got['attachments']:,} attachments, {got['skipped']} "
            note += f"skipped; {size / got['seconds']:,.2f} MB/s; max_bytes {max_bytes // MB} MB"
            rows += [
                {"benchmark": "load_large", "metric": f"{label}: ingest seconds", "value": got["seconds"],
                 "note": note},
                {"benchmark": "load_large", "metric": f"{label}: peak RSS (MB)", "value": got["peak_mb"],
                 "target": f"bounded, far under {size:,.0f}",
                 "note": f"{got['peak_mb'] - base['peak_mb']:+,.0f} MB over the same on a 20 kB {kind} "
                         f"({base['peak_mb']:,.0f} MB)"},
                {"benchmark": "load_large", "metric": f"{label}: verify seconds", "value": got["verify_seconds"],
                 "note": "every document and attachment re-hashed" + ("" if got["verified"] else "; FAILED")},
                {"benchmark": "load_large", "metric": f"{label}: verify peak RSS (MB)", "value": got["verify_peak_mb"],
                 "note": "after Case.verify too (it walks the log, holding a set of entry numbers)"},
            ]  # fmt: skip
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run(quick="--quick" in sys.argv))
