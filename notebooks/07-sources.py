# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · Sources as researchers collect them: a Telegram export, an archived page, photos
#
# Material about an event rarely arrives as clean articles. It comes as a channel exported with Telegram Desktop, a
# page saved by an archiving crawler (a WARC file), and the photos that posts carry, some of them copies of others.
# This notebook works through such a folder: it loads every file with its provenance, shows the Telegram forward
# that corroboration turns into a copy link, checks the archived page's capture and digest, reads the photos' EXIF
# and what it gives away, and ends with the image-reuse table and a map of where the photos were taken.
#
# The folder is written by `osintkit.demo.write_sources_demo`, offline and the same on every run: an **invented**
# event (a grain barge aground on the Danube near Vylkove) with an invented channel, outlets, people and figures,
# and pictures drawn by the kit itself. Point `SOURCES` at your own folder and set `WRITE_DEMO = False` to read yours.

# %% tags=["parameters"]
SOURCES = ["out/07-sources/demo"]  # files or folders; the demo is written into the first
WRITE_DEMO = True  # False: read SOURCES as they are
CASE = "out/07-sources.sqlite"

# %%
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # model-loading progress bars are noise here

import pandas as pd

import osintkit
from osintkit import Case

pd.set_option("display.max_colwidth", None)  # whole sentences in table cells: brief() keeps the columns few

Path(CASE).parent.mkdir(parents=True, exist_ok=True)
print("osintkit", osintkit.__version__, "| case:", CASE)

# %% [markdown]
# ## 1 · The folder
#
# A Telegram Desktop export (`result.json` and the photo one post carries, in `photos/`), an archived news page in
# `archive/`, and in `photos/` the copies two other publishers ran and one unrelated picture. Each photo's
# `.meta.json` sidecar records who published it and when, as a researcher notes it while collecting.

# %%
from osintkit.demo import write_sources_demo

if WRITE_DEMO:
    write_sources_demo(SOURCES[0])
root = Path(SOURCES[0])
for path in sorted(p for p in root.rglob("*") if p.is_file()):
    print(f"{path.stat().st_size:>8,}  {path.relative_to(root)}")

# %% [markdown]
# ## 2 · Load: one document per message, page and photo
#
# Each format has its loader: every Telegram message is a document with the channel as publisher, the archived page
# a document with the archive's capture time as `retrieved`, every photo a document whose text is its caption (none
# here). Every document keeps the SHA-256 of the bytes it was read from. Nothing here is skipped; a file that could
# not be read would be listed in `docs.skipped` with its reason.

# %%
from collections import Counter

from osintkit import load
from osintkit.tables import brief

docs = load(*SOURCES)
print(len(docs), "documents", dict(Counter(d.loader for d in docs)), "|", len(docs.skipped), "skipped")
names = {d.id: d.title or Path(d.path or d.id).name for d in docs}  # a readable label for every id below
frame = docs.to_frame()
frame["name"] = frame["id"].map(names)
brief(frame, ["name", "loader", "source", "published", "retrieved", "sha256"])  # digests shortened for the screen

# %% [markdown]
# ## 3 · Telegram: a forward is a copy link with a known direction
#
# A forwarded message says in the export itself which channel it repeats, and when that channel posted it.
# Corroboration takes that as certain evidence: the forward is an echo of its original, never a second source. The
# original channel is not in this case, so the link points to `external:` and its name. One `osintkit.run` stores
# the documents in the case, tags, geoparses, extracts claims and corroborates.

# %%
import pandas as pd

result = osintkit.run(SOURCES, case=CASE)
print(result)
forwards = [d for d in docs if d.meta.get("forwarded_from")]
for d in forwards:
    original = d.meta["forwarded_from"]
    print(f"{names[d.id]} forwards {original.get('name')}'s message of {original.get('date')}")
links = result.corroboration.links
brief(pd.DataFrame(
    [(names.get(lk.original, lk.original), names.get(lk.copy, lk.copy), lk.relation, lk.direction, lk.evidence,
      lk.details) for lk in links if lk.relation == "forwarded"],
    columns=["original", "copy", "relation", "direction", "evidence", "details"],
))

# %% [markdown]
# ## 4 · The archived page: when it was captured, and whether it is what was captured
#
# `retrieved` is the archive's `WARC-Date`, the capture, not today's load. The loader checked the record's
# `WARC-Payload-Digest` against the body and says "verified" (a changed or damaged record is kept but flagged
# "failed"); the archive file's own hash is kept as the evidentiary copy, and the page's image is listed as an
# attachment with its hash. The check is repeated below from the bytes stored in the case, without the loader.

# %%
import base64
import hashlib

page = next(d for d in docs if d.loader in ("warc", "wacz"))
warc = page.meta["warc"]
print("page:     ", page.title, "|", page.url)
print("published:", page.published, "| captured:", page.retrieved)
print("digest:   ", warc["payload_digest"], "->", warc["digest"])
print("archive:  ", Path(warc["archive"]).name, "SHA-256", page.meta["file_sha256"][:16] + "…")
for att in page.meta.get("attachments", []):
    print("attached: ", att["uri"], att["mime"], "SHA-256", att["sha256"][:16] + "…")

with Case(CASE) as case:
    body = case.raw_bytes(page.id)
algo, _, recorded = warc["payload_digest"].partition(":")
print("recomputed from the case:", base64.b32encode(hashlib.new(algo, body).digest()).decode() == recorded)

# %% [markdown]
# ## 5 · Photos: what the EXIF says, and what its absence says
#
# Capture time, camera and GPS position come from EXIF. The flags say when metadata is missing (platforms strip it
# on upload) or looks edited (an image editor's name in `Software`). The Danube Herald's copy has lost its EXIF;
# River Watch's copy went through an editor.

# %%
from osintkit.images import image_info

rows = []
for d in docs:
    info = image_info(d)
    if info is None:
        continue
    gps, exif = info.get("gps") or {}, info.get("exif") or {}
    rows.append((names[d.id], d.source, info["width"], info["height"], info.get("captured"), exif.get("software"),
                 gps.get("lat"), gps.get("lon"), info["exif_status"], "; ".join(info["flags"])))
brief(pd.DataFrame(rows, columns=["photo", "source", "width", "height", "captured", "software", "lat", "lon",
                                  "exif", "flags"]))

# %% [markdown]
# ## 6 · Image reuse: one picture, one origin
#
# Perceptual hashes (pHash) match a picture through resizing and re-encoding; identical files or pixels match
# exactly. Within each group the earliest known appearance is the first (publication time, else EXIF capture time):
# here the channel's post. Corroboration counts the group as one origin, so two outlets running the channel's photo
# are not two witnesses. `why` gives the evidence, including where the copies' metadata disagree.

# %%
from osintkit.images import match_images, reuse_frame

reuse = reuse_frame(match_images(docs), docs)
brief(reuse, titles=names)  # ids in the table and its reasons shown as titles or file names

# %% [markdown]
# ## 7 · Where the photos were taken
#
# `photo_places` turns each EXIF GPS position into a "photo" place, with a confidence from the accuracy the camera
# recorded; the pipeline stores the same places in the case, so the reports and the GeoJSON export draw them too.
# The static map draws the shipped country outlines and loads no tiles.

# %%
from IPython.display import SVG
from osintkit.geo import static_map
from osintkit.images import photo_places

photos = photo_places(docs)
for p in photos:
    print(f"{p.name:55} {p.lat:.4f}, {p.lon:.4f}  {p.country_code}  confidence {p.confidence}")
# Close in on the photos: the default margin is sized for a country, and these are tens of kilometres apart.
lons, lats = [p.lon for p in photos], [p.lat for p in photos]
extent = (min(lons) - 0.5, max(lons) + 0.5, min(lats) - 0.5, max(lats) + 0.5) if photos else None
SVG(data=static_map(photos, fmt="svg", title="Photo positions (EXIF GPS)", extent=extent))

# %% [markdown]
# Next: notebook 04 reads corroboration in depth (origins, contradictions, echo chains), and 06 exports a case,
# with its photo places, as GeoJSON, reports and STIX.
