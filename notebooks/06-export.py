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
# # 06 · Export: the annotated findings in every format
#
# Findings leave the kit as files others must be able to check: an editor, a court, a threat-intelligence platform.
# Each export carries the analyst's annotations (corrections, place choices, Admiralty ratings, notes) and the
# provenance hashes that tie every statement back to the bytes collected.

# %% tags=["parameters"]
SOURCES = ["../seeds"]
CASE = "out/06-export.sqlite"
OUT = "out/06-export"
USE_DASK = False  # True: analyse on a local Dask cluster (see the last section)

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
# ## 1 · Build a case and annotate it
#
# The pipeline does the analysis; the analyst adds a source rating and a note, both of which must appear in every
# export.

# %%
from osintkit.assess import rate_source

result = osintkit.run(SOURCES, case=CASE)
case = Case(CASE)
doc = case.documents()[0]
# A repeated rating is not stored again, and the note is added once, so Run All twice leaves the same case.
rate_source(case, doc.source or doc.id, "C", rationale="Unknown publisher, but consistent with official statements.")
NOTE = "Cross-check the 11,000 figure against South Korean NIS briefings."
if NOTE not in {n["text"] for n in case.notes(doc.id)}:
    case.add_note(doc.id, NOTE)
print(result)

# %% [markdown]
# ## 2 · Write every format
#
# `write_all` writes JSON (with a documented schema), Markdown and self-contained HTML reports (static map embedded,
# all content escaped), CSV tables (safe against spreadsheet formula injection), GeoJSON and a STIX 2.1 bundle.

# %%
from osintkit.export import write_all
from osintkit.findings import Findings

findings = Findings.from_case(case)
outputs = write_all(findings, OUT)
for fmt, path in outputs.items():
    size = sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) if Path(path).is_dir() else Path(path).stat().st_size
    print(f"{fmt:8} {path}  ({size:,} bytes)")

# %% [markdown]
# ## 3 · Check what others will receive
#
# A STIX consumer will parse the bundle; GIS tools will read the GeoJSON; the JSON follows its published schema.

# %%
import json

import stix2

bundle = stix2.parse(Path(outputs["stix"]).read_text(encoding="utf-8"), allow_custom=True)
print("STIX objects:", sorted({o.type for o in bundle.objects}))
geo = json.loads(Path(outputs["geojson"]).read_text(encoding="utf-8"))
print("GeoJSON features:", len(geo["features"]), "| first:", geo["features"][0]["properties"].get("name") if geo["features"] else None)
data = json.loads(Path(outputs["json"]).read_text(encoding="utf-8"))
print("findings.json sections:", sorted(data))

# %%
from IPython.display import Markdown
from osintkit.tables import preview

Markdown(preview(Path(outputs["md"]).read_text(encoding="utf-8"), 3000))  # up to the last whole paragraph that fits

# %% [markdown]
# ## 4 · Scaling out with Dask
#
# On one machine, `workers="auto"` (the command line's default) runs the analysis in one process per core while
# this one stores the results. For thousands of documents, the per-document analysis (tagging, geoparsing, claims) can run on a Dask
# cluster:
# pass `client=` to `osintkit.run` (or `--scheduler tcp://host:8786` on the command line). Workers return plain
# records and the driver stays the case's only writer, so the custody log remains one linear chain and results are
# identical to a local run. The cell below is skipped unless `USE_DASK = True`: starting a cluster takes longer than
# analysing the seed article.

# %%
if USE_DASK:
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, Client(cluster) as client:
        dask_result = osintkit.run(SOURCES, out=OUT + "-dask", case=CASE.replace(".sqlite", "-dask.sqlite"),
                                   client=client)
    print(dask_result)
else:
    print("Dask section skipped (USE_DASK = False)")
