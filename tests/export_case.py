"""A small real case for the findings and export tests: two documents, one of them hostile.

Built through the real Case API (SQLite file, custody log) so the exporters see what a pipeline run would leave.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from osintkit.claims import Contradiction, CopyLink, Corroboration, Member, Origin, Proposition
from osintkit.model import Claim, Document, Entity, Mention, Place
from osintkit.store import Case

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
HOSTILE_SOURCE = f"{SCRIPT} {FORMULA}"
PIPE_CLAIM = "two soldiers | both wounded | were taken to Kyiv"

TEXT_A = (
    "Zelenskyy said on Saturday that two soldiers | both wounded | were taken to Kyiv. "
    "The U.S. claims that Pyongyang deployed an estimated 11,000 soldiers to Kursk."
)
TEXT_B = f"{FORMULA} Reports from Kyiv say the soldiers may be exchanged. {SCRIPT}"


def _doc(text: str, **kw: object) -> Document:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(id=Document.make_id(sha), text=text, sha256=sha, language="en", **kw)  # type: ignore[arg-type]


def _span(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    i = text.index(needle, start)
    return i, i + len(needle)


def kyiv(text: str, doc_id: str, confidence: float = 0.93) -> Place:
    s, e = _span(text, "Kyiv")
    return Place(
        text="Kyiv",
        start=s,
        end=e,
        name="Kyiv",
        lat=50.45466,
        lon=30.5238,
        geonameid=703448,
        country_code="UA",
        feature="P.PPLC",
        confidence=confidence,
        doc_id=doc_id,
        alternatives=[{"name": "Kyiv Oblast", "geonameid": 703446}],
    )


def build_case(path: Path) -> tuple[Case, Document, Document]:
    case = Case(path, actor="tester")
    a = _doc(
        TEXT_A,
        loader="text",
        retrieved="2025-01-12T10:00:00.000000Z",
        title="Ukraine captures two soldiers",
        source="Kyiv Independent",
        url="https://example.org/a",
        published="2025-01-12T00:00:00Z",
        path="a.txt",
    )
    b = _doc(
        TEXT_B,
        loader="html",
        retrieved="2025-01-13T09:30:00.000000Z",
        title=f"{FORMULA} {SCRIPT}",
        source=HOSTILE_SOURCE,
        url="javascript:alert(1)",
        path="b.html",
    )
    case.add_documents([a, b])
    case.upsert_entities(
        [
            Entity(id="per-zelenskyy", label="PER", name="Volodymyr Zelenskyy", aliases=["Zelenskyy"]),
            Entity(id="loc-kyiv", label="LOC", name="Kyiv"),
        ]
    )
    s, e = _span(TEXT_A, "Zelenskyy")
    ks, ke = _span(TEXT_A, "Kyiv")
    case.replace_mentions(
        a.id,
        [
            Mention(s, e, "Zelenskyy", "PER", 0.98, "model", entity_id="per-zelenskyy"),
            Mention(ks, ke, "Kyiv", "LOC", 0.95, "model", entity_id="loc-kyiv"),
        ],
    )
    bs, be = _span(TEXT_B, "Kyiv")
    case.replace_mentions(b.id, [Mention(bs, be, "Kyiv", "LOC", 0.91, "model", entity_id="loc-kyiv")])
    ps, pe = _span(TEXT_A, "Kursk")
    case.replace_places(
        a.id,
        [
            kyiv(TEXT_A, a.id),
            Place(
                text="Kursk",
                start=ps,
                end=pe,
                name="Kursk",
                lat=51.73733,
                lon=36.18735,
                geonameid=538560,
                country_code="RU",
                feature="P.PPLA",
                confidence=0.88,
                doc_id=a.id,
            ),
        ],
    )
    case.replace_places(b.id, [kyiv(TEXT_B, b.id, confidence=0.7)])

    first_end = TEXT_A.index(".") + 1
    cs, ce = _span(TEXT_A, PIPE_CLAIM)
    c1 = Claim(
        id="claim-a1",
        doc_id=a.id,
        sentence=TEXT_A[:first_end],
        sentence_start=0,
        sentence_end=first_end,
        content=PIPE_CLAIM,
        content_start=cs,
        content_end=ce,
        claimant="Zelenskyy",
        claimant_type="person",
        cue="said",
        direct=False,
        hedged=False,
        quantities=[{"value": 2, "text": "two", "counted": "soldiers"}],
        places=["Kyiv"],
    )
    second = TEXT_A[first_end + 1 :]
    q = "Pyongyang deployed an estimated 11,000 soldiers to Kursk"
    qs, qe = _span(TEXT_A, q)
    c2 = Claim(
        id="claim-a2",
        doc_id=a.id,
        sentence=second,
        sentence_start=first_end + 1,
        sentence_end=len(TEXT_A),
        content=q,
        content_start=qs,
        content_end=qe,
        claimant="The U.S.",
        claimant_type="organization",
        cue="claims",
        direct=False,
        hedged=True,
        hedges=["estimated"],
        quantities=[{"value": 11000, "text": "11,000", "counted": "soldiers", "approximate": True}],
    )
    case.replace_claims(a.id, [c1, c2])
    hs, he = _span(TEXT_B, "the soldiers may be exchanged")
    c3 = Claim(
        id="claim-b1",
        doc_id=b.id,
        sentence=TEXT_B,
        sentence_start=0,
        sentence_end=len(TEXT_B),
        content=f"the soldiers may be exchanged {SCRIPT}",
        content_start=hs,
        content_end=he,
        claimant=HOSTILE_SOURCE,
        claimant_type="unknown",
        cue="say",
        direct=False,
        hedged=True,
        hedges=["may"],
    )
    case.replace_claims(b.id, [c3])

    case.add_rating("source", "Kyiv Independent", "C", origin="suggested", rationale="unknown track record")
    case.add_rating("source", "Kyiv Independent", "B", origin="analyst", rationale="good record")
    case.add_rating("source", "Kyiv Independent", "E", origin="suggested", rationale="later suggestion")
    case.add_rating("claim", "claim-a1", "2", origin="analyst", rationale="photos match")
    case.add_rating("claim", "claim-a2", "3", origin="suggested")
    case.add_rating("claim", "claim-b1", "6", origin="analyst", rationale=SCRIPT)
    case.add_note("claim-a1", f"Check the photos {SCRIPT}")
    case.set_source_card(HOSTILE_SOURCE, {"owner": FORMULA, "note": SCRIPT})
    return case, a, b


# The shape osintkit.claims.corroboration(...).to_dict() returns, with one contradiction and one echo.
def hostile_corroboration(case: Case) -> Corroboration:
    """A typed corroboration result over the case's claims, with hostile text in every free-text field."""
    docs = {d.source: d for d in case.documents()}
    a, b = docs["Kyiv Independent"], docs[HOSTILE_SOURCE]
    claims = {c.id: c for c in case.claims()}
    sources = {a.id: "Kyiv Independent", b.id: HOSTILE_SOURCE}
    link = CopyLink(a.id, b.id, "shared passage", "publication time", 0.8, f"two soldiers {SCRIPT}", {})
    g1 = Proposition(
        id="g1",
        label="soldiers taken to Kyiv",
        anchor="claim-a1",
        members=[
            Member("claim-a1", a.id, "Kyiv Independent", "agrees", "earliest report", 1.0, "speaker:person:zelenski"),
            Member("claim-b1", b.id, HOSTILE_SOURCE, "contradicts", f"denial | {SCRIPT}", 0.61234, f"outlet:{SCRIPT}"),
        ],
        independent_origins=["Zelenskyy"],
    )
    g2 = Proposition(
        id="g2",
        label="deployment",
        anchor="claim-a2",
        members=[Member("claim-a2", a.id, "Kyiv Independent", "agrees", "earliest report", 1.0, "outlet:kyiv")],
        independent_origins=["Kyiv Independent"],
    )
    return Corroboration(
        groups=[g1, g2],
        links=[link],
        parents={b.id: link},
        contradictions=[
            Contradiction(
                "g1",
                "claim-a1",
                "claim-b1",
                "denial",
                "contradiction",
                f"denial | {SCRIPT}",
                "Kyiv Independent",
                HOSTILE_SOURCE,
            )
        ],
        origins={
            "claim-a1": Origin("speaker:person:zelenski", "Zelenskyy", "speaker", "post on Telegram"),
            "claim-a2": Origin("outlet:kyiv", "Kyiv Independent", "outlet"),
            "claim-b1": Origin(f"outlet:{SCRIPT}", HOSTILE_SOURCE, "outlet"),
        },
        claims=claims,
        doc_sources=sources,
        roots={b.id: a.id},
    )
