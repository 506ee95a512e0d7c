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
# # 05 · Source-evaluation exercise (for trainers)
#
# The Admiralty (NATO) system grades **the source** for reliability (A, completely reliable, to E, unreliable; F when
# it cannot be judged) and **the information** for credibility (1, confirmed by other independent sources, to 5,
# improbable; 6 when it cannot be judged). The two are independent: a reliable outlet can carry a doubtful claim.
#
# Learners rate sources and claims of an invented six-report corpus **blind**, save their answers, and reveal the
# reference grade, its reasoning and the evidence the kit found one item at a time, only once they have answered.
# Running every cell reveals nothing.
#
# ## Trainer's guide
#
# 1. **Before the session.** The exercise is described in `data/exercise-05.yaml`: which sources and claims to rate,
#    the reference grade and the reasoning for each. Edit it for your class (items name a source, or text in a claim)
#    or keep it. Run the notebook once: it writes the exercise file learners open (`EXERCISE`, the key only as salted
#    hashes) and your key (`TRAINER_KEY`). Keep the key to yourself; the exercise file and this notebook are what you
#    hand out.
# 2. **During the session.** Each learner sets `LEARNER` to a name or alias in the parameters cell and runs all
#    cells. Answers are saved to `ANSWERS/<alias>.json` at each **Save answer**; **Reveal** works on an answered
#    item only, and an answer cannot be changed once revealed (**Reset my answers** starts over, and the answer
#    file counts resets).
# 3. **After the session.** Collect the answer files into one `ANSWERS` folder, set `SHOW_SUMMARY = True` and run
#    all: the class summary shows each item's answers, agreement with the key, the most common mistakes, and where
#    osintkit's own suggestion differs from your key, as a discussion point.

# %% tags=["parameters"]
SOURCES = ["data/corroboration"]
CASE = "out/05-exercise.sqlite"
SPEC = "data/exercise-05.yaml"  # the trainer's items, reference grades and reasoning
EXERCISE = "out/05-exercise/exercise.json"  # what learners open: no answers in it
TRAINER_KEY = "out/05-exercise/trainer/key.json"  # the key: keep it to yourself
ANSWERS = "out/05-exercise/answers"  # one file per learner; collect this folder
LEARNER = "learner-1"  # each learner's name or alias
SHOW_SUMMARY = False  # trainer, after the session: True shows the class summary (and with it the key)

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
# ## The material
#
# Each report's publisher, author and date come from the collection, exactly as a learner would see them. The
# pipeline also extracts the claims and works out who copies whom, which is the evidence a reveal shows.

# %%
from osintkit.pipeline import analyse_case, ingest
from osintkit.tables import brief

case = Case(CASE)
ingest(case, SOURCES)
analyse_case(case)
brief(case.to_frame(), ["source", "author", "published", "title"])

# %% [markdown]
# ## Preparing the exercise (trainer, once)
#
# The exercise is built from the case and the trainer's file: for each item the kit records the evidence trail it
# has (origin chain, independent origins, copies, contradictions and their reasons) and its own suggested grade. It
# is written only when `EXERCISE` does not exist yet, so a learner's Run All never rebuilds it.

# %%
from osintkit.exercise import Exercise, exercise_from_file

if not Path(EXERCISE).exists():
    built, key = exercise_from_file(SPEC, case)
    built.save(EXERCISE)
    key.save(TRAINER_KEY)
    print(f"wrote {EXERCISE} (hand it out) and {TRAINER_KEY} (keep it)")
exercise = Exercise.open(EXERCISE)
exercise

# %% [markdown]
# ## Rate blind (learners)
#
# Choose a grade, **Save answer**, then **Reveal** to see the reference grade, its reasoning, and the evidence: the
# origin chain ("Zelenskyy (post on X) ← The Kyiv Ledger"), the independent origins in agreement, copies, and the
# contradictions with their reasons. The same steps in code: `session.answer("kyiv_ledger", "B")`, then
# `session.reveal("kyiv_ledger")`.

# %%
from osintkit.exercise import ExerciseForm

session = exercise.session(LEARNER, ANSWERS)
ExerciseForm(session)

# %% [markdown]
# ## Class summary (trainer, after the session)
#
# Reads every answer file in `ANSWERS`, checks the key against the exercise (a key edited since the exercise was
# handed out is refused), and shows per item the answers, agreement with the key and the most common mistake.

# %%
from IPython.display import display
from osintkit.exercise import class_summary

if SHOW_SUMMARY:
    summary = class_summary(ANSWERS, TRAINER_KEY, exercise)
    print(len(summary.learners), "learners")
    display(summary.frame())
    display(summary.mistakes())
    display(summary.chart())
else:
    print(session.progress())
    print("The class summary shows the key: the trainer sets SHOW_SUMMARY = True after the session.")

# %% [markdown]
# ## The rule behind grade 1
#
# osintkit enforces the scale's hardest rule: credibility 1 needs at least one **independent** source that
# corroborates the claim, and echoes do not count. Try it on the single-source figure of 12,000 soldiers:

# %%
from osintkit import AssessmentError
from osintkit.assess import rate_claim

figure = next((c for c in case.claims() if "12,000" in c.content), None)
if figure is not None:
    try:
        rate_claim(case, figure.id, 1, rationale="a learner's answer")
        print("accepted: an independent source corroborates", repr(figure.content))
    except AssessmentError as exc:
        print("refused:", exc)
