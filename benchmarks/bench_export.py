"""Export speed and size: every format for synthetic findings of 1,000 and 10,000 documents.

The findings are built in memory (three places, two claims and four mentions per document, a corroboration result
with one group per ten claims) so the numbers measure the exporters, not the pipeline. The data needs nothing from
``OSINTKIT_DATA``.

Run: ``python -m benchmarks.bench_export`` (``--quick`` for 200 documents only).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from osintkit.claims import Corroboration, Member, Origin, Proposition
from osintkit.export import FORMATS, write_all
from osintkit.findings import Findings
from osintkit.model import Claim, Document, Entity, Mention, Place, Quantity

CITIES = [
    ("Kyiv", 50.45466, 30.5238, 703448, "UA"),
    ("Kursk", 51.73733, 36.18735, 538560, "RU"),
    ("Pyongyang", 39.03385, 125.75432, 1871859, "KP"),
    ("Seoul", 37.566, 126.9784, 1835848, "KR"),
    ("Washington", 38.89511, -77.03637, 4140963, "US"),
]


def synthetic(n_docs: int) -> Findings:
    docs, mentions, places, claims = [], [], [], []
    for i in range(n_docs):
        text = (
            f"Report {i}: Zelenskyy said two soldiers were taken to Kyiv. Officials claim 11,000 troops moved "
            f"near Kursk and Pyongyang. " + "Background paragraph. " * 80
        )
        sha = hashlib.sha256(text.encode()).hexdigest()
        doc = Document(
            id=f"doc-{sha[:16]}", text=text, sha256=sha, loader="text", retrieved="2025-01-12T10:00:00Z",
            title=f"Report {i}", source=f"Outlet {i % 50}", url=f"https://example.org/{i}", path=f"{i}.txt",
        )  # fmt: skip
        docs.append(doc)
        for name, lat, lon, gid, cc in CITIES[:3]:
            s = text.index(name)
            places.append(Place(name, s, s + len(name), name, lat, lon, gid, cc, "P.PPL", 0.9, doc_id=doc.id))
            mentions.append(Mention(s, s + len(name), name, "LOC", 0.95, "model", doc_id=doc.id))
        mentions.append(Mention(text.index("Zelenskyy"), text.index("Zelenskyy") + 9, "Zelenskyy", "PER", 0.98,
                                "model", entity_id="per-z", doc_id=doc.id))  # fmt: skip
        for j, (claimant, content) in enumerate(
            [("Zelenskyy", "two soldiers were taken to Kyiv"), ("Officials", "11,000 troops moved near Kursk")]
        ):
            s = text.index(content)
            claims.append(
                Claim(
                    id=f"c-{i}-{j}", doc_id=doc.id, sentence=content, sentence_start=s, sentence_end=s + len(content),
                    content=content, content_start=s, content_end=s + len(content), claimant=claimant,
                    claimant_type="person", cue="said", direct=False, hedged=bool(j),
                    quantities=[Quantity(value=11000, text="11,000", counted="troops")] if j else [],
                )
            )  # fmt: skip
    groups = [
        Proposition(
            id=f"g{k}", label=f"group {k}", anchor=claims[k].id,
            members=[Member(c.id, c.doc_id, "Outlet 1", "agrees", "same", 0.9, "speaker:person:zelenski")
                     for c in claims[k : k + 10]],
            independent_origins=["Zelenskyy"],
        )
        for k in range(0, len(claims), 10)
    ]  # fmt: skip
    origins = {c.id: Origin("speaker:person:zelenski", "Zelenskyy", "speaker") for c in claims}
    corroboration = Corroboration(
        groups=groups, links=[], parents={}, contradictions=[], origins=origins, claims={c.id: c for c in claims},
        doc_sources={d.id: d.source or d.id for d in docs}, roots={},
    )  # fmt: skip
    ratings = {
        "sources": {f"Outlet {k}": {"grade": "BCDEF"[k % 5], "origin": "suggested"} for k in range(50)},
        "claims": {c.id: {"grade": str(1 + k % 6), "origin": "suggested"} for k, c in enumerate(claims)},
    }
    return Findings(
        documents=docs, mentions=mentions, places=places, claims=claims,
        entities=[Entity(id="per-z", label="PER", name="Volodymyr Zelenskyy", mention_count=n_docs)],
        corroboration=corroboration, ratings=ratings,
        custody={"entries": n_docs, "head": "0" * 64, "verified": True, "problems": []},
    )  # fmt: skip


def run(quick: bool = False) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n in [200] if quick else [1000, 10000]:
        findings = synthetic(n)
        with tempfile.TemporaryDirectory() as tmp:
            total = 0.0
            for fmt in FORMATS:
                t0 = time.perf_counter()
                written = write_all(findings, Path(tmp), formats=[fmt])
                dt = time.perf_counter() - t0
                total += dt
                path = written[fmt]
                size = sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size
                rows.append(
                    {"benchmark": "export", "metric": f"{fmt} seconds at N={n:,}", "value": dt,
                     "note": f"{size / 1e6:.1f} MB"}
                )  # fmt: skip
            target = "≤ 60 s" if n == 10000 else ""
            rows.append({"benchmark": "export", "metric": f"all formats seconds at N={n:,}", "value": total,
                         "target": target})  # fmt: skip
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run(quick="--quick" in sys.argv))
