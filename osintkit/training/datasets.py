"""Readers for the NER training/evaluation sets, their mapping onto one label scheme, splits and the scorer.

Every set is mapped to IOB2 over PER/ORG/LOC (``LABELS``). Types a set labels that the model must not learn are
turned into ``O``: nationalities and demonyms are rule-tagged (NORP) elsewhere in osintkit, and MISC, products,
dates and events are out of scope. The data is read from a path (``OSINTKIT_DATA`` or ``../shared/data``) and never
copied into the package.

Held-out splits are deterministic: documents (or, where a set has no document boundaries, fixed blocks of
consecutive sentences, so one story's sentences stay together) are shuffled with a fixed seed and cut 70/10/20
(wikigold, re3d) or by the proportions in :data:`SPLITS`. WikiANN and WNUT-17 keep their official dev/test files.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from osintkit.entities.spans import bio_spans, word_spans
from osintkit.errors import InputError, MalformedInputError

__all__ = [
    "CORPORA",
    "ENTITY_TYPES",
    "LABELS",
    "MISC_COMPLETE",
    "MISC_LABELS",
    "Sentence",
    "bio_spans",
    "bootstrap_f1",
    "data_root",
    "format_scores",
    "load_corpus",
    "resampling_unit",
    "score_sets",
    "score_spans",
    "word_spans",
]

ENTITY_TYPES = ("PER", "ORG", "LOC")
LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
# Training may also learn MISC, names that are none of the three (events, awards, products, works, demonyms), so
# "Stanley Cup" has a class of its own instead of being a capitalised O; the tagger drops MISC at output.
MISC_LABELS = (*LABELS, "B-MISC", "I-MISC")
# Sets whose O really means "no name at all": they mark MISC-like names (wikigold's MISC; GMB's art, eve, nat and
# demonyms). In the others an O word may be an unmarked MISC name, so training treats it as "O or MISC".
MISC_COMPLETE = frozenset(("wikigold", "gmb"))
CORPORA = ("wikiann", "wikigold", "wnut17", "re3d", "gmb", "gum", "btc")
SPLIT_SEED = 13
# (train, dev, test) fractions for sets without official splits.
SPLITS: dict[str, tuple[float, float, float]] = {
    "wikigold": (0.7, 0.1, 0.2),
    "re3d": (0.7, 0.1, 0.2),
    "gmb": (0.85, 0.05, 0.10),
    "gum": (0.75, 0.10, 0.15),
    "btc": (0.85, 0.05, 0.10),
}
# Sets without document boundaries are split in blocks of this many consecutive sentences.
BLOCK = 25


@dataclass
class Sentence:
    tokens: list[str]
    tags: list[str]
    source: str
    doc: str
    # Sets cut from running text (re3d) keep it, so evaluation can tag the text as written ("Joseph L. Votel",
    # "3rd Battalion") rather than the tokens joined with spaces; ``offsets`` are each token's span in ``text``.
    text: str | None = None
    offsets: list[tuple[int, int]] | None = None
    # A window of consecutive sentences packed together (see ``pack_sentences``): the word index each one starts at.
    # None for a single sentence.
    starts: list[int] | None = None


# Sets whose consecutive sentences are running text (an article, a report, a block of one), so a sentence's
# neighbours are its context. BTC's blocks are unrelated tweets; WikiANN and WNUT-17 sentences stand alone.
RUNNING_TEXT = frozenset({"wikigold", "re3d", "gmb", "gum"})


def pack_sentences(sents: Sequence[Sentence], words: int) -> list[Sentence]:
    """Consecutive sentences of one document (or block) packed into windows of up to ``words`` words.

    Why: a name's type is often settled by another sentence of the same article ("Caloi is a Brazilian bicycle
    maker" before "Caloi won"), and a window of one sentence cannot see it. A sentence longer than ``words`` stays
    alone. Only sets of running text are packed; ``words <= 0`` packs nothing.
    """
    if words <= 0:
        return list(sents)
    out: list[Sentence] = []
    group: list[Sentence] = []

    def flush() -> None:
        if len(group) == 1:
            out.append(group[0])
        elif group:
            starts, n = [], 0
            for g in group:
                starts.append(n)
                n += len(g.tokens)
            out.append(
                Sentence(
                    [t for g in group for t in g.tokens],
                    [t for g in group for t in g.tags],
                    group[0].source,
                    group[0].doc,
                    starts=starts,
                )
            )
        group.clear()

    for s in sents:
        fits = group and resampling_unit(group[0]) == resampling_unit(s)
        if not (fits and s.source in RUNNING_TEXT and sum(len(g.tokens) for g in group) + len(s.tokens) <= words):
            flush()
        group.append(s)
    flush()
    return out


def data_root(path: str | os.PathLike[str] | None = None) -> Path:
    """The shared data folder: the argument, else ``$OSINTKIT_DATA``, else ``../shared/data`` beside the repo."""
    if path is not None:
        return Path(path)
    env = os.environ.get("OSINTKIT_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def _ner_dir(root: Path) -> Path:
    return root / "ner" if (root / "ner").is_dir() else root


# --- IOB helpers and scorer ------------------------------------------------------------------------------------


def to_iob2(tags: Sequence[str]) -> list[str]:
    """Convert IOB1 (I- may start an entity) to IOB2 (every entity starts with B-)."""
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-"):
            typ = tag[2:]
            if prev == "O" or prev[2:] != typ:
                tag = "B-" + typ
        out.append(tag)
        prev = tag
    return out


def spans_to_tags(n: int, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n
    for s, e, t in spans:
        if any(tags[i] != "O" for i in range(s, e)):
            continue  # overlap: the first (longest, see callers) wins
        tags[s] = "B-" + t
        for i in range(s + 1, e):
            tags[i] = "I-" + t
    return tags


def score_spans(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], types: Sequence[str] = ENTITY_TYPES
) -> dict[str, dict[str, float]]:
    """Entity-level precision/recall/F1 per type and micro-averaged ("micro"), exact span and type match."""
    g_all: set[tuple[int, int, int, str]] = set()
    p_all: set[tuple[int, int, int, str]] = set()
    for i, (g_tags, p_tags) in enumerate(zip(gold, pred, strict=True)):
        g_all.update((i, s, e, t) for s, e, t in bio_spans(g_tags))
        p_all.update((i, s, e, t) for s, e, t in bio_spans(p_tags))
    return score_sets(g_all, p_all, types)


def score_sets(
    gold: set[tuple[int, int, int, str]], pred: set[tuple[int, int, int, str]], types: Sequence[str] = ENTITY_TYPES
) -> dict[str, dict[str, float]]:
    """Like :func:`score_spans` for spans already collected as (sentence, start, end, type)."""
    tp = dict.fromkeys(types, 0)
    n_gold = dict.fromkeys(types, 0)
    n_pred = dict.fromkeys(types, 0)
    for x in gold:
        if x[3] in tp:
            n_gold[x[3]] += 1
    for x in pred:
        if x[3] in tp:
            n_pred[x[3]] += 1
    for x in gold & pred:
        if x[3] in tp:
            tp[x[3]] += 1

    def prf(t: int, ng: int, np_: int) -> dict[str, float]:
        p = t / np_ if np_ else 0.0
        r = t / ng if ng else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "support": float(ng)}

    out = {t: prf(tp[t], n_gold[t], n_pred[t]) for t in types}
    out["micro"] = prf(sum(tp.values()), sum(n_gold.values()), sum(n_pred.values()))
    return out


Span = tuple[int, int, int, str]


def resampling_unit(sentence: Sentence) -> str:
    """The document a sentence counts under when a score is bootstrapped: its article or report, or, for the sets
    split in blocks (GMB, GUM, BTC), its block of ``BLOCK`` consecutive sentences, the unit the split keeps whole.
    WikiANN and WNUT-17 sentences stand alone."""
    if sentence.source in ("gmb", "gum", "btc"):
        stem, _, index = sentence.doc.rpartition("-")
        if index.isdigit():
            return f"{stem}-block-{int(index) // BLOCK}"
    return sentence.doc


def _doc_counts(
    gold: set[Span], preds: Sequence[set[Span]], doc_of: Mapping[int, str], types: Sequence[str]
) -> list[tuple[int, ...]]:
    """Per document: gold count, then (true positives, predicted) for each prediction set."""
    counts = {doc: [0] * (1 + 2 * len(preds)) for doc in doc_of.values()}
    columns: list[tuple[set[Span], int]] = [(gold, 0)]
    for k, pred in enumerate(preds):
        columns += [(gold & pred, 1 + 2 * k), (pred, 2 + 2 * k)]
    for spans, column in columns:
        for x in spans:
            if x[3] in types:
                if x[0] not in doc_of:
                    raise InputError(f"sentence {x[0]} has spans but no document", field="doc_of")
                counts[doc_of[x[0]]][column] += 1
    if not counts:
        raise InputError("no documents to resample", field="doc_of")
    return [tuple(c) for c in counts.values()]


def _resampled_f1s(per_doc: list[tuple[int, ...]], n_preds: int, rounds: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    out = []
    for _ in range(rounds):
        sums = [sum(column) for column in zip(*rng.choices(per_doc, k=len(per_doc)), strict=True)]
        ng = sums[0]
        out.append([2 * sums[1 + 2 * k] / (ng + sums[2 + 2 * k]) if ng + sums[2 + 2 * k] else 0.0
                    for k in range(n_preds)])  # fmt: skip
    return out


def _percentiles(values: list[float], level: float) -> tuple[float, float]:
    values = sorted(values)
    tail = (1 - level) / 2
    return values[int(tail * (len(values) - 1))], values[round((1 - tail) * (len(values) - 1))]


def bootstrap_f1(
    gold: set[Span],
    pred: set[Span],
    doc_of: Mapping[int, str],
    *,
    versus: set[Span] | None = None,
    rounds: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    types: Sequence[str] = ENTITY_TYPES,
) -> tuple[float, float]:
    """Percentile interval of micro-F1 when whole documents are resampled with replacement.

    ``doc_of`` maps every sentence key of the spans (and of sentences without any) to its document. Documents, not
    sentences, are the unit because names and their errors repeat within an article: resampling sentences would
    treat one article's twenty misses of the same name as twenty independent draws and understate the spread.

    With ``versus`` (another model's predictions), the interval of F1(pred) - F1(versus), both scored on the same
    resampled documents: a paired bootstrap. Two models err on many of the same hard documents, so their difference
    varies far less than either score, and comparing two separate intervals would call real differences noise.
    """
    if not 0 < level < 1:
        raise InputError(f"level must lie between 0 and 1, not {level}", field="level")
    if versus is None:
        per_doc = _doc_counts(gold, [pred], doc_of, types)
        return _percentiles([f[0] for f in _resampled_f1s(per_doc, 1, rounds, seed)], level)
    per_doc = _doc_counts(gold, [versus, pred], doc_of, types)
    return _percentiles([b - a for a, b in _resampled_f1s(per_doc, 2, rounds, seed)], level)


def format_scores(scores: dict[str, dict[str, float]]) -> str:
    rows = [f"{'type':6} {'P':>6} {'R':>6} {'F1':>6} {'n':>6}"]
    for t, m in scores.items():
        rows.append(f"{t:6} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {int(m['support']):6d}")
    return "\n".join(rows)


# --- readers ---------------------------------------------------------------------------------------------------


def _read_columns(path: Path, sep: str | None, doc_marker: str | None = None) -> Iterator[tuple[list[list[str]], int]]:
    """Yield (rows of a sentence, document number) from a blank-line-separated column file."""
    if not path.is_file():
        raise InputError("file not found", path=str(path))
    rows: list[list[str]] = []
    doc = 0
    with open(path, encoding="utf-8-sig") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip():
                if rows:
                    yield rows, doc
                    rows = []
                continue
            parts = line.split(sep) if sep else line.rsplit(None, 1)
            if len(parts) < 2:
                raise MalformedInputError("expected a token and a tag", path=str(path), line=lineno)
            if doc_marker and parts[0] == doc_marker:
                if rows:
                    yield rows, doc
                    rows = []
                doc += 1
                continue
            rows.append([parts[0], parts[-1].strip()])
    if rows:
        yield rows, doc


def _map_tags(tags: Sequence[str], mapping: dict[str, str | None]) -> list[str]:
    out = []
    for tag in tags:
        if tag == "O":
            out.append("O")
            continue
        prefix, _, typ = tag.partition("-")
        new = mapping.get(typ)
        out.append(f"{prefix}-{new}" if new else "O")
    return out


def _clean_iob2(tags: Sequence[str]) -> list[str]:
    """Re-derive tags from spans so dropped types never leave dangling I- tags."""
    return spans_to_tags(len(tags), bio_spans(tags))


def read_wikiann(root: Path, split: str) -> list[Sentence]:
    name = {"train": "train", "dev": "dev", "test": "test"}[split]
    out = []
    for i, (rows, _) in enumerate(_read_columns(_ner_dir(root) / "wikiann-en" / name, "\t")):
        toks = [t[3:] if t.startswith("en:") else t for t, _ in rows]
        out.append(Sentence(toks, _clean_iob2([g for _, g in rows]), "wikiann", f"wikiann-{split}-{i}"))
    return out


def read_wnut17(root: Path, split: str, misc: bool = False) -> list[Sentence]:
    # group → ORG: WNUT groups are bands, teams and companies' collectives, which CoNLL-style schemes call ORG.
    mapping: dict[str, str | None] = {
        "person": "PER",
        "location": "LOC",
        "corporation": "ORG",
        "group": "ORG",
        "product": "MISC" if misc else None,
        "creative-work": "MISC" if misc else None,
    }
    out = []
    for i, (rows, _) in enumerate(_read_columns(_ner_dir(root) / "wnut17" / f"{split}.conll", "\t")):
        tags = _clean_iob2(_map_tags([g for _, g in rows], mapping))
        out.append(Sentence([t for t, _ in rows], tags, "wnut17", f"wnut17-{split}-{i}"))
    return out


@functools.lru_cache(maxsize=8)
def _read_wikigold(root: Path, misc: bool = False) -> list[Sentence]:
    out = []
    mapping: dict[str, str | None] = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC" if misc else None}
    path = _ner_dir(root) / "wikigold" / "wikigold.conll.txt"
    for rows, doc in _read_columns(path, " ", doc_marker="-DOCSTART-"):
        tags = _clean_iob2(_map_tags(to_iob2([g for _, g in rows]), mapping))
        # The document, not the sentence: splits keep a whole article on one side (names repeat within one).
        out.append(Sentence([t for t, _ in rows], tags, "wikigold", f"wikigold-{doc}"))
    return out


def _read_plain(root: Path, rel: str, source: str) -> list[Sentence]:
    out = []
    for i, (rows, _) in enumerate(_read_columns(_ner_dir(root) / rel, "\t")):
        out.append(Sentence([t for t, _ in rows], _clean_iob2([g for _, g in rows]), source, f"{source}-{i}"))
    return out


@functools.lru_cache(maxsize=8)
def _read_gum(root: Path) -> list[Sentence]:
    out = _read_plain(root, "gum/gum_permissive.conll", "gum")
    for s in out:
        s.tags = gum_tags(s.tokens, s.tags)
    return out


_NAME_PARTICLES = frozenset(
    {"de", "du", "da", "di", "del", "della", "van", "von", "der", "le", "la", "al", "el", "bin", "ibn"}
)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def gum_tags(tokens: Sequence[str], tags: Sequence[str]) -> list[str]:
    """GUM's names mapped onto the CoNLL-style scheme the other sets use, where its conversion left other shapes.

    - A name cut at a coordination: GUM's "National Aeronautics and [Space Administration]", "Rock and [Roll Hall
      of Fame and Museum]". An ORG or LOC that starts after "and"/"&" with capitalised, untagged words before that
      takes them back in (not a leading "The"): the whole is one name.
    - Several people in one PER span: "[Kirk M. Bart and Celeste Pollock]", "[Gerald and Sherri Padalecki]". Each
      person is a name of their own, as in CoNLL.
    - A person with an affiliation: "[Gary Chan of DAB and Eunice Yung of New People]" gives "Gary Chan" and
      "Eunice Yung". Only after a name of two words or more: "Hilary of Poitiers" is a name, "Earl of Clare" a
      title GUM marks as a person, and both are left as GUM has them. After an affiliation, a one-word part is
      its tail ("Matthew Ingram of The Globe and Mail"), not a person.
    - A PER span that starts with "of" ("[of the United States]") or has no name word ("[critic]") is dropped, and
      one that starts with a lower-case word starts at its first name word ("general [Fuad Basya]").
    """
    out = list(tags)
    for lo, hi, typ in bio_spans(tags):
        span = tokens[lo:hi]
        if typ in ("ORG", "LOC") and lo >= 2 and tokens[lo - 1] in ("and", "&") and out[lo - 1] == "O":
            start = lo - 1
            while start > 0 and out[start - 1] == "O" and _is_capitalised(tokens[start - 1]):
                start -= 1
            while start < lo - 1 and tokens[start] in ("The", "A", "An"):
                start += 1
            if start < lo - 1:
                out[start:hi] = [f"B-{typ}"] + [f"I-{typ}"] * (hi - start - 1)
            continue
        if typ != "PER":
            continue
        if span[0] == "of" or not any(_is_name_word(t) for t in span):
            out[lo:hi] = ["O"] * (hi - lo)
            continue
        if not _is_name_word(span[0]) and span[0] not in _NAME_PARTICLES:  # "general [Fuad Basya]"
            first = next(j for j in range(lo, hi) if _is_name_word(tokens[j]))
            out[lo:hi] = ["O"] * (first - lo) + ["B-PER"] + ["I-PER"] * (hi - first - 1)
            lo, span = first, tokens[first:hi]
        of = span.index("of") if "of" in span else None
        cut_affiliations = of is not None and of >= 2
        if not cut_affiliations and not any(t in ("and", "&") for t in span):
            continue
        out[lo:hi] = ["O"] * (hi - lo)
        part: list[int] = []
        in_affiliation = after_affiliation = False
        for i in [*range(lo, hi), hi]:
            if i == hi or tokens[i] in ("and", "&", ","):
                names = [j for j in part if _is_capitalised(tokens[j])]
                if names and not (after_affiliation and len(part) < 2):
                    first, last = names[0], part[-1]
                    out[first : last + 1] = ["B-PER"] + ["I-PER"] * (last - first)
                after_affiliation = after_affiliation or in_affiliation
                part, in_affiliation = [], False
            elif tokens[i] == "of" and cut_affiliations:
                in_affiliation = True
            elif not in_affiliation:
                part.append(i)
    return out


@functools.lru_cache(maxsize=8)
def _read_btc(root: Path) -> list[Sentence]:
    out: list[Sentence] = []
    for sec in "abefgh":
        part = _read_plain(root, f"btc/{sec}.conll", "btc")
        for s in part:
            s.doc = f"btc-{sec}-{s.doc.rsplit('-', 1)[1]}"
        out.extend(part)
    return out


# Leading words GMB includes in person spans ("President Bush"): a span starts at the name, as CoNLL marks it.
_TITLES = {
    w.lower()
    for w in (
        "President Vice Prime Minister Foreign Defense Defence Interior Finance Secretary General Gen. Gen "
        "Lieutenant Lt. Colonel Col. Major Maj. Captain Capt. Admiral Adm. Sergeant Sgt. Commander Chief Senator "
        "Sen. Representative Rep. Congressman Congresswoman Governor Gov. Mayor King Queen Prince Princess Pope "
        "Chancellor Ambassador Envoy Judge Justice Mr. Mrs. Ms. Dr. Mr Mrs Ms Dr Sheikh Ayatollah Cardinal "
        "Archbishop Bishop Rev. Reverend Premier Spokesman Spokeswoman Leader Opposition Deputy Former Acting "
        "Attorney State Speaker Chairman Chairwoman Director Presidential Candidate Sir Lord Lady Emir Crown "
        "Imam Chief-of-staff Commissioner Ms. Senior Minister-designate Parliament Generals Sultan Defense-Secretary"
    ).split()
}
_DEMONYM_END = re.compile(r"(?:ian|ians|ese|ish|i|is|an|ans|ic|ch|ean|eans)$", re.IGNORECASE)


def _country_names() -> set[str]:
    import pycountry

    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            v = getattr(c, attr, None)
            if v:
                names.add(v.lower())
                names.add(v.split(",")[0].lower())
    names.update(
        ["iran", "russia", "syria", "south korea", "north korea", "vietnam", "venezuela", "bolivia", "taiwan",
         "tanzania", "laos", "moldova", "britain", "great britain", "u.s.", "us", "america", "u.s.a.", "u.k.",
         "uk", "palestine", "kosovo", "congo", "ivory coast", "burma", "czech republic", "macedonia", "gaza"]
    )  # fmt: skip
    return names


@functools.lru_cache(maxsize=8)
def _read_gmb(root: Path, misc: bool = False) -> list[Sentence]:
    """GMB extract: geo→LOC, org→ORG, per→PER (titles stripped), gpe→LOC for states and O for demonyms (MISC with
    ``misc``, as are art, eve and nat; tim is always O)."""
    path = _ner_dir(root) / "gmb" / "ner_dataset.csv.zip"
    if not path.is_file():
        raise InputError("file not found", path=str(path))
    countries = _country_names()
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if n.endswith(".csv"))
        raw = zf.read(member).decode("latin-1")
    reader = csv.reader(io.StringIO(raw))
    next(reader)
    sents: list[tuple[list[str], list[str], list[str]]] = []
    for row in reader:
        if len(row) < 4:
            continue
        if row[0].strip():
            sents.append(([], [], []))
        if not sents:
            raise MalformedInputError("row before the first sentence marker", path=str(path), field="Sentence #")
        sents[-1][0].append(row[1])
        sents[-1][1].append(row[2])
        sents[-1][2].append(row[3])
    out = []
    for i, (toks, pos, tags) in enumerate(sents):
        spans = []
        found = bio_spans(tags)
        merged_into_org: set[int] = set()
        for k, (s, e, typ) in enumerate(found):
            if k in merged_into_org:
                continue
            if typ == "per":
                while s < e - 1 and toks[s].lower() in _TITLES:
                    s += 1
                if toks[s].lower() in _TITLES:
                    continue
                spans.append((s, e, "PER"))
            elif typ == "geo":
                spans.append((s, e, "LOC"))
            elif typ == "org":
                spans.append((s, e, "ORG"))
            elif typ in ("art", "eve", "nat") and misc:
                spans.append((s, e, "MISC"))
            elif typ == "gpe":
                if k + 1 < len(found) and found[k + 1][2] == "org" and found[k + 1][0] == e:
                    # GMB splits "Ukrainian Security Service" and "U.S. Defense Department" into gpe + org; as a
                    # name each is one organisation, as CoNLL-style annotation (and the analyst) reads it.
                    spans.append((s, found[k + 1][1], "ORG"))
                    merged_into_org.add(k + 1)
                    continue
                name = " ".join(toks[s:e]).lower()
                is_state = name in countries or name.replace(" ,", ",") in countries
                demonym = pos[e - 1] in {"JJ", "NNPS", "NNS", "JJR", "JJS"} or bool(_DEMONYM_END.search(toks[e - 1]))
                if is_state or not demonym:
                    spans.append((s, e, "LOC"))
                elif misc:
                    spans.append((s, e, "MISC"))
        out.append(Sentence(toks, spans_to_tags(len(toks), spans), "gmb", f"gmb-{i}"))
    return out


_RE3D_TYPES = {"Person": "PER", "Organisation": "ORG", "Location": "LOC", "Nationality": "NORP"}
# re3d annotates pronouns that refer to an actor ("We", "They") as Person or Organisation; names only here.
_PRONOUNS = frozenset("i we they he she it her his him their them us our you its me my".split())
_DETERMINERS = frozenset(("the", "a", "an"))
# Words that make an re3d "Organisation" a person's role ("the UK Special Representative", "the Foreign Ministers of").
_ROLE_NOUNS = frozenset(
    "special representative representatives envoy envoys ambassador ambassadors minister ministers secretary "
    "secretaries spokesperson spokesman foreign deputy".split()
)
# "the Karrada district of Baghdad": a lowercase place noun before "of" joins two place names.
_PLACE_NOUNS = frozenset("district province region governorate city town village area county suburb".split())
# Role words re3d keeps inside person spans ("Minister for the Middle East Tobias Ellwood", "Navy Special Warfare
# Operator 1st Class Charles H. Keating IV"): in the CoNLL-style scheme, as in GMB above, a person span is the name.
_RE3D_ROLE_WORDS = _TITLES | frozenset(
    (
        "middle east near south north west affairs office foreign press operations director navy army air force "
        "special warfare operator class petty officer staff spc spc. commodore high representative envoy "
        "spokesperson advisor adviser commissioner secretary minister presidential general gen lt lt. col col. maj "
        "maj. fco pentagon he excellency his cjtf-oir central command un u.s. us uk u.k. global coalition brave "
        "commander resident leader lead former embassy chargé d’affaires d'affaires"
    ).split()
)
# A person span is the role's object, not a name, when what is left after the role follows one of these: "the UN
# High Commissioner for Refugees", "Acting General Director of the Office of Museums", "his Chief of Plans".
_ROLE_LINKS = frozenset("of for to in at".split())
# Regions that end a role ("Minister for Central Asia"); not countries, so the country check misses them.
_REGIONS = frozenset(
    ("asia", "central asia", "europe", "africa", "middle east", "near east", "far east", "latin america")
)


def _is_name_word(word: str) -> bool:
    # "al-Abadi" is a name word though it starts lowercase; "members" is not.
    return any(c.isupper() or c.isdigit() for c in word)


def _re3d_spans(words: list[str], lo: int, hi: int, typ: str, countries: set[str]) -> list[tuple[int, int, str]]:
    """One re3d mention mapped onto the CoNLL-style scheme: the names it holds, often one, sometimes none.

    Leading lowercase words and determiners go ("the Kurdish YPG" → "Kurdish YPG"); a span whose last word has
    no capital is a description ("the camp"); a lone pronoun is not a name; a person span loses its titles and role
    words; a country re3d marks as an acting Organisation ("The U.S. said") or as a Nationality ("U.S.") is a LOC,
    as GMB's states are, while a demonym ("the Syrians") is NORP and left to the rules; and a place with its region
    ("Vermillion, South Dakota") is two places, as wikigold and CoNLL mark them, as is a place with the place it lies
    in ("the Karrada district of Baghdad"). re3d marks some roles as Organisation: a role headed by a country ("the UK
    Special Representative") gives that country as a place, a role over a list ("the Foreign Ministers of Iran,
    Saudi Arabia, ...") gives the places listed, and a bare role ("the Foreign Ministers") nothing.
    """
    mention_start = lo
    while lo < hi and (not _is_name_word(words[lo]) or words[lo].lower() in _DETERMINERS):
        lo += 1
    if typ == "ORG":
        # "Foreign Ministers of Iran, Saudi Arabia, ...": a role, not an organisation; the countries are places.
        role_end = lo
        while role_end < hi and words[role_end].lower() in _ROLE_NOUNS:
            role_end += 1
        if role_end == hi:
            return []
        if role_end > lo and words[role_end] in ("of", "for"):
            parts = _re3d_spans(words, role_end + 1, hi, "LOC", countries)
            # A list of several ("..., Emirates, Turkey") names places; one name must be a known country.
            return [p for p in parts if len(parts) > 1 or " ".join(words[p[0] : p[1]]).lower() in countries]
        # "UK Special Representative": a country heading a role is the place, as in "U.S. service members".
        for cut in range(lo + 1, hi):
            if " ".join(words[lo:cut]).lower() in countries and all(w.lower() in _ROLE_NOUNS for w in words[cut:hi]):
                return [(lo, cut, "LOC")]
    link = next(
        (j for j in range(lo + 1, hi - 1) if words[j] == "of" and words[j - 1] in _PLACE_NOUNS),
        None,
    )
    if link is not None and _is_name_word(words[link + 1]):
        # "the Karrada district of Baghdad": a place and the place it is in, two names in CoNLL style. Only after a
        # lowercase place noun: "Bank of England", "Islamic State of Iraq" are one name each.
        head = link
        while head > lo and not _is_name_word(words[head - 1]):
            head -= 1
        return [*_re3d_spans(words, lo, head, typ, countries), *_re3d_spans(words, link + 1, hi, "LOC", countries)]
    if typ == "LOC" and "," in words[lo:hi]:
        out: list[tuple[int, int, str]] = []
        start = lo
        for i in [*(j for j in range(lo, hi) if words[j] == ","), hi]:
            one = _re3d_span(words, start, i, typ, countries) if start < i else None
            if one is not None:
                out.append(one)
            start = i + 1
        return out
    one = _re3d_span(words, lo, hi, typ, countries, mention_start)
    return [] if one is None else [one]


def _re3d_span(
    words: list[str], lo: int, hi: int, typ: str, countries: set[str], mention_start: int | None = None
) -> tuple[int, int, str] | None:
    first = lo if mention_start is None else mention_start
    while lo < hi and (not _is_name_word(words[lo]) or words[lo].lower() in _DETERMINERS):
        lo += 1
    if lo == hi:
        return None
    if not _is_name_word(words[hi - 1]):
        # A description ("U.S. service members"): only a country named at its head is a name, a LOC as in CoNLL.
        head = lo
        while head < hi and _is_name_word(words[head]):
            head += 1
        return (lo, head, "LOC") if head > lo and " ".join(words[lo:head]).lower() in countries else None
    if hi - lo == 1 and re.split(r"['’]", words[lo])[0].lower() in _PRONOUNS:
        return None
    if typ == "NORP":
        # re3d's Nationality: a demonym stays NORP (rule-tagged, not learned), a country name is a place.
        return (lo, hi, "LOC") if " ".join(words[lo:hi]).lower() in countries else None
    if " ".join(words[lo:hi]) in _demonym_forms():
        return None  # "the Syrians", "the French" as an actor: a group, NORP in this scheme
    if typ == "PER":
        while lo < hi and (
            words[lo].lower() in _RE3D_ROLE_WORDS
            or not _is_name_word(words[lo])
            or words[lo] in {".", ","}
            or words[lo][:1].isdigit()
            or words[lo] in _demonym_forms()
        ):
            lo += 1
        before = lo - 1
        while before > first and words[before].lower() in _DETERMINERS:
            before -= 1
        if before >= first and words[before] in _ROLE_LINKS:
            return None  # "Commissioner for Refugees": the role's object
        # "Ambassador Saperstein for Religious Minorities ...": the name ends where the role goes on.
        hi = next((k for k in range(lo, hi) if words[k] in _ROLE_LINKS), hi)
        name = " ".join(words[lo:hi]).lower()
        if lo == hi or name in countries or name in _REGIONS:
            return None
    elif typ == "ORG" and " ".join(words[lo:hi]).lower() in countries:
        typ = "LOC"
    return lo, hi, typ


@functools.cache
def _demonym_forms() -> frozenset[str]:
    from osintkit.entities.demonyms import demonym_table

    return frozenset(demonym_table())


@functools.lru_cache(maxsize=8)
def _read_re3d(root: Path) -> list[Sentence]:
    """re3d documents tokenised with :func:`word_spans`, one Sentence per sentence, only named mentions kept.

    re3d also marks nominal mentions, pronouns, titles and determiners; :func:`_re3d_span` maps each mention onto
    the names-only, CoNLL-style scheme the other sets use.
    """
    from osintkit.text import split_sentences

    base = _ner_dir(root) / "re3d"
    if not base.is_dir():
        raise InputError("folder not found", path=str(base))
    countries = _country_names()
    out: list[Sentence] = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        docs: dict[str, str] = {}
        ents: dict[str, list[tuple[int, int, str]]] = {}
        for name, target in (("documents.json", "d"), ("entities.json", "e")):
            path = folder / name
            with open(path, encoding="utf-8-sig") as fh:
                for lineno, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise MalformedInputError(f"invalid JSON: {exc.msg}", path=str(path), line=lineno) from exc
                    if target == "d":
                        docs[obj["_id"]] = obj["text"]
                    elif obj.get("type") in _RE3D_TYPES:
                        t = _RE3D_TYPES[obj["type"]]
                        ents.setdefault(obj["documentId"], []).append((int(obj["begin"]), int(obj["end"]), t))
        for doc_id in sorted(docs):
            text = docs[doc_id]
            words = word_spans(text)
            tokens = [text[ws:we] for ws, we in words]
            spans = []
            # Longest as annotated first, so a nested shorter mention never splits a full name.
            for b, e, t in sorted(ents.get(doc_id, []), key=lambda m: (m[0] - m[1], m[0])):
                idx = [i for i, (ws, we) in enumerate(words) if ws < e and we > b]
                if idx:
                    spans.extend(_re3d_spans(tokens, idx[0], idx[-1] + 1, t, countries))
            tags = spans_to_tags(len(words), spans)
            for ss, se in split_sentences(text):
                ids = [i for i, (ws, _) in enumerate(words) if ss <= ws < se]
                if not ids:
                    continue
                lo, hi = ids[0], ids[-1] + 1
                stags = _clean_iob2(tags[lo:hi])
                toks = [text[s:e] for s, e in words[lo:hi]]
                a = words[lo][0]
                offsets = [(s - a, e - a) for s, e in words[lo:hi]]
                sentence_text = text[a : words[hi - 1][1]]
                out.append(Sentence(toks, stags, "re3d", f"re3d-{folder.name}-{doc_id}", sentence_text, offsets))
    return out


def _split(sentences: list[Sentence], name: str, split: str, by_block: bool) -> list[Sentence]:
    """Deterministic document-level split (blocks of consecutive sentences when there are no documents)."""
    groups: dict[str, list[Sentence]] = {}
    for i, s in enumerate(sentences):
        key = f"block-{i // BLOCK}" if by_block else s.doc
        groups.setdefault(key, []).append(s)
    keys = sorted(groups)
    random.Random(f"{SPLIT_SEED}-{name}").shuffle(keys)
    tr, dv, _ = SPLITS[name]
    n = len(keys)
    a, b = round(n * tr), round(n * (tr + dv))
    chosen = {"train": keys[:a], "dev": keys[a:b], "test": keys[b:]}[split]
    return [s for k in chosen for s in groups[k]]


def load_corpus(
    name: str, split: str, root: str | os.PathLike[str] | None = None, *, misc: bool = False
) -> list[Sentence]:
    """Sentences of one corpus split ("train", "dev", "test"), labels mapped to IOB2 PER/ORG/LOC.

    ``misc=True`` keeps MISC where the set marks such names (wikigold, GMB, WNUT-17's products and works), for
    training a model with :data:`MISC_LABELS`; the other sets are unchanged. Scoring always uses ``misc=False``.
    """
    if name not in CORPORA:
        raise InputError(f"unknown corpus {name!r}; choose from {', '.join(CORPORA)}", field="name")
    if split not in ("train", "dev", "test"):
        raise InputError(f"unknown split {split!r}", field="split")
    base = data_root(root)
    if name == "wikiann":
        return read_wikiann(base, split)
    if name == "wnut17":
        return read_wnut17(base, split, misc)
    readers: dict[str, Callable[[Path], list[Sentence]]] = {
        "wikigold": functools.partial(_read_wikigold, misc=misc),
        "gmb": functools.partial(_read_gmb, misc=misc),
        "re3d": _read_re3d,
        "gum": _read_gum,
        "btc": _read_btc,
    }
    by_block = name in ("gmb", "gum", "btc")
    return _split(readers[name](base), name, split, by_block)
