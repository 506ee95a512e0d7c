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
# # 00 · Quickstart: from sources to a report
#
# This notebook takes a folder of sources all the way to a report in a few cells: load, tag entities, resolve places,
# extract claims, suggest Admiralty ratings, and export. Everything runs **offline**: the entity model, the gazetteer
# and the map data ship with osintkit, so sensitive material never leaves this machine.
#
# The parameters cell below is tagged `parameters`, so you can rerun the notebook on other material with papermill:
# `papermill 00-quickstart.ipynb run.ipynb -p SOURCES '["/path/to/folder"]' -p CASE out/mine.sqlite`.

# %% tags=["parameters"]
SOURCES = ["../seeds"]  # files or folders, relative to this notebook
CASE = "out/00-quickstart.sqlite"  # the case file: one SQLite file per investigation
OUT = "out/00-quickstart"  # where the report and exports go

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
# ## 1 · Run the pipeline
#
# `osintkit.run` ingests every source into the case (hashing the raw bytes first, so provenance is fixed before any
# analysis touches the text), then tags, geoparses, extracts claims, corroborates them across sources, suggests
# ratings, and writes the findings in every export format. Rerunning on the same case resumes: nothing is duplicated.
# Progress bars show each stage while it runs, the loading of the entity model included (a few seconds, once per
# kernel).

# %%
result = osintkit.run(SOURCES, out=OUT, case=CASE)
print(result)

# %% [markdown]
# ## 2 · What the tagger found
#
# Highlights show each entity mention in context. Reading them against the text is the fastest way to spot a tagger
# error before it propagates into the entity list, the map and the report.

# %%
from osintkit.entities.display import highlight

case = Case(CASE)
doc = case.documents()[0]
highlight(doc, case.mentions(doc.id))

# %% [markdown]
# ## 3 · Where it happened
#
# Places are resolved against the offline GeoNames gazetteer. The map draws country outlines shipped with osintkit
# instead of fetching map tiles: requesting tiles from a third-party server would reveal what you are looking at.

# %%
from osintkit.geo import interactive_map

interactive_map(case)  # the case gives each popup its document title and context

# %% [markdown]
# ## 4 · The report
#
# The Markdown report is one of several exports (HTML, JSON, CSV, GeoJSON, STIX 2.1; see notebook 06). Below is
# its opening, up to the last whole paragraph that fits in 2,500 characters; the file holds the rest.

# %%
from IPython.display import Markdown
from osintkit.tables import preview

for fmt, path in sorted(result.outputs.items()):
    print(f"{fmt:8} {path}")
report = Path(result.outputs["md"]).read_text(encoding="utf-8")
opening = preview(report, 2500)
print(f"\nthe first {len(opening):,} of {len(report):,} characters:")
Markdown(opening)

# %% [markdown]
# ## 5 · Review and annotate
#
# Automated output is a starting point, not a finding. The panel lets you accept, reject or relabel mentions, pick
# the right place when a name is ambiguous, rate the source (A–F) and each claim (1–6) on the Admiralty scale, and
# add notes. **Every click is saved to the case and written to its custody log**, so the record shows who decided
# what, and when.

# %%
from osintkit.widgets import AnnotationPanel

panel = AnnotationPanel(case, doc.id)
panel
