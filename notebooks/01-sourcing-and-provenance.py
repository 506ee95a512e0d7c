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
# # 01 · Sourcing and provenance
#
# An OSINT finding is only as strong as the chain that links it back to what was collected. Before any analysis,
# osintkit fixes **what was read** (the SHA-256 of the raw bytes), **where it came from** (path, URL, publisher) and
# **when** (retrieval time), and records every later step in a hash-chained custody log. This notebook shows the
# loaders, the hashes, the custody log, and what `verify()` reports when someone edits the evidence.

# %% tags=["parameters"]
SOURCES = ["../seeds", "data/corroboration"]
CASE = "out/01-provenance.sqlite"

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
# ## 1 · Load sources
#
# `osintkit.load` takes files and folders (text, Markdown, HTML, CSV/JSON/JSONL exports, RSS/Atom feeds) and reads
# sidecar `*.meta.json` files for publisher, author and date. A file it cannot read is **skipped and reported**,
# never silently dropped: an analyst must know what did not make it into the case.

# %%
from osintkit import load

docs = load(*SOURCES)
docs

# %%
from osintkit.tables import brief

brief(docs.to_frame())  # docs.to_frame() has every field: ids, paths, retrieval times, the full text

# %% [markdown]
# A messy folder, as collections usually are: a binary file and an empty note sit next to a good article.

# %%
messy = Path(CASE).parent / "01-messy"
messy.mkdir(parents=True, exist_ok=True)
(messy / "photo.txt").write_bytes(bytes(range(256)) * 4)
(messy / "empty.txt").write_text("")
(messy / "note.md").write_text("# Field note\n\nTwo soldiers were moved to Kyiv, according to officials.\n")
found = load(messy)
found  # one document loaded, two files skipped, each with the reason

# %% [markdown]
# ## 2 · Hashes
#
# A document's `sha256` is the hash of the exact bytes on disk, and its `id` derives from it, so anyone holding the
# same file can check that it is the one analysed.

# %%
import hashlib

seed = next(d for d in docs if d.path and d.path.endswith(".txt") and "seeds" in d.path)
print(seed.id, seed.sha256)
print("file on disk matches:", hashlib.sha256(Path(seed.path).read_bytes()).hexdigest() == seed.sha256)

# %% [markdown]
# ## 3 · The case and its custody log
#
# Ingesting stores each document with its raw bytes. Ingesting the same material twice adds nothing: duplicates are
# recognised by hash. Each write appends a custody entry whose hash covers the previous one.

# %%
case = Case(CASE)
print(case.add_documents(docs))
print(case.add_documents(docs))  # again: all duplicates
NOTE = "Publisher unknown; date inferred from the text (see the meta sidecar)."
if NOTE not in {n["text"] for n in case.notes(seed.id)}:  # Run All twice must not log the same note twice
    case.add_note(seed.id, NOTE)
# Each entry's hash (shortened here) covers the one before it.
brief(case.custody_frame(), ["seq", "time", "actor", "action", "document", "entry_hash"], titles=case).tail(8)

# %%
print(case.verify())

# %% [markdown]
# ## 4 · Tampering is detected
#
# We work on a **copy** of the case (SQLite's backup API gives a consistent one) and change one figure in a stored
# article, as someone might to make a report say more than the source did. `verify()` re-hashes every document
# and walks the chain, and names the record that no longer matches. The log itself is append-only: SQLite refuses
# to edit or delete an entry.

# %%
import sqlite3

tampered_path = Path(CASE).with_name("01-tampered-copy.sqlite")
tampered_path.unlink(missing_ok=True)
with sqlite3.connect(CASE) as src, sqlite3.connect(tampered_path) as dst:
    src.backup(dst)
with sqlite3.connect(tampered_path) as db:
    db.execute("UPDATE documents SET text = replace(text, '11,000', '21,000') WHERE id = ?", (seed.id,))
    try:
        db.execute("DELETE FROM custody WHERE seq = 1")
    except sqlite3.DatabaseError as exc:
        print("deleting a custody entry:", exc)
db.close()

tampered = Case(tampered_path)
report = tampered.verify()
print(report)
tampered.close()
assert not report.ok and case.verify().ok
