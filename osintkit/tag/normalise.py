"""Entity normalisation: link a case's mentions to canonical entities, so tables count entities, not strings.

Linking is deterministic (same mentions in, same entities and ids out) and works per label:

- PERSON: titles dropped ("President"), then a transliteration key per name part (doubled letters collapse,
  word-final -yy/-iy/-ii/-i become -y), so Zelenskyy, Zelensky and Zelenskiy share a key; parts that still
  differ are joined when they are very similar (same first and last letter, SequenceMatcher ratio >= 0.85).
  A lone surname ("Kirby") joins the one full name in the case ending with it ("John Kirby"); when several
  full names share it, the one in the same document wins, and if that is still ambiguous it stays apart.
- LOC: case- and accent-insensitive, with an exonym and alias table (``data/exonyms.tsv``: Kiev → Kyiv,
  U.S. → United States); the canonical name is the table's.
- ORG: case-insensitive ("Ukrainian Security Service" = "Ukrainian security service"), a leading "the" dropped;
  an all-capitals acronym joins the one multi-word organisation whose initials it spells.
- NORP: by country when the demonym table knows it ("North Korean" = "North Koreans").
- DATE and QUANTITY are values, not entities: never linked.

Entity ids read ``ent-<LABEL>-<slug of the canonical name>`` ("ent-PERSON-volodymyr-zelenskyy").

Analyst edits (merge, split, relabel) are stored in the case as rules (``Case.add_entity_edit``, logged in the
custody chain) and re-applied, in order, after every automatic linking, so they survive re-tagging and
re-normalisation. A merge rule remembers its members by id and by name keys, so it still applies when a member's
id changes because a fuller name turned up later.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CaseError, InputError
from ..model import Entity, Mention
from .demonyms import demonym_country

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Case

__all__ = [
    "UNLINKED_LABELS",
    "entities_frame",
    "entity_id_for",
    "link_entities",
    "merge_entities",
    "name_key",
    "normalise_case",
    "relabel_entity",
    "split_entity",
]

UNLINKED_LABELS = frozenset({"DATE", "TIME", "QUANTITY", "MONEY", "PERCENT", "CARDINAL", "ORDINAL"})
PLACE_LABELS = frozenset({"LOC", "GPE", "FAC"})
TITLES = frozenset(
    """president vice prime minister foreign defence defense secretary general gen lt col colonel maj major capt
    captain sgt sergeant adm admiral cmdr commander mr mrs ms miss dr prof professor sen senator rep representative
    gov governor mayor king queen prince princess sir dame lord lady pope chancellor ambassador spokesman
    spokeswoman spokesperson chairman chairwoman chair ceo director chief deputy former late marshal field""".split()
)
ORG_STOP = frozenset({"of", "the", "and", "for", "on", "in", "to", "&"})

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʻ`´"), None)
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_DOUBLE = re.compile(r"(\w)\1+")
_FINAL_I = re.compile(r"(?:iy|ii|yi|yy|ij|i|y)$")


def name_key(text: str) -> str:
    """Case-, accent-, punctuation-insensitive key: ``"Russia’s Far-East"`` → ``"russias far east"``."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    return _SPACES.sub(" ", text).strip()


def _surface(text: str) -> str:
    """The name as written, tidied: whitespace collapsed, a leading "the" and a trailing possessive dropped."""
    text = _SPACES.sub(" ", text).strip().strip("\"“”'‘’,.;:()[]")
    text = _LEADING_THE.sub("", text)
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    return text.strip()


def _translit(token: str) -> str:
    token = _DOUBLE.sub(r"\1", token)
    if len(token) > 4:
        token = _FINAL_I.sub("y", token)
    if token.startswith("ye") and len(token) > 4:  # Yevgeny / Evgeny
        token = token[1:]
    return token


def _person_tokens(surface: str) -> tuple[str, ...]:
    tokens = name_key(surface).split()
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    return tuple(_translit(t) for t in tokens)


def _person_display(surface: str) -> str:
    words = surface.split()
    while len(words) > 1 and name_key(words[0]) in TITLES:
        words = words[1:]
    return " ".join(words)


@cache
def exonym_table() -> dict[str, str]:
    """Place name key → canonical place name, from ``data/exonyms.tsv``."""
    path = Path(__file__).parent / "data" / "exonyms.tsv"
    table: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise InputError("expected 2 tab-separated fields: variant, canonical", path=path.name, line=lineno)
        table[name_key(parts[0])] = parts[1].strip()
        table.setdefault(name_key(parts[1]), parts[1].strip())
    return table


def _place_key(surface: str) -> tuple[str, str | None]:
    """``(key, canonical name from the table or None)``; single words inside longer names map too
    ("Kiev region" → "kyiv region")."""
    key = name_key(surface)
    table = exonym_table()
    if key in table:
        canonical = table[key]
        return name_key(canonical), canonical
    tokens = [name_key(table[t]) if t in table and " " not in t else t for t in key.split()]
    return " ".join(tokens), None


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name_key(text).encode("ascii", "ignore").decode()).strip("-")
    if not slug:  # a name in a non-Latin script: a short stable hash instead
        import hashlib

        slug = "h" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return slug


def entity_id_for(label: str, name: str) -> str:
    """The deterministic id an entity with this label and canonical name gets."""
    return f"ent-{label}-{_slug(name)}"


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key is the root, so the result does not depend on the order of unions
            if str(rb) < str(ra):
                ra, rb = rb, ra
            self.parent[rb] = ra


def _similar_token(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) < 5 or len(b) < 5 or a[0] != b[0] or a[-1] != b[-1]:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.85


def _mention_key(m: Mention) -> tuple[str, Any]:
    """The grouping key of one mention within its label."""
    surface = _surface(m.text)
    label = m.label
    if label == "PERSON":
        return label, _person_tokens(surface)
    if label in PLACE_LABELS:
        return label, _place_key(surface)[0]
    if label == "NORP":
        code = (m.norm or {}).get("country_code")
        if not code:
            found = demonym_country(surface)
            code = found[0] if found else None
        if code:
            return label, ("country", code)
        key = name_key(surface)
        return label, key[:-1] if key.endswith("s") and len(key) > 4 else key
    return label, name_key(surface)


def _doc(m: Mention) -> str:
    return m.doc_id or ""


def link_entities(
    mentions: Iterable[Mention], *, place_resolver: Callable[[str], str | None] | None = None
) -> list[Entity]:
    """Group mentions into canonical entities; sets each mention's ``entity_id`` in place.

    ``place_resolver`` optionally maps a place name to a stable key (a gazetteer id, say) so that names the exonym
    table does not know can still join; it is called once per distinct place name.
    """
    everything = list(mentions)
    items = [m for m in everything if m.label not in UNLINKED_LABELS]
    for m in everything:
        if m.label in UNLINKED_LABELS:
            m.entity_id = None
    keyed: list[tuple[Mention, tuple[str, Any]]] = []
    for m in items:
        if not _surface(m.text) or not name_key(m.text):
            m.entity_id = None
            continue
        keyed.append((m, _mention_key(m)))
    uf = _UnionFind()
    for _m, key in keyed:
        uf.find(key)
    keys = sorted({key for _m, key in keyed}, key=str)

    # PERSON: near-identical spellings, then surnames back to full names.
    person_keys = [k for k in keys if k[0] == "PERSON" and k[1]]
    blocks: dict[tuple[int, str], list[tuple[str, Any]]] = defaultdict(list)
    for k in person_keys:
        blocks[(len(k[1]), k[1][-1][:1])].append(k)
    for block in blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                if all(_similar_token(x, y) for x, y in zip(a[1], b[1], strict=True)):
                    uf.union(a, b)
    # ORG: an acronym joins the one multi-word organisation it abbreviates.
    org_keys = [k for k in keys if k[0] == "ORG"]
    initials: dict[str, set[Any]] = defaultdict(set)
    for k in org_keys:
        words = [w for w in k[1].split() if w not in ORG_STOP]
        if len(words) >= 2:
            initials["".join(w[0] for w in words)].add(uf.find(k))
    for m, key in keyed:
        if key[0] != "ORG":
            continue
        letters = re.sub(r"[^A-Za-z]", "", m.text)
        if 2 <= len(letters) <= 6 and letters.isupper() and len(initials.get(letters.lower(), ())) == 1:
            uf.union(key, next(iter(initials[letters.lower()])))
    # Places: an optional resolver (e.g. the gazetteer) joins names that resolve to the same place.
    if place_resolver is not None:
        resolved: dict[str, tuple[str, Any]] = {}
        for m, key in keyed:
            if key[0] not in PLACE_LABELS:
                continue
            target = place_resolver(_surface(m.text))
            if target:
                if target in resolved:
                    uf.union(key, resolved[target])
                else:
                    resolved[target] = key

    # Surname back-references, per mention so a document's own full name wins over other documents'.
    surname_roots: dict[str, set[Any]] = defaultdict(set)
    surname_roots_by_doc: dict[tuple[str, str], set[Any]] = defaultdict(set)
    for m, key in keyed:
        if key[0] == "PERSON" and len(key[1]) >= 2:
            root = uf.find(key)
            surname_roots[key[1][-1]].add(root)
            surname_roots_by_doc[(_doc(m), key[1][-1])].add(root)
    has_full_name = {uf.find(k) for k in person_keys if len(k[1]) >= 2}
    group_of: list[Any] = []
    for m, key in keyed:
        root = uf.find(key)
        if key[0] == "PERSON" and len(key[1]) == 1 and root not in has_full_name:
            local = surname_roots_by_doc.get((_doc(m), key[1][0]), set())
            anywhere = surname_roots.get(key[1][0], set())
            if len(local) == 1:
                root = next(iter(local))
            elif not local and len(anywhere) == 1:
                root = next(iter(anywhere))
        group_of.append(root)

    groups: dict[Any, list[Mention]] = defaultdict(list)
    for (m, _key), root in zip(keyed, group_of, strict=True):
        groups[root].append(m)
    entities: list[Entity] = []
    used: Counter[str] = Counter()
    for root in sorted(groups, key=str):
        members = groups[root]
        label = root[0]
        name = _canonical_name(label, members)
        eid = entity_id_for(label, name)
        used[eid] += 1
        if used[eid] > 1:
            eid = f"{eid}-{used[eid]}"
        for m in members:
            m.entity_id = eid
        entities.append(_entity(eid, label, name, members))
    entities.sort(key=lambda e: e.id)
    return entities


def _canonical_name(label: str, members: Sequence[Mention]) -> str:
    if label in PLACE_LABELS:
        canon = [c for c in (_place_key(_surface(m.text))[1] for m in members) if c]
        if canon:
            return Counter(canon).most_common(1)[0][0]
    surfaces = [_person_display(_surface(m.text)) if label == "PERSON" else _surface(m.text) for m in members]
    counts = Counter(surfaces)

    def rank(s: str) -> tuple[Any, ...]:
        words = s.split()
        capitals = sum(1 for w in words if w[:1].isupper())
        if label == "NORP":  # "North Korean" over "North Koreans": the adjective, then the most used
            return (-counts[s], len(s), s)
        return (-len(words), -counts[s], -capitals, -len(s), s)

    return min(counts, key=rank)


def _entity(eid: str, label: str, name: str, members: Sequence[Mention]) -> Entity:
    aliases = sorted({_SPACES.sub(" ", m.text.strip()) for m in members} - {name})
    docs = sorted({m.doc_id for m in members if m.doc_id})
    return Entity(id=eid, label=label, name=name, aliases=aliases, mention_count=len(members), doc_ids=docs)


# -- analyst edits re-applied over the automatic linking ------------------------------------------------------


def _entity_keys(members: Sequence[Mention]) -> set[str]:
    return {name_key(_surface(m.text)) for m in members}


class _State:
    """Mentions with their current entity, and the names/labels the analyst set."""

    def __init__(self, mentions: list[Mention], entities: list[Entity]) -> None:
        self.mentions = mentions
        self.label = {e.id: e.label for e in entities}
        self.name = {e.id: e.name for e in entities}

    def keys(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for m in self.mentions:
            if m.entity_id is not None:
                out[m.entity_id].add(name_key(_surface(m.text)))
        return out

    def matching(self, member: dict[str, Any], keys_of: dict[str, set[str]]) -> set[str]:
        """Current entities that are the one a rule remembered: same id, or same label and a shared name key."""
        keys = set(member.get("keys", []))
        found = {member["id"]} & set(self.label)
        if keys:
            for eid, label in self.label.items():
                if label == member.get("label") and keys_of.get(eid, set()) & keys:
                    found.add(eid)
        return found

    def apply(self, op: str, data: dict[str, Any]) -> None:
        if op == "merge":
            target = data["entity_id"]
            sources: set[str] = set()
            keys_of = self.keys()
            for member in data["members"]:
                sources |= self.matching(member, keys_of)
            if not sources:
                return
            for m in self.mentions:
                if m.entity_id in sources:
                    m.entity_id = target
            for eid in sources - {target}:
                self.label.pop(eid, None)
                self.name.pop(eid, None)
            self.label[target] = data["label"]
            self.name[target] = data["name"]
        elif op == "split":
            wanted = {tuple(x) for x in data["mentions"]}
            moved = [m for m in self.mentions if (m.doc_id, m.start, m.end) in wanted and m.entity_id is not None]
            if not moved:
                return
            target = data["entity_id"]
            for m in moved:
                m.entity_id = target
            self.label[target] = data["label"]
            self.name[target] = data["name"]
        elif op == "relabel":
            remembered = {"id": data["entity_id"], "label": data["from_label"], "keys": data["keys"]}
            for eid in self.matching(remembered, self.keys()):
                self.label[eid] = data["label"]

    def entities(self) -> list[Entity]:
        grouped: dict[str, list[Mention]] = defaultdict(list)
        for m in self.mentions:
            if m.entity_id is not None:
                grouped[m.entity_id].append(m)
        out = []
        for eid, members in grouped.items():
            label = self.label.get(eid) or members[0].label
            name = self.name.get(eid) or _canonical_name(label, members)
            out.append(_entity(eid, label, name, members))
        return sorted(out, key=lambda e: e.id)


def normalise_case(case: Case, *, place_resolver: Callable[[str], str | None] | None = None) -> list[Entity]:
    """Link every mention in ``case`` to an entity, re-apply the analyst's edits, and store the result.

    Only changed entities are written (each write is logged); entities no mention names any longer are removed.
    """
    with case.transaction():
        mentions = case.mentions()
        before = {(m.doc_id, m.start, m.end, m.label): m.entity_id for m in mentions}
        state = _State(mentions, link_entities(mentions, place_resolver=place_resolver))
        for edit in case.entity_edits():
            state.apply(edit["op"], edit["data"])
        entities = state.entities()

        stored = {e.id: e for e in case.entities()}
        changed = [
            e
            for e in entities
            if e.id not in stored or (stored[e.id].label, stored[e.id].name, stored[e.id].aliases) != (
                e.label, e.name, e.aliases,
            )
        ]  # fmt: skip
        if changed:
            case.upsert_entities(changed, action="normalise")
        case.set_mention_entities(
            (m.doc_id or "", m.start, m.end, m.label, m.entity_id)
            for m in mentions
            if before.get((m.doc_id, m.start, m.end, m.label)) != m.entity_id
        )
        live = {e.id for e in entities}
        stale = [eid for eid in stored if eid not in live]
        if stale:
            case.delete_entities(stale, action="entity-prune")
    return entities


def _require(case: Case, entity_ids: Iterable[str]) -> dict[str, Entity]:
    known = {e.id: e for e in case.entities()}
    missing = [eid for eid in entity_ids if eid not in known]
    if missing:
        raise CaseError(f"{case.path}: no entity {', '.join(map(repr, missing))}; run normalise_case first?")
    return known


def merge_entities(case: Case, entity_ids: Sequence[str], name: str | None = None) -> Entity:
    """Merge entities into the first one (keeping its id); ``name`` sets the canonical name. Stored and logged."""
    ids = list(dict.fromkeys(entity_ids))
    if len(ids) < 2:
        raise InputError("merge needs at least two entity ids", field="entity_ids")
    with case.transaction():
        known = _require(case, ids)
        mentions = case.mentions()
        target = known[ids[0]]
        members = []
        for eid in ids:
            keys = sorted(_entity_keys([m for m in mentions if m.entity_id == eid]))
            members.append({"id": eid, "label": known[eid].label, "keys": keys})
        case.add_entity_edit(
            "merge",
            {"entity_id": target.id, "members": members, "name": name or target.name, "label": target.label},
        )
        entities = normalise_case(case)
    return next(e for e in entities if e.id == target.id)


def split_entity(
    case: Case, entity_id: str, mentions: Sequence[tuple[str, int, int]], name: str | None = None
) -> Entity:
    """Move the given mentions (``(doc_id, start, end)``) of an entity to a new entity. Stored and logged."""
    wanted = [(str(d), int(s), int(e)) for d, s, e in mentions]
    if not wanted:
        raise InputError("split needs at least one mention (doc_id, start, end)", field="mentions")
    with case.transaction():
        known = _require(case, [entity_id])
        source = known[entity_id]
        owned = {(m.doc_id, m.start, m.end): m for m in case.mentions() if m.entity_id == entity_id}
        missing = [w for w in wanted if w not in owned]
        if missing:
            raise InputError(f"entity {entity_id!r} has no mention at {missing[0]}", field="mentions")
        moved = [owned[w] for w in wanted]
        new_name = name or _canonical_name(source.label, moved)
        new_id = entity_id_for(source.label, new_name)
        n = 2
        while new_id in known:
            new_id = f"{entity_id_for(source.label, new_name)}-{n}"
            n += 1
        case.add_entity_edit(
            "split",
            {"entity_id": new_id, "source_id": entity_id, "mentions": [list(w) for w in wanted], "name": new_name,
             "label": source.label},
        )  # fmt: skip
        entities = normalise_case(case)
    return next(e for e in entities if e.id == new_id)


def relabel_entity(case: Case, entity_id: str, label: str) -> Entity:
    """Give an entity another label (its id stays the same). Stored and logged."""
    label = label.strip().upper()
    if not re.fullmatch(r"[A-Z][A-Z_]*", label):
        raise InputError(f"not a label: {label!r}", field="label")
    with case.transaction():
        known = _require(case, [entity_id])
        keys = sorted(_entity_keys([m for m in case.mentions() if m.entity_id == entity_id]))
        case.add_entity_edit(
            "relabel", {"entity_id": entity_id, "from_label": known[entity_id].label, "label": label, "keys": keys}
        )
        entities = normalise_case(case)
    return next(e for e in entities if e.id == entity_id)


def entities_frame(case: Case) -> pd.DataFrame:
    """One row per entity: id, label, name, aliases, mentions (count), documents (count) and doc_ids."""
    import pandas as pd

    rows = [
        {
            "id": e.id,
            "label": e.label,
            "name": e.name,
            "aliases": list(e.aliases),
            "mentions": e.mention_count,
            "documents": len(e.doc_ids),
            "doc_ids": list(e.doc_ids),
        }
        for e in case.entities()
    ]
    frame = pd.DataFrame(rows, columns=["id", "label", "name", "aliases", "mentions", "documents", "doc_ids"])
    if not frame.empty:
        frame = frame.sort_values(["mentions", "label", "name"], ascending=[False, True, True], ignore_index=True)
    return frame
