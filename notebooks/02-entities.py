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
# # 02 · Entities: tagging, normalisation, correcting the tagger
#
# Who and what a report names (people, organisations, places, groups, dates, figures, ships) is the backbone of link
# analysis. osintkit's tagger combines a small shipped model (people, organisations, locations) with rules for dates,
# quantities, nationalities and named ships. No tagger is perfect, so this notebook also shows how an analyst corrects
# it, and how those corrections are kept and logged.

# %% tags=["parameters"]
SOURCES = ["../seeds"]
CASE = "out/02-entities.sqlite"

# %%
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # model-loading progress bars are noise here

import osintkit
from osintkit import Case

Path(CASE).parent.mkdir(parents=True, exist_ok=True)
print("osintkit", osintkit.__version__, "| case:", CASE)

# %% [markdown]
# ## 1 · Tag a document
#
# Each mention carries its character offsets into the original text, its label, a score and where it came from
# (`model`, `rule` or `gazetteer`). Dates and quantities are normalised: a relative date such as "on Saturday" is
# resolved against the publication date.

# %%
from osintkit import load
from osintkit.entities import tag
from osintkit.entities.display import highlight, mentions_frame

docs = load(*SOURCES)
doc = docs[0]
mentions = tag(doc)
highlight(doc, mentions)

# %%
mentions_frame(mentions).head(20)

# %% [markdown]
# ## 2 · From mentions to entities
#
# "Zelenskyy", "Volodymyr Zelenskyy" and "the Ukrainian President" may name one person. Normalisation links
# mentions to canonical entities across every document in the case, so counts and networks are about people and
# organisations, not spellings.

# %%
from osintkit.pipeline import ingest, analyse_case
from osintkit.entities.normalise import entities_frame, normalise_case

case = Case(CASE)
print(ingest(case, SOURCES, quiet=True))
analyse_case(case, quiet=True)
normalise_case(case)
entities_frame(case)

# %% [markdown]
# ## 3 · Correcting the tagger
#
# Corrections are stored in the case (never by editing the model's output in place) and logged. Here we do it in
# code; the panel below does the same with clicks. A rejected mention disappears from the entity list and the
# exports, but stays in the case, marked, so the decision can be reviewed.

# %%
stored = case.mentions(doc.id)
first = stored[0]
case.set_mention_status(doc.id, first.start, first.end, "accepted")
print("accepted:", first.text, first.label)
case.custody_frame()[["seq", "action", "object_id"]].tail(3)

# %%
from osintkit.widgets import AnnotationPanel

panel = AnnotationPanel(case, doc.id)
# What a click does, scripted: reject the last mention in the list.
panel.entity_select.value = panel.entity_select.options[-1][1]
panel.reject_button.click()
print(panel.status.value)
panel

# %% [markdown]
# Merging and splitting entities work the same way (`osintkit.entities.normalise.merge_entities`, `split_entity`,
# `relabel_entity`): the edit is kept as a rule that later normalisation runs re-apply.

# %%
print(case.verify())
case.custody_frame()["action"].value_counts()
