"""Write the curated notebooks from the cell lists below (run: ``python notebooks/_build.py``).

The committed ``.ipynb`` files are what users open and what tests execute; this script only keeps them consistent
(stable cell ids, no outputs, a ``parameters`` cell for papermill, the python3 kernelspec). Edit here, rebuild, and
commit both.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

Cell = tuple[str, str]  # ("md" | "code" | "params", source)


def md(text: str) -> Cell:
    return ("md", text.strip("\n"))


def code(text: str) -> Cell:
    return ("code", text.strip("\n"))


def params(text: str) -> Cell:
    return ("params", text.strip("\n"))


def build(stem: str, title: str, cells: list[Cell]) -> None:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = title
    for i, (kind, source) in enumerate(cells):
        cid = f"{stem[:2]}-{i:02d}"
        if kind == "md":
            cell = new_markdown_cell(source, id=cid)
        else:
            cell = new_code_cell(source, id=cid)
            if kind == "params":
                cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nbformat.validate(nb)
    nbformat.write(nb, HERE / f"{stem}.ipynb")


# Every notebook opens with a parameters cell (papermill injects overrides after it) and then this setup cell.
SETUP = """
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # model-loading progress bars are noise here

import osintkit
from osintkit import Case

Path(CASE).parent.mkdir(parents=True, exist_ok=True)
print("osintkit", osintkit.__version__, "| case:", CASE)
"""

NB00 = [
    md("""
# 00 · Quickstart: from sources to a report

This notebook takes a folder of sources all the way to a report in a few cells: load, tag entities, resolve places,
extract claims, suggest Admiralty ratings, and export. Everything runs **offline**: the entity model, the gazetteer
and the map data ship with osintkit, so sensitive material never leaves this machine.

The parameters cell below is tagged `parameters`, so you can rerun the notebook on other material with papermill:
`papermill 00-quickstart.ipynb run.ipynb -p SOURCES '["/path/to/folder"]' -p CASE out/mine.sqlite`.
"""),
    params("""
SOURCES = ["../seeds"]  # files or folders, relative to this notebook
CASE = "out/00-quickstart.sqlite"  # the case file: one SQLite file per investigation
OUT = "out/00-quickstart"  # where the report and exports go
"""),
    code(SETUP),
    md("""
## 1 · Run the pipeline

`osintkit.run` ingests every source into the case (hashing the raw bytes first, so provenance is fixed before any
analysis touches the text), then tags, geoparses, extracts claims, corroborates them across sources, suggests
ratings, and writes the findings in every export format. Rerunning on the same case resumes: nothing is duplicated.
"""),
    code("""
result = osintkit.run(SOURCES, out=OUT, case=CASE, quiet=True)
print(result)
"""),
    md("""
## 2 · What the tagger found

Highlights show each entity mention in context. Reading them against the text is the fastest way to spot a tagger
error before it propagates into the entity list, the map and the report.
"""),
    code("""
from osintkit.entities.display import highlight

case = Case(CASE)
doc = case.documents()[0]
highlight(doc, case.mentions(doc.id))
"""),
    md("""
## 3 · Where it happened

Places are resolved against the offline GeoNames gazetteer. The map draws country outlines shipped with osintkit
instead of fetching map tiles: requesting tiles from a third-party server would reveal what you are looking at.
"""),
    code("""
from osintkit.geo import interactive_map

interactive_map(case.places())
"""),
    md("""
## 4 · The report

The Markdown report is one of several exports (HTML, JSON, CSV, GeoJSON, STIX 2.1; see notebook 06).
"""),
    code("""
from IPython.display import Markdown

for fmt, path in sorted(result.outputs.items()):
    print(f"{fmt:8} {path}")
Markdown(Path(result.outputs["md"]).read_text(encoding="utf-8")[:2500])
"""),
    md("""
## 5 · Review and annotate

Automated output is a starting point, not a finding. The panel lets you accept, reject or relabel mentions, pick
the right place when a name is ambiguous, rate the source (A–F) and each claim (1–6) on the Admiralty scale, and
add notes. **Every click is saved to the case and written to its custody log**, so the record shows who decided
what, and when.
"""),
    code("""
from osintkit.widgets import AnnotationPanel

panel = AnnotationPanel(case, doc.id)
panel
"""),
]

NB01 = [
    md("""
# 01 · Sourcing and provenance

An OSINT finding is only as strong as the chain that links it back to what was collected. Before any analysis,
osintkit fixes **what was read** (the SHA-256 of the raw bytes), **where it came from** (path, URL, publisher) and
**when** (retrieval time), and records every later step in a hash-chained custody log. This notebook shows the
loaders, the hashes, the custody log, and what `verify()` reports when someone edits the evidence.
"""),
    params("""
SOURCES = ["../seeds", "data/corroboration"]
CASE = "out/01-provenance.sqlite"
"""),
    code(SETUP),
    md("""
## 1 · Load sources

`osintkit.load` takes files and folders (text, Markdown, HTML, CSV/JSON/JSONL exports, RSS/Atom feeds) and reads
sidecar `*.meta.json` files for publisher, author and date. A file it cannot read is **skipped and reported**,
never silently dropped: an analyst must know what did not make it into the case.
"""),
    code("""
from osintkit import load

docs = load(*SOURCES)
docs
"""),
    code("""
docs.to_frame()[["id", "title", "source", "published", "loader", "sha256"]]
"""),
    md("""
A messy folder, as collections usually are: a binary file and an empty note sit next to a good article.
"""),
    code("""
messy = Path(CASE).parent / "01-messy"
messy.mkdir(parents=True, exist_ok=True)
(messy / "photo.txt").write_bytes(bytes(range(256)) * 4)
(messy / "empty.txt").write_text("")
(messy / "note.md").write_text("# Field note\\n\\nTwo soldiers were moved to Kyiv, according to officials.\\n")
found = load(messy)
found  # one document loaded, two files skipped, each with the reason
"""),
    md("""
## 2 · Hashes

A document's `sha256` is the hash of the exact bytes on disk, and its `id` derives from it, so anyone holding the
same file can check that it is the one analysed.
"""),
    code("""
import hashlib

seed = next(d for d in docs if d.path and d.path.endswith(".txt") and "seeds" in d.path)
print(seed.id, seed.sha256)
print("file on disk matches:", hashlib.sha256(Path(seed.path).read_bytes()).hexdigest() == seed.sha256)
"""),
    md("""
## 3 · The case and its custody log

Ingesting stores each document with its raw bytes. Ingesting the same material twice adds nothing: duplicates are
recognised by hash. Each write appends a custody entry whose hash covers the previous one.
"""),
    code("""
case = Case(CASE)
print(case.add_documents(docs, raw=docs.raw))
print(case.add_documents(docs, raw=docs.raw))  # again: all duplicates
NOTE = "Publisher unknown; date inferred from the text (see the meta sidecar)."
if NOTE not in {n["text"] for n in case.notes(seed.id)}:  # Run All twice must not log the same note twice
    case.add_note(seed.id, NOTE)
case.custody_frame()[["seq", "time", "actor", "action", "object_id", "entry_hash"]].tail(8)
"""),
    code("""
print(case.verify())
"""),
    md("""
## 4 · Tampering is detected

We work on a **copy** of the case (SQLite's backup API gives a consistent one) and change one figure in a stored
article, as someone might to make a report say more than the source did. `verify()` re-hashes every document
and walks the chain, and names the record that no longer matches. The log itself is append-only: SQLite refuses
to edit or delete an entry.
"""),
    code("""
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
"""),
]

NB02 = [
    md("""
# 02 · Entities: tagging, normalisation, correcting the tagger

Who and what a report names (people, organisations, places, groups, dates, figures, ships) is the backbone of link
analysis. osintkit's tagger combines a small shipped model (people, organisations, locations) with rules for dates,
quantities, nationalities and named ships. No tagger is perfect, so this notebook also shows how an analyst corrects
it, and how those corrections are kept and logged.
"""),
    params("""
SOURCES = ["../seeds"]
CASE = "out/02-entities.sqlite"
"""),
    code(SETUP),
    md("""
## 1 · Tag a document

Each mention carries its character offsets into the original text, its label, a score and where it came from
(`model`, `rule` or `gazetteer`). Dates and quantities are normalised: a relative date such as "on Saturday" is
resolved against the publication date.
"""),
    code("""
from osintkit import load
from osintkit.entities import tag
from osintkit.entities.display import highlight, mentions_frame

docs = load(*SOURCES)
doc = docs[0]
mentions = tag(doc)
highlight(doc, mentions)
"""),
    code("""
mentions_frame(mentions).head(20)
"""),
    md("""
## 2 · From mentions to entities

"Zelenskyy", "Volodymyr Zelenskyy" and "the Ukrainian President" may name one person. Normalisation links
mentions to canonical entities across every document in the case, so counts and networks are about people and
organisations, not spellings.
"""),
    code("""
from osintkit.pipeline import ingest, analyse_case
from osintkit.entities.normalise import entities_frame, normalise_case

case = Case(CASE)
print(ingest(case, SOURCES, quiet=True))
analyse_case(case, quiet=True)
normalise_case(case)
entities_frame(case)
"""),
    md("""
## 3 · Correcting the tagger

Corrections are stored in the case (never by editing the model's output in place) and logged. Here we do it in
code; the panel below does the same with clicks. A rejected mention disappears from the entity list and the
exports, but stays in the case, marked, so the decision can be reviewed.
"""),
    code("""
stored = case.mentions(doc.id)
first = stored[0]
case.set_mention_status(doc.id, first.start, first.end, "accepted")
print("accepted:", first.text, first.label)
case.custody_frame()[["seq", "action", "object_id"]].tail(3)
"""),
    code("""
from osintkit.widgets import AnnotationPanel

panel = AnnotationPanel(case, doc.id)
# What a click does, scripted: reject the last mention in the list.
panel.entity_select.value = panel.entity_select.options[-1][1]
panel.reject_button.click()
print(panel.status.value)
panel
"""),
    md("""
Merging and splitting entities work the same way (`osintkit.entities.normalise.merge_entities`, `split_entity`,
`relabel_entity`): the edit is kept as a rule that later normalisation runs re-apply.
"""),
    code("""
print(case.verify())
case.custody_frame()["action"].value_counts()
"""),
]

NB03 = [
    md("""
# 03 · Places: geocoding, disambiguation, distances, the offline map

"Kursk" is a city and an oblast; "Kyiv" has several spellings; many place names exist in more than one country.
Geolocation errors travel far in OSINT reporting, so osintkit keeps the runner-up candidates beside each
resolution and lets the analyst choose. Everything here uses the offline GeoNames gazetteer: no geocoding
request leaves the machine.
"""),
    params("""
SOURCES = ["../seeds"]
CASE = "out/03-places.sqlite"
"""),
    code(SETUP),
    md("""
## 1 · A geopy-compatible offline geocoder

`OfflineGeocoder` speaks geopy's interface, so code written for Nominatim works unchanged, without the network.
"""),
    code("""
from osintkit.geo import OfflineGeocoder

geocoder = OfflineGeocoder()
kyiv = geocoder.geocode("Kyiv")
print(kyiv, kyiv.latitude, kyiv.longitude)
for loc in geocoder.geocode("Kursk", exactly_one=False)[:5]:
    print(" candidate:", loc.address, round(loc.latitude, 2), round(loc.longitude, 2))
"""),
    md("""
## 2 · Geoparse a document

Toponyms in context are resolved together: the other places in the text vote for the region, which is how
"Kursk" next to "Ukraine" and "Russia" resolves to the Russian city rather than a namesake elsewhere.
"""),
    code("""
from osintkit.geo import geoparse, places_frame
from osintkit import load
from osintkit.pipeline import ingest

case = Case(CASE)
ingest(case, SOURCES, quiet=True)
doc = case.documents()[0]
places = geoparse(doc)
case.replace_places(doc.id, places)
places_frame(places)
"""),
    md("""
## 3 · Sources in Ukrainian or Russian

Much of this war is first reported in Ukrainian and Russian, where a place name changes with its case: "у
Харкові" (in Kharkiv), "під Суджею" (near Sudzha), "в Курській області". The gazetteer turns each form back into
the name it comes from. The entity model reads English only, so the tagger warns that people and organisations in
such a post will be missed instead of staying silent.
"""),
    code("""
import warnings

post = "У Харкові та Сумах лунали вибухи. Бої тривають під Суджею в Курській області, повідомили з Києва."
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ukrainian_places = geoparse(post)
for message in {str(w.message) for w in caught}:
    print(message[:110] + "…")
places_frame(ukrainian_places)[["text", "name", "country_code", "lat", "lon"]]
"""),
    md("""
## 4 · Disambiguation: the analyst decides

When the gazetteer's choice is wrong, override it. The override is stored in the case, kept across pipeline
re-runs and logged in custody. The annotation panel offers the same choice from a dropdown of candidates.
"""),
    code("""
from osintkit.geo import override_place

target = next((p for p in places if p.alternatives), places[0])
print("was:", target.text, "->", target.name, target.country_code)
choice = target.alternatives[0].get("geonameid") if target.alternatives else target.geonameid
fixed = override_place(case, doc.id, target.start, target.end, int(choice) if choice else target.name)
print("now:", fixed.text, "->", fixed.name, fixed.country_code, "(overridden)")
case.custody_frame()[["seq", "action", "object_id"]].tail(2)
"""),
    md("""
## 5 · Distances

How far apart two reported locations are is often the first plausibility check ("taken to Kyiv" from the Kursk
front is a journey of several hundred kilometres).
"""),
    code("""
from osintkit.geo import distance_km, distance_matrix

resolved = case.places(doc.id)
unique = list({p.name: p for p in resolved}.values())
print(f"Kyiv to Kursk: {distance_km(geocoder.geocode('Kyiv'), geocoder.geocode('Kursk')):.0f} km")
distance_matrix(unique).round(0)
"""),
    md("""
## 6 · The offline map

The interactive map (ipyleaflet) draws shipped country outlines instead of remote tiles; the static map (for
reports) is an SVG or PNG drawn with matplotlib.
"""),
    code("""
from osintkit.geo import interactive_map

interactive_map(resolved)
"""),
    code("""
from IPython.display import SVG
from osintkit.geo import static_map

SVG(data=static_map(resolved, fmt="svg"))
"""),
]

NB04 = [
    md("""
# 04 · Claims and corroboration

Reports are chains of claims: *who* says *what*, on whose authority. Corroboration means **independent** sources
agreeing. A copied article, a wire reprint or a story that cites another outlet repeats a claim; it does not
confirm it. This notebook uses an invented corpus of six reports of one event (see `data/corroboration/README.md`)
built to show agreement, added detail, a contradiction, a platform discrepancy, and two echoes.
"""),
    params("""
SOURCES = ["data/corroboration"]
CASE = "out/04-claims.sqlite"
"""),
    code(SETUP),
    md("""
## 1 · Attribution

Each claim records its claimant, the cue ("said", "according to"), whether it is direct or reported, hedges
("estimated", "reportedly"), the platform it was made on, and the quantities, places and dates it contains.
"""),
    code("""
import pandas as pd
from osintkit.pipeline import analyse_case, ingest

case = Case(CASE)
print(ingest(case, SOURCES, quiet=True))
analyse_case(case, quiet=True)
docs = {d.id: d for d in case.documents()}
claims = case.claims()
pd.DataFrame(
    [
        {
            "source": docs[c.doc_id].source,
            "claimant": c.claimant,
            "cue": c.cue,
            "hedged": c.hedged,
            "platform": c.platform,
            "content": c.content[:90],
        }
        for c in claims
    ]
)
"""),
    md("""
## 2 · The corroboration matrix

Claims about the same proposition are grouped; each source's stance is shown per group: agrees, adds detail, or
contradicts. Echoes are marked, because they must not be counted as confirmation.
"""),
    code("""
from osintkit.claims import corroborate
from osintkit.claims import views

result = corroborate(claims, list(docs.values()))
views.styled_matrix(None, result)
"""),
    md("""
## 3 · Contradictions, each with its reason

A contradiction is raised only when the same slot differs: the same counted thing with the same scope, the date of
the event (not of the announcement), places that do not contain each other, a denial against an affirmation. A
differing platform is a *discrepancy* on that claim alone, since officials cross-post. A contradiction is a lead,
not a failure: 11,000 versus 12,000 soldiers may be two agencies' estimates, and the reason says which.
"""),
    code("""
views.contradictions_frame(result)
"""),
    md("""
## 4 · Origins, not outlets

Each claim comes from an origin: its speaker (and the channel, where the text says: a post on X, a briefing), or,
in a report's own voice, the outlet at the root of its copy chain. Copies, citations and wire reruns are relays:
they are shown as a chain and counted once. Which text copies which is decided by evidence only (a citation, a
wire credit, publication times, a trimmed copy inside its original), never by the order of the files.
"""),
    code("""
views.copy_links_frame(result)
"""),
    code("""
views.origins_frame(result)
"""),
    md("""
## 5 · Suggested grades and their evidence

The kit suggests a credibility grade from the independent origins that support and contradict each claim, naming
each one; being a party to the conflict is shown as a caveat, never counted against a claim. A source's suggested
reliability comes from its own record in the case, never from running wire copy. An analyst's grade always wins.
"""),
    code("""
from osintkit.assess import suggest, suggestions_frame

suggestions_frame(suggest(claims, result, list(docs.values())), result)
"""),
    code("""
views.timeline(claims)
"""),
]

NB05 = [
    md("""
# 05 · Source-evaluation exercise (for trainers)

The Admiralty (NATO) system grades **the source** for reliability (A, completely reliable, to E, unreliable; F when
it cannot be judged) and **the information** for credibility (1, confirmed by other independent sources, to 5,
improbable; 6 when it cannot be judged). The two are independent: a reliable outlet can carry a doubtful claim.

Learners rate sources and claims of an invented six-report corpus **blind**, save their answers, and reveal the
reference grade, its reasoning and the evidence the kit found one item at a time, only once they have answered.
Running every cell reveals nothing.

## Trainer's guide

1. **Before the session.** The exercise is described in `data/exercise-05.yaml`: which sources and claims to rate,
   the reference grade and the reasoning for each. Edit it for your class (items name a source, or text in a claim)
   or keep it. Run the notebook once: it writes the exercise file learners open (`EXERCISE`, the key only as salted
   hashes) and your key (`TRAINER_KEY`). Keep the key to yourself; the exercise file and this notebook are what you
   hand out.
2. **During the session.** Each learner sets `LEARNER` to a name or alias in the parameters cell and runs all
   cells. Answers are saved to `ANSWERS/<alias>.json` at each **Save answer**; **Reveal** works on an answered
   item only, and an answer cannot be changed once revealed (**Reset my answers** starts over, and the answer
   file counts resets).
3. **After the session.** Collect the answer files into one `ANSWERS` folder, set `SHOW_SUMMARY = True` and run
   all: the class summary shows each item's answers, agreement with the key, the most common mistakes, and where
   osintkit's own suggestion differs from your key, as a discussion point.
"""),
    params("""
SOURCES = ["data/corroboration"]
CASE = "out/05-exercise.sqlite"
SPEC = "data/exercise-05.yaml"  # the trainer's items, reference grades and reasoning
EXERCISE = "out/05-exercise/exercise.json"  # what learners open: no answers in it
TRAINER_KEY = "out/05-exercise/trainer/key.json"  # the key: keep it to yourself
ANSWERS = "out/05-exercise/answers"  # one file per learner; collect this folder
LEARNER = "learner-1"  # each learner's name or alias
SHOW_SUMMARY = False  # trainer, after the session: True shows the class summary (and with it the key)
"""),
    code(SETUP),
    md("""
## The material

Each report's publisher, author and date come from the collection, exactly as a learner would see them. The
pipeline also extracts the claims and works out who copies whom, which is the evidence a reveal shows.
"""),
    code("""
from osintkit.pipeline import analyse_case, ingest

case = Case(CASE)
ingest(case, SOURCES, quiet=True)
analyse_case(case, quiet=True)
case.to_frame()[["source", "author", "published", "title"]]
"""),
    md("""
## Preparing the exercise (trainer, once)

The exercise is built from the case and the trainer's file: for each item the kit records the evidence trail it
has (origin chain, independent origins, copies, contradictions and their reasons) and its own suggested grade. It
is written only when `EXERCISE` does not exist yet, so a learner's Run All never rebuilds it.
"""),
    code("""
from osintkit.exercise import Exercise, exercise_from_file

if not Path(EXERCISE).exists():
    built, key = exercise_from_file(SPEC, case)
    built.save(EXERCISE)
    key.save(TRAINER_KEY)
    print(f"wrote {EXERCISE} (hand it out) and {TRAINER_KEY} (keep it)")
exercise = Exercise.open(EXERCISE)
exercise
"""),
    md("""
## Rate blind (learners)

Choose a grade, **Save answer**, then **Reveal** to see the reference grade, its reasoning, and the evidence: the
origin chain ("Zelenskyy (post on X) ← The Kyiv Ledger"), the independent origins in agreement, copies, and the
contradictions with their reasons. The same steps in code: `session.answer("kyiv_ledger", "B")`, then
`session.reveal("kyiv_ledger")`.
"""),
    code("""
from osintkit.exercise import ExerciseForm

session = exercise.session(LEARNER, ANSWERS)
ExerciseForm(session)
"""),
    md("""
## Class summary (trainer, after the session)

Reads every answer file in `ANSWERS`, checks the key against the exercise (a key edited since the exercise was
handed out is refused), and shows per item the answers, agreement with the key and the most common mistake.
"""),
    code("""
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
"""),
    md("""
## The rule behind grade 1

osintkit enforces the scale's hardest rule: credibility 1 needs at least one **independent** source that
corroborates the claim, and echoes do not count. Try it on the single-source figure of 12,000 soldiers:
"""),
    code("""
from osintkit import AssessmentError
from osintkit.assess import rate_claim

figure = next((c for c in case.claims() if "12,000" in c.content), None)
if figure is not None:
    try:
        rate_claim(case, figure.id, 1, rationale="a learner's answer")
        print("accepted: an independent source corroborates", repr(figure.content))
    except AssessmentError as exc:
        print("refused:", exc)
"""),
]

NB06 = [
    md("""
# 06 · Export: the annotated findings in every format

Findings leave the kit as files others must be able to check: an editor, a court, a threat-intelligence platform.
Each export carries the analyst's annotations (corrections, place choices, Admiralty ratings, notes) and the
provenance hashes that tie every statement back to the bytes collected.
"""),
    params("""
SOURCES = ["../seeds"]
CASE = "out/06-export.sqlite"
OUT = "out/06-export"
USE_DASK = False  # True: analyse on a local Dask cluster (see the last section)
"""),
    code(SETUP),
    md("""
## 1 · Build a case and annotate it

The pipeline does the analysis; the analyst adds a source rating and a note, both of which must appear in every
export.
"""),
    code("""
from osintkit.assess import rate_source

result = osintkit.run(SOURCES, case=CASE, quiet=True)
case = Case(CASE)
doc = case.documents()[0]
# A repeated rating is not stored again, and the note is added once, so Run All twice leaves the same case.
rate_source(case, doc.source or doc.id, "C", rationale="Unknown publisher, but consistent with official statements.")
NOTE = "Cross-check the 11,000 figure against South Korean NIS briefings."
if NOTE not in {n["text"] for n in case.notes(doc.id)}:
    case.add_note(doc.id, NOTE)
print(result)
"""),
    md("""
## 2 · Write every format

`write_all` writes JSON (with a documented schema), Markdown and self-contained HTML reports (static map embedded,
all content escaped), CSV tables (safe against spreadsheet formula injection), GeoJSON and a STIX 2.1 bundle.
"""),
    code("""
from osintkit.export import write_all
from osintkit.findings import Findings

findings = Findings.from_case(case)
outputs = write_all(findings, OUT)
for fmt, path in outputs.items():
    size = sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) if Path(path).is_dir() else Path(path).stat().st_size
    print(f"{fmt:8} {path}  ({size:,} bytes)")
"""),
    md("""
## 3 · Check what others will receive

A STIX consumer will parse the bundle; GIS tools will read the GeoJSON; the JSON follows its published schema.
"""),
    code("""
import json

import stix2

bundle = stix2.parse(Path(outputs["stix"]).read_text(encoding="utf-8"), allow_custom=True)
print("STIX objects:", sorted({o.type for o in bundle.objects}))
geo = json.loads(Path(outputs["geojson"]).read_text(encoding="utf-8"))
print("GeoJSON features:", len(geo["features"]), "| first:", geo["features"][0]["properties"].get("name") if geo["features"] else None)
data = json.loads(Path(outputs["json"]).read_text(encoding="utf-8"))
print("findings.json sections:", sorted(data))
"""),
    code("""
from IPython.display import Markdown

Markdown(Path(outputs["md"]).read_text(encoding="utf-8")[:3000])
"""),
    md("""
## 4 · Scaling out with Dask

On one machine, `workers="auto"` (the command line's default) runs the analysis in one process per core while
this one stores the results. For thousands of documents, the per-document analysis (tagging, geoparsing, claims) can run on a Dask
cluster:
pass `client=` to `osintkit.run` (or `--scheduler tcp://host:8786` on the command line). Workers return plain
records and the driver stays the case's only writer, so the custody log remains one linear chain and results are
identical to a local run. The cell below is skipped unless `USE_DASK = True`: starting a cluster takes longer than
analysing the seed article.
"""),
    code("""
if USE_DASK:
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, Client(cluster) as client:
        dask_result = osintkit.run(SOURCES, out=OUT + "-dask", case=CASE.replace(".sqlite", "-dask.sqlite"),
                                   client=client, quiet=True)
    print(dask_result)
else:
    print("Dask section skipped (USE_DASK = False)")
"""),
]

NB07 = [
    md("""
# 07 · Sources as researchers collect them: a Telegram export, an archived page, photos

Material about an event rarely arrives as clean articles. It comes as a channel exported with Telegram Desktop, a
page saved by an archiving crawler (a WARC file), and the photos that posts carry, some of them copies of others.
This notebook works through such a folder: it loads every file with its provenance, shows the Telegram forward
that corroboration turns into a copy link, checks the archived page's capture and digest, reads the photos' EXIF
and what it gives away, and ends with the image-reuse table and a map of where the photos were taken.

The folder is written by `osintkit.demo.write_sources_demo`, offline and the same on every run: an **invented**
event (a grain barge aground on the Danube near Vylkove) with an invented channel, outlets, people and figures,
and pictures drawn by the kit itself. Point `SOURCES` at your own folder and set `WRITE_DEMO = False` to read yours.
"""),
    params("""
SOURCES = ["out/07-sources/demo"]  # files or folders; the demo is written into the first
WRITE_DEMO = True  # False: read SOURCES as they are
CASE = "out/07-sources.sqlite"
"""),
    code(SETUP),
    md("""
## 1 · The folder

A Telegram Desktop export (`result.json` and the photo one post carries, in `photos/`), an archived news page in
`archive/`, and in `photos/` the copies two other publishers ran and one unrelated picture. Each photo's
`.meta.json` sidecar records who published it and when, as a researcher notes it while collecting.
"""),
    code("""
from osintkit.demo import write_sources_demo

if WRITE_DEMO:
    write_sources_demo(SOURCES[0])
root = Path(SOURCES[0])
for path in sorted(p for p in root.rglob("*") if p.is_file()):
    print(f"{path.stat().st_size:>8,}  {path.relative_to(root)}")
"""),
    md("""
## 2 · Load: one document per message, page and photo

Each format has its loader: every Telegram message is a document with the channel as publisher, the archived page
a document with the archive's capture time as `retrieved`, every photo a document whose text is its caption (none
here). Every document keeps the SHA-256 of the bytes it was read from. Nothing here is skipped; a file that could
not be read would be listed in `docs.skipped` with its reason.
"""),
    code("""
from osintkit import load

from collections import Counter

docs = load(*SOURCES)
print(len(docs), "documents", dict(Counter(d.loader for d in docs)), "|", len(docs.skipped), "skipped")
names = {d.id: d.title or Path(d.path or d.id).name for d in docs}  # a readable label for every id below
frame = docs.to_frame()
frame["name"] = frame["id"].map(names)
frame["sha256"] = frame["sha256"].str[:12] + "…"
frame[["name", "loader", "source", "published", "retrieved", "sha256"]]
"""),
    md("""
## 3 · Telegram: a forward is a copy link with a known direction

A forwarded message says in the export itself which channel it repeats, and when that channel posted it.
Corroboration takes that as certain evidence: the forward is an echo of its original, never a second source. The
original channel is not in this case, so the link points to `external:` and its name. One `osintkit.run` stores
the documents in the case, tags, geoparses, extracts claims and corroborates.
"""),
    code("""
import pandas as pd

result = osintkit.run(SOURCES, case=CASE)
print(result)
forwards = [d for d in docs if d.meta.get("forwarded_from")]
for d in forwards:
    print(names[d.id], "forwarded from", d.meta["forwarded_from"])
links = result.corroboration.links
pd.DataFrame(
    [(names.get(lk.original, lk.original), names.get(lk.copy, lk.copy), lk.relation, lk.direction, lk.evidence,
      lk.details) for lk in links if lk.relation == "forwarded"],
    columns=["original", "copy", "relation", "direction", "evidence", "details"],
)
"""),
    md("""
## 4 · The archived page: when it was captured, and whether it is what was captured

`retrieved` is the archive's `WARC-Date`, the capture, not today's load. The loader checked the record's
`WARC-Payload-Digest` against the body and says "verified" (a changed or damaged record is kept but flagged
"failed"); the archive file's own hash is kept as the evidentiary copy, and the page's image is listed as an
attachment with its hash. The check is repeated below from the bytes stored in the case, without the loader.
"""),
    code("""
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
"""),
    md("""
## 5 · Photos: what the EXIF says, and what its absence says

Capture time, camera and GPS position come from EXIF. The flags say when metadata is missing (platforms strip it
on upload) or looks edited (an image editor's name in `Software`). The Danube Herald's copy has lost its EXIF;
River Watch's copy went through an editor.
"""),
    code("""
from osintkit.images import image_info

rows = []
for d in docs:
    info = image_info(d)
    if info is None:
        continue
    gps, exif = info.get("gps") or {}, info.get("exif") or {}
    rows.append((names[d.id], d.source, info["width"], info["height"], info.get("captured"), exif.get("software"),
                 gps.get("lat"), gps.get("lon"), info["exif_status"], "; ".join(info["flags"])))
pd.DataFrame(rows, columns=["photo", "source", "width", "height", "captured", "software", "lat", "lon",
                            "exif", "flags"])
"""),
    md("""
## 6 · Image reuse: one picture, one origin

Perceptual hashes (pHash) match a picture through resizing and re-encoding; identical files or pixels match
exactly. Within each group the earliest known appearance is the first (publication time, else EXIF capture time):
here the channel's post. Corroboration counts the group as one origin, so two outlets running the channel's photo
are not two witnesses. `why` gives the evidence, including where the copies' metadata disagree.
"""),
    code("""
from osintkit.images import match_images, reuse_frame

reuse = reuse_frame(match_images(docs), docs)
reuse["first"] = reuse["first"].map(names)
reuse["reuse"] = reuse["reuse"].map(names)
reuse
"""),
    md("""
## 7 · Where the photos were taken

`photo_places` turns each EXIF GPS position into a "photo" place, with a confidence from the accuracy the camera
recorded; the pipeline stores the same places in the case, so the reports and the GeoJSON export draw them too.
The static map draws the shipped country outlines and loads no tiles.
"""),
    code("""
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
"""),
    md("""
Next: notebook 04 reads corroboration in depth (origins, contradictions, echo chains), and 06 exports a case,
with its photo places, as GeoJSON, reports and STIX.
"""),
]

NOTEBOOKS = {
    "00-quickstart": ("Quickstart", NB00),
    "01-sourcing-and-provenance": ("Sourcing and provenance", NB01),
    "02-entities": ("Entities", NB02),
    "03-places": ("Places", NB03),
    "04-claims-and-corroboration": ("Claims and corroboration", NB04),
    "05-source-evaluation-exercise": ("Source-evaluation exercise", NB05),
    "06-export": ("Export", NB06),
    "07-sources": ("Sources: Telegram, web archives, photos", NB07),
}

if __name__ == "__main__":
    for stem, (title, cells) in NOTEBOOKS.items():
        build(stem, title, cells)
        print("wrote", stem + ".ipynb")
