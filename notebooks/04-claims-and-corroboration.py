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
# # 04 · Claims and corroboration
#
# Reports are chains of claims: *who* says *what*, on whose authority. Corroboration means **independent** sources
# agreeing. A copied article, a wire reprint or a story that cites another outlet repeats a claim; it does not
# confirm it. This notebook uses an invented corpus of six reports of one event (see `data/corroboration/README.md`)
# built to show agreement, added detail, a contradiction, a platform discrepancy, and two echoes.

# %% tags=["parameters"]
SOURCES = ["data/corroboration"]
CASE = "out/04-claims.sqlite"

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
# ## 1 · Attribution
#
# Each claim records its claimant, the cue ("said", "according to"), whether it is direct or reported, hedges
# ("estimated", "reportedly"), the platform it was made on, and the quantities, places and dates it contains.

# %%
from osintkit.pipeline import analyse_case, ingest
from osintkit.tables import brief

case = Case(CASE)
print(ingest(case, SOURCES))
analyse_case(case)
docs = {d.id: d for d in case.documents()}
claims = case.claims()
brief(
    pd.DataFrame(
        [
            {
                "source": docs[c.doc_id].source,
                "claimant": c.claimant,
                "cue": c.cue,
                "hedged": c.hedged,
                "platform": c.platform,
                "claim": c.content,
            }
            for c in claims
        ]
    )
)

# %% [markdown]
# ## 2 · The corroboration matrix
#
# Claims about the same proposition are grouped; each source's stance is shown per group: agrees, adds detail, or
# contradicts. Echoes are marked, because they must not be counted as confirmation.

# %%
from osintkit.claims import corroborate
from osintkit.claims import views

result = corroborate(claims, list(docs.values()))
views.styled_matrix(None, result)

# %% [markdown]
# ## 3 · Contradictions, each with its reason
#
# A contradiction is raised only when the same slot differs: the same counted thing with the same scope, the date of
# the event (not of the announcement), places that do not contain each other, a denial against an affirmation. A
# differing platform is a *discrepancy* on that claim alone, since officials cross-post. A contradiction is a lead,
# not a failure: 11,000 versus 12,000 soldiers may be two agencies' estimates, and the reason says which.

# %%
brief(views.contradictions_frame(result))

# %% [markdown]
# ## 4 · Origins, not outlets
#
# Each claim comes from an origin: its speaker (and the channel, where the text says: a post on X, a briefing), or,
# in a report's own voice, the outlet at the root of its copy chain. Copies, citations and wire reruns are relays:
# they are shown as a chain and counted once. Which text copies which is decided by evidence only (a citation, a
# wire credit, publication times, a trimmed copy inside its original), never by the order of the files.

# %%
brief(views.copy_links_frame(result))

# %%
brief(views.origins_frame(result))

# %% [markdown]
# ## 5 · Suggested grades and their evidence
#
# The kit suggests a credibility grade from the independent origins that support and contradict each claim, naming
# each one; being a party to the conflict is shown as a caveat, never counted against a claim. A source's suggested
# reliability comes from its own record in the case, never from running wire copy. An analyst's grade always wins.

# %%
from osintkit.assess import suggest, suggestions_frame

brief(suggestions_frame(suggest(claims, result, list(docs.values())), result))

# %% [markdown]
# ## 6 · Timeline
#
# Every dated claim on the date it resolves to ("Saturday" is read against the report's publication date), with the
# publisher and the title of the report that carries it.

# %%
brief(views.timeline(claims, docs.values()))
