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

import pandas as pd

import osintkit
from osintkit import Case

pd.set_option("display.max_colwidth", None)  # whole sentences in table cells: brief() keeps the columns few

Path(CASE).parent.mkdir(parents=True, exist_ok=True)
print("osintkit", osintkit.__version__, "| case:", CASE)

# %% [markdown]
# ## 1 · Tag a document
#
# Each mention carries its character offsets into the original text, its label, a confidence and where it came
# from (`model`, `rule` or `gazetteer`). Dates and quantities are normalised: a relative date such as "on Saturday"
# is resolved against the publication date.

# %%
from osintkit import load
from osintkit.entities import tag
from osintkit.entities.display import highlight, mentions_frame

docs = load(*SOURCES)
doc = docs[0]
mentions = tag(doc)
highlight(doc, mentions)

# %% [markdown]
# The table shows what a reader checks first; `mentions_frame(mentions)` has every field (offsets, entity ids, the
# normalised values as dicts).

# %%
from osintkit.tables import brief

brief(mentions_frame(mentions)).head(20)

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
print(ingest(case, SOURCES))
analyse_case(case)
normalise_case(case)
brief(entities_frame(case))

# %% [markdown]
# ## 3 · Correcting the tagger
#
# Reading the highlights against the text turns up what the tagger gets wrong on this article. One mention is
# plainly wrong: in "the documents' **Korean** signatures revealed the troops' true nationality", *Korean* is the
# script the signatures are written in, not a group of people, yet it is tagged NORP (nationalities and groups) and
# becomes an entity of its own, a "Korean" group with no country beside the real North Korean one. The analyst
# rejects it.
#
# A low-confidence mention is worth a look too: the model is least sure of *Pyongyang* in "Pyongyang deployed an
# estimated 11,000 soldiers". The capital stands for the North Korean state, which place-name guidelines still tag
# as a location, so the tag is right: the analyst accepts it, and the case records that a person checked it.
#
# Corrections are stored in the case (never by editing the model's output in place) and logged in custody. A
# rejected mention disappears from the entity list and the exports, but stays in the case, marked, so the decision
# can be reviewed. A decision already in the custody log is not made again, so Run All twice leaves the same case.

# %%
stored = case.mentions(doc.id)
reviewed = set(case.custody_frame()["object_id"])  # spans an analyst already decided on ("doc:start-end")

script = next((m for m in stored if m.text == "Korean" and m.label == "NORP"), None)
if script is not None:
    case.set_mention_status(doc.id, script.start, script.end, "rejected")
    print(f"rejected: {script.text!r} [{script.label}] at {script.start}: the signatures' script, not a group")
else:
    print("no 'Korean' group to reject: already rejected, or the tagger no longer makes this mistake")
least = min((m for m in stored if m.source == "model"), key=lambda m: m.score)
print(f"the model's least confident mention: {least.text!r} [{least.label}] ({least.score:.2f})")
checked = next((m for m in stored if m.text == "Pyongyang"), None)
if checked is not None and f"{doc.id}:{checked.start}-{checked.end}" not in reviewed:
    case.set_mention_status(doc.id, checked.start, checked.end, "accepted")
    print(f"accepted: {checked.text!r} [{checked.label}], checked against the text")
normalise_case(case)
print("a 'Korean' group among the entities:", any(e.name == "Korean" for e in case.entities() if e.mention_count))
brief(case.custody_frame(), ["seq", "action", "document"], titles=case).tail(3)

# %% [markdown]
# The panel makes the same decisions with clicks, one mention at a time: pick a mention, then accept, reject or
# relabel it; pick a place among the gazetteer's candidates; rate the source and its claims; add a note.

# %%
from osintkit.widgets import AnnotationPanel

AnnotationPanel(case, doc.id)

# %% [markdown]
# Merging and splitting entities work the same way (`osintkit.entities.normalise.merge_entities`, `split_entity`,
# `relabel_entity`): the edit is kept as a rule that later normalisation runs re-apply.

# %%
print(case.verify())
case.custody_frame()["action"].value_counts()

# %% [markdown]
# ## 4 · Posts in Ukrainian and Russian
#
# Much of this war is first reported in Ukrainian and Russian. Each line's language is detected, and Ukrainian and
# Russian text goes to natasha's offline model for people, organisations and places, while the gazetteer finds
# place names in any grammatical case: "у Сумах" (in Sumy), "під Конотопом" (near Konotop), "в Шебекине" (in
# Shebekino). The two posts below are **invented** for this notebook (the people and the events); the towns are
# real. They go through the same steps as the seed article: into the case, tagged, geoparsed, claims extracted.
#
# Read the tables against the text, as for the English article. Claims are read in both languages: the speaker
# ("Ірина Савчук розповіла, що…", "По словам главы районной администрации…", "За даними ДСНС…"), the cue, the
# figures ("дванадцять", "два") and the places, in the same claim table as the English ones. A place with
# feature `focus` and confidence 0.15 is the document's main town standing in for a name the gazetteer could not
# resolve: treat it as unresolved, not as a location.

# %%
posts = Path(CASE).parent / "02-posts"
posts.mkdir(parents=True, exist_ok=True)
(posts / "uk-sumy.txt").write_text(
    "Жителька Сум Ірина Савчук розповіла, що вночі у Сумах та під Конотопом лунали вибухи. "
    "За даними ДСНС, у Конотопі пошкоджено дванадцять будинків. Рятувальники працюють на місці.\n",
    encoding="utf-8",
)
(posts / "ru-shebekino.txt").write_text(
    "Житель Белгорода Андрей Миронов рассказал, что ночью над Шебекином были слышны взрывы. "
    "По словам главы районной администрации, в Шебекине повреждены два жилых дома. "
    "В Курской области также объявляли воздушную тревогу.\n",
    encoding="utf-8",
)
print(ingest(case, [posts]))
analyse_case(case)
normalise_case(case)  # the posts' people, organisations and places join the case's entities
written = [d for d in case.documents() if d.path and Path(d.path).parent.name == "02-posts"]
brief(pd.DataFrame([{"file": Path(d.path).name, "language": d.language, "characters": len(d.text)} for d in written]))

# %%
from IPython.display import Markdown, display
from osintkit.geo import places_frame

for d in written:
    display(Markdown(f"**{Path(d.path).name}** ({d.language}): {d.text.strip()}"))
    display(highlight(d, case.mentions(d.id)))
    display(brief(places_frame(case.places(d.id))))
    display(brief(pd.DataFrame([{"speaker": c.claimant, "cue": c.cue, "claim": c.content} for c in case.claims(d.id)])))

# %% [markdown]
# Text in a language the kit does not read is still loaded, hashed and stored, but the tagger says so instead of
# returning a thin result in silence. Here is its warning for a German sentence, in full:

# %%
import textwrap
import warnings

from osintkit.errors import LanguageWarning

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    tag("Die Bundesregierung hat am Montag in Berlin neue Hilfen angekündigt.")
for message in dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, LanguageWarning)):
    print(textwrap.fill(message, 110))
