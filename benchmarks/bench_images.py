"""Image matching on generated photos: recall over re-encodings, resizes and crops, false matches, throughput.

Every image is made here with Pillow and numpy from a seed (gradients, shapes, lines and noise, in the proportions
of a busy photo), so the benchmark needs no data and copies no media. For each original it writes the variants a
photo meets on its way through channels and outlets: JPEG re-encodings at quality 95, 70 and 40, resizes to 50 %
and 200 %, and crops of 2 % and 5 % of the area; the other originals are the unrelated images. Everything is read
back through ``osintkit.load`` (decoding, EXIF, hashing) and matched with :func:`osintkit.images.match_images`.

- recall: share of variants within the threshold of their own original (pairwise) and put in its group;
- false-match rate: share of pairs of unrelated originals within the threshold, and share of originals grouped
  with another original;
- throughput: images loaded per second of wall time and of CPU time (a shared machine slows the first, not the
  second), on the set and on 1024x768 JPEGs with EXIF, and images matched per second;
- baseline: exact SHA-256 matching, which finds no variant at all.

The same generators make the fixtures of ``tests/test_images.py`` and ``tests/test_load_image.py``.
"""

from __future__ import annotations

import io
import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["VARIANTS", "exif_for", "photo", "run", "variant", "write_set"]

VARIANTS: tuple[str, ...] = ("jpeg95", "jpeg70", "jpeg40", "half", "double", "crop2", "crop5")


def photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A synthetic photo: a lit gradient background, 8-20 shapes and lines, a blur, then sensor-like noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / w + np.sin(angle) * yy / h + 1) / 2
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    base = c0[None, None, :] * (1 - ramp[..., None]) + c1[None, None, :] * ramp[..., None]
    img = Image.fromarray(base.clip(0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(8, 21))):
        kind = int(rng.integers(0, 4))
        x0, y0 = rng.uniform(-0.1, 1.0) * w, rng.uniform(-0.1, 1.0) * h
        x1, y1 = x0 + rng.uniform(0.05, 0.5) * w, y0 + rng.uniform(0.05, 0.5) * h
        color = tuple(int(v) for v in rng.integers(0, 256, 3))
        if kind == 0:
            draw.ellipse((x0, y0, x1, y1), fill=color)
        elif kind == 1:
            draw.rectangle((x0, y0, x1, y1), fill=color)
        elif kind == 2:
            pts = [(float(rng.uniform(0, w)), float(rng.uniform(0, h))) for _ in range(int(rng.integers(3, 7)))]
            draw.polygon(pts, fill=color)
        else:
            draw.line((x0, y0, x1, y1), fill=color, width=int(rng.integers(2, max(3, w // 40))))
    img = img.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.5, 2.0))))
    noise = rng.normal(0, rng.uniform(2, 10), (h, w, 3))
    return Image.fromarray((np.asarray(img, dtype=np.float32) + noise).clip(0, 255).astype(np.uint8), "RGB")


def variant(img: Image.Image, kind: str) -> tuple[bytes, str]:
    """One variant of ``img`` as (file bytes, suffix)."""
    buf = io.BytesIO()
    w, h = img.size
    if kind.startswith("jpeg"):
        img.save(buf, format="JPEG", quality=int(kind[4:]))
        return buf.getvalue(), ".jpg"
    if kind in ("half", "double"):
        scale = 0.5 if kind == "half" else 2.0
        img.resize((round(w * scale), round(h * scale)), Image.Resampling.LANCZOS).save(buf, format="JPEG", quality=90)
        return buf.getvalue(), ".jpg"
    if kind.startswith("crop"):
        share = int(kind[4:]) / 100  # of the area, taken from the right and bottom edges as a reframing would
        keep = (1 - share) ** 0.5
        img.crop((0, 0, round(w * keep), round(h * keep))).save(buf, format="PNG")
        return buf.getvalue(), ".png"
    raise ValueError(f"unknown variant {kind!r}")


def exif_for(seed: int, *, software: str = "Camera firmware 1.0") -> Image.Exif:
    """Plausible camera EXIF: make, model, capture time with offset, software, and a GPS fix with its accuracy."""
    rng = np.random.default_rng(seed)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Acme", f"Model {seed % 7}", software
    day = 1 + seed % 28
    exif[0x0132] = f"2024:05:{day:02d} 12:00:00"
    exif[0x8769] = {0x9003: f"2024:05:{day:02d} 12:00:00", 0x9011: "+03:00"}
    lat, lon = 46 + rng.uniform(0, 6), 24 + rng.uniform(0, 14)
    exif[0x8825] = {
        1: "N", 2: (float(int(lat)), float(int(lat % 1 * 60)), round(lat * 3600 % 60, 2)),
        3: "E", 4: (float(int(lon)), float(int(lon % 1 * 60)), round(lon * 3600 % 60, 2)),
        31: float(rng.uniform(3, 50)),
    }  # fmt: skip
    return exif


def write_set(folder: Path, originals: int, size: tuple[int, int] = (640, 480)) -> dict[str, list[str]]:
    """Originals (JPEG with EXIF) and their variants as files; returns original name → its variants' names."""
    folder.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[str]] = {}
    for seed in range(originals):
        img = photo(seed, size)
        name = f"p{seed:04d}.jpg"
        img.save(folder / name, format="JPEG", quality=92, exif=exif_for(seed))
        groups[name] = []
        for kind in VARIANTS:
            data, suffix = variant(img, kind)
            vname = f"p{seed:04d}-{kind}{suffix}"
            (folder / vname).write_bytes(data)
            groups[name].append(vname)
    return groups


def _row(metric: str, value: Any, target: str = "-", note: str = "") -> dict[str, Any]:
    return {"benchmark": "images", "metric": metric, "value": value, "target": target, "note": note}


def run(quick: bool = False) -> list[dict[str, Any]]:
    import osintkit as ok
    from osintkit.images import DEFAULT_THRESHOLD, hamming, match_images

    originals = 30 if quick else 150
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "set"
        groups = write_set(folder, originals)
        started, cpu = time.perf_counter(), time.process_time()
        docs = ok.load(folder)
        load_s, load_cpu = time.perf_counter() - started, time.process_time() - cpu
        by_name = {Path(d.path or "").name: d for d in docs}
        hashes = {n: d.meta["image"]["phash"] for n, d in by_name.items()}
        started = time.perf_counter()
        matches = match_images(docs)
        match_s = time.perf_counter() - started
        group_of: dict[str, str] = {}
        for m in matches:
            group_of[m.reuse] = m.first
        root = {d.id: group_of.get(d.id, d.id) for d in docs}

        rows.append(_row("images loaded (originals + variants)", len(docs), note=f"{len(docs.skipped)} skipped"))
        rows.append(_row("threshold, bits of 64", DEFAULT_THRESHOLD))
        for kinds, label in (
            (("jpeg95", "jpeg70", "jpeg40"), "re-encodings (JPEG 95/70/40)"),
            (("half", "double"), "resizes (50 %, 200 %)"),
            (("crop2", "crop5"), "crops (2 %, 5 % of the area)"),
        ):
            pairs = [(o, v) for o, vs in groups.items() for v in vs if v.split("-")[1].split(".")[0] in kinds]
            dists = [hamming(hashes[o], hashes[v]) for o, v in pairs]
            direct = sum(d <= DEFAULT_THRESHOLD for d in dists) / len(pairs)
            grouped = sum(root[by_name[o].id] == root[by_name[v].id] for o, v in pairs) / len(pairs)
            target = ">= 0.95" if "crop" not in label else "diagnostic"
            rows.append(_row(f"recall, {label}, pairwise", round(direct, 4), target, f"max distance {max(dists)}"))
            rows.append(_row(f"recall, {label}, grouped", round(grouped, 4), target))
            exact = sum(by_name[o].sha256 == by_name[v].sha256 for o, v in pairs) / len(pairs)
            rows.append(_row(f"baseline: exact SHA-256 recall, {label}", round(exact, 4), "-"))
        names = sorted(groups)
        unrelated = [hamming(hashes[a], hashes[b]) for a, b in itertools.combinations(names, 2)]
        false_pairs = sum(d <= DEFAULT_THRESHOLD for d in unrelated) / len(unrelated)
        spread = f"{len(unrelated):,} pairs; min distance {min(unrelated)}, mean {np.mean(unrelated):.1f}"
        rows.append(_row("false-match rate, unrelated pairs", round(false_pairs, 5), "<= 0.01", spread))
        wrong = sum(any(root[by_name[a].id] == root[by_name[b].id] for b in names if b != a) for a in names)
        rows.append(_row("false-match rate, originals grouped with another", round(wrong / len(names), 4), "<= 0.01"))
        per_cpu = f"640x480 and variants, one process; {len(docs) / load_cpu:.1f} per CPU second"
        rows.append(_row("load throughput (decode, EXIF, XMP, hashes), images/s", round(len(docs) / load_s, 1),
                         "-", per_cpu))  # fmt: skip

        big = Path(tmp) / "big"
        big.mkdir()
        n_big = 20 if quick else 60
        for seed in range(n_big):
            photo(10_000 + seed, (1024, 768)).save(big / f"b{seed}.jpg", quality=90, exif=exif_for(seed))
        started, cpu = time.perf_counter(), time.process_time()
        big_docs = ok.load(big)
        big_s, big_cpu = time.perf_counter() - started, time.process_time() - cpu
        rows.append(_row("load throughput, 1024x768 JPEG with EXIF, images/s", round(len(big_docs) / big_s, 1), "-",
                         f"{len(big_docs) / big_cpu:.1f} per CPU second"))  # fmt: skip
        rows.append(_row("match throughput, images/s", round(len(docs) / max(match_s, 1e-9), 1), "-",
                         f"{len(docs)} images in {match_s:.3f} s"))  # fmt: skip
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run(quick=True))
