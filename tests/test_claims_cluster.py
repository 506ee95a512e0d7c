"""Claim grouping at scale (osintkit/claims/cluster.py): same groups as the all-pairs method, order-invariant."""

from __future__ import annotations

import random
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osintkit.claims.cluster import EmbeddingCache, embed_cached, group_claims
from osintkit.errors import InputError, OsintkitError

THRESHOLD = 0.62
MAX_BONUS = 0.18


def planted(
    n_groups: int, noise_rows: int, *, seed: int, dim: int = 384, docs: int | None = None, copies: int = 0
) -> tuple[np.ndarray, list[str], list[str]]:
    """Random unit rows plus groups of near-duplicates at varied distances (cosines from about 0.4 to 0.9).

    Documents are drawn from a small pool, so groups meet the one-row-per-document rule; keys are shuffled so the
    row order says nothing. ``copies`` exact copies of grouped rows make ties, which only the keys can break.
    """
    rng = np.random.default_rng(seed)
    rows: list[np.ndarray] = []
    for _ in range(n_groups):
        centre = rng.standard_normal(dim)
        centre /= np.linalg.norm(centre)
        for _ in range(int(rng.integers(2, 7))):
            spread = rng.uniform(0.3, 1.2)
            rows.append(centre + spread * rng.standard_normal(dim) / np.sqrt(dim))
    rows.extend(rows[int(i)] for i in rng.integers(0, len(rows), copies))
    rows.extend(rng.standard_normal((noise_rows, dim)))
    emb = np.array(rows, dtype=np.float64)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    n = len(emb)
    pool = docs or max(2, n // 3)
    doc_keys = [f"doc{int(d)}" for d in rng.integers(0, pool, n)]
    order_keys = [f"claim-{k:06d}" for k in rng.permutation(n)]
    return emb.astype(np.float32), doc_keys, order_keys


def key_bonus(order_keys: Sequence[str]) -> Callable[[int, int], float]:
    """A symmetric bonus in [0, MAX_BONUS] that depends on the rows' keys, not their positions."""

    def bonus(i: int, j: int) -> float:
        a, b = sorted((order_keys[i], order_keys[j]))
        return MAX_BONUS * (zlib.crc32(f"{a}|{b}".encode()) % 4) / 3

    return bonus


def reference_groups(
    emb: np.ndarray,
    doc_keys: Sequence[str],
    order_keys: Sequence[str],
    bonus: Callable[[int, int], float] | None,
) -> list[list[int]]:
    """Today's method from corroborate(), literally: the average is a loop over every cross pair."""
    n = len(emb)
    e = emb.astype(np.float64)
    rank = {i: r for r, i in enumerate(sorted(range(n), key=order_keys.__getitem__))}
    cand: dict[tuple[int, int], float] = {}
    for i in range(n):
        for j in range(i + 1, n):
            cos = float(e[i] @ e[j])
            if doc_keys[i] != doc_keys[j] and cos >= THRESHOLD - MAX_BONUS:
                cand[(i, j)] = cos + (bonus(i, j) if bonus else 0.0)

    def pair_score(x: int, y: int) -> float:
        key = (x, y) if x < y else (y, x)
        return cand[key] if key in cand else float(e[x] @ e[y])

    clusters: dict[int, list[int]] = {i: [i] for i in range(n)}
    owner = list(range(n))
    pairs = sorted(
        ((v, i, j) for (i, j), v in cand.items() if v >= THRESHOLD),
        key=lambda p: (-p[0], min(rank[p[1]], rank[p[2]]), max(rank[p[1]], rank[p[2]])),
    )
    for _, i, j in pairs:
        a, b = owner[i], owner[j]
        if a == b or {doc_keys[x] for x in clusters[a]} & {doc_keys[x] for x in clusters[b]}:
            continue
        if np.mean([pair_score(x, y) for x in clusters[a] for y in clusters[b]]) < THRESHOLD:
            continue
        clusters[a].extend(clusters.pop(b))
        for x in clusters[a]:
            owner[x] = a
    return sorted(sorted(c) for c in clusters.values() if len(c) > 1)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("with_bonus", [False, True])
def test_exact_grouping_is_todays_method(seed: int, with_bonus: bool) -> None:
    emb, docs, keys = planted(25, 40, seed=seed, copies=10)
    bonus = key_bonus(keys) if with_bonus else None
    expected = reference_groups(emb, docs, keys, bonus)
    assert len(expected) >= 10, "the planted data must give real groups"
    assert any(len(g) >= 3 for g in expected)
    assert group_claims(emb, docs, keys, threshold=THRESHOLD, bonus=bonus, exact=True) == expected


def test_average_linkage_refuses_a_chain() -> None:
    # b is close to a and c, but a and c are far apart: the pair (b, c) alone scores 0.75, the average of a and b
    # against c does not reach the threshold.
    dim = 8
    a = np.eye(dim)[0]
    c = np.eye(dim)[1]
    b = (a + c) / np.linalg.norm(a + c) + 0.05 * np.eye(dim)[0]
    emb = np.array([a, b / np.linalg.norm(b), c], dtype=np.float32)
    groups = group_claims(emb, ["d1", "d2", "d3"], ["1", "2", "3"], threshold=THRESHOLD, exact=True)
    assert groups == [[0, 1]]
    assert reference_groups(emb, ["d1", "d2", "d3"], ["1", "2", "3"], None) == groups


@pytest.mark.parametrize("index", ["flat", "hnsw"])
def test_nearest_neighbour_grouping_matches_exact_on_planted_groups(index: str) -> None:
    emb, docs, keys = planted(400, 1500, seed=7, docs=2000)
    bonus = key_bonus(keys)
    exact = group_claims(emb, docs, keys, threshold=THRESHOLD, bonus=bonus, exact=True)
    approx = group_claims(emb, docs, keys, threshold=THRESHOLD, bonus=bonus, exact_below=0, neighbours=16, index=index)
    assert len(emb) > 2500 and len(exact) >= 300
    assert approx == exact


def test_a_group_holds_one_row_per_document() -> None:
    emb, docs, keys = planted(40, 20, seed=5, docs=12)  # few documents: many merges are refused
    for exact in (True, False):
        groups = group_claims(emb, docs, keys, threshold=THRESHOLD, exact=exact, exact_below=0)
        assert groups
        for g in groups:
            assert len({docs[i] for i in g}) == len(g)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle=st.integers(0, 10_000), method=st.sampled_from(["exact", "flat", "hnsw"]))
def test_permuting_rows_gives_the_same_groups(seed: int, shuffle: int, method: str) -> None:
    emb, docs, keys = planted(12, 30, seed=seed, copies=12)
    kwargs = {"threshold": THRESHOLD, "exact": method == "exact", "exact_below": 0, "neighbours": 6}
    if method != "exact":
        kwargs["index"] = method
    before = group_claims(emb, docs, keys, bonus=key_bonus(keys), **kwargs)  # type: ignore[arg-type]
    perm = list(range(len(emb)))
    random.Random(shuffle).shuffle(perm)
    p_keys = [keys[p] for p in perm]
    after = group_claims(emb[perm], [docs[p] for p in perm], p_keys, bonus=key_bonus(p_keys), **kwargs)  # type: ignore[arg-type]
    assert sorted(sorted(perm[i] for i in g) for g in after) == before


def _blocking_case() -> tuple[np.ndarray, list[str], list[str]]:
    # Rows 0-3 are one sentence in four reports; rows 4 and 5 another, close to it (cosine 0.7), both in report e.
    # With one neighbour each, 4 and 5 only find each other, which the one-row-per-document rule discards.
    dim = 16
    v, w = np.eye(dim)[0], np.eye(dim)[1]
    close = 0.7 * v + np.sqrt(1 - 0.49) * w
    emb = np.array([v, v, v, v, close, close], dtype=np.float32)
    return emb, ["a", "b", "c", "d", "e", "e"], ["r0", "r1", "r2", "r3", "r4", "r5"]


def test_a_shared_block_key_finds_what_the_neighbours_miss() -> None:
    emb, docs, keys = _blocking_case()
    common = {"threshold": THRESHOLD, "exact_below": 0, "neighbours": 1, "max_neighbours": 1, "index": "hnsw"}
    assert group_claims(emb, docs, keys, **common) == [[0, 1, 2, 3]]  # type: ignore[arg-type]
    blocks: list[set[str]] = [{"kursk"}, set(), set(), set(), {"kursk", "12,000 soldiers"}, set()]
    assert group_claims(emb, docs, keys, block_keys=blocks, **common) == [[0, 1, 2, 3, 4]]  # type: ignore[arg-type]
    assert group_claims(emb, docs, keys, threshold=THRESHOLD, exact=True) == [[0, 1, 2, 3, 4]]
    # A row whose one neighbour is above the floor may have more: searched again with more, it finds them.
    assert group_claims(emb, docs, keys, **{**common, "max_neighbours": 8}) == [[0, 1, 2, 3, 4]]  # type: ignore[arg-type]
    # A key shared by more rows than max_block says nothing and is skipped.
    skipped = group_claims(emb, docs, keys, block_keys=blocks, max_block=1, **common)  # type: ignore[arg-type]
    assert skipped == [[0, 1, 2, 3]]


def test_small_inputs() -> None:
    assert group_claims(np.zeros((0, 384), dtype=np.float32), [], [], threshold=THRESHOLD) == []
    one = np.eye(4, dtype=np.float32)[:1]
    assert group_claims(one, ["d"], ["k"], threshold=THRESHOLD) == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"doc_keys": ["a"]}, "doc_keys"),
        ({"order_keys": ["k", "k", "j"]}, "order_keys"),
        ({"block_keys": [set()]}, "block_keys"),
        ({"embeddings": np.ones(3, dtype=np.float32)}, "embeddings"),
        ({"bonus": lambda i, j: 0.5}, "bonus"),
        ({"neighbours": 0}, "neighbours"),
        ({"index": "ivf"}, "index"),
        ({"embeddings": np.array([[1, 0, 0], [2, 0, 0], [0, 0, 1]], dtype=np.float32)}, "embeddings"),
        ({"embeddings": np.array([[1, 0, 0], [np.nan, 0, 0], [0, 0, 1]], dtype=np.float32)}, "embeddings"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "embeddings": np.eye(3, dtype=np.float32),
        "doc_keys": ["a", "b", "c"],
        "order_keys": ["k1", "k2", "k3"],
        "threshold": 0.5,
        "max_bonus": 0.18,
    }
    args["embeddings"] = np.array([[1, 0, 0], [0.9, 0.436, 0], [0, 0, 1]], dtype=np.float32)
    args.update(kwargs)
    with pytest.raises(InputError, match=field) as info:
        group_claims(**args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert isinstance(info.value, OsintkitError) and isinstance(info.value, ValueError)


# -- embedding cache ----------------------------------------------------------------------------------------------

SENTENCES = [
    "Officials in Kharkiv said 300 civilians were evacuated on Monday.",
    "The Pentagon confirmed that 11,000 North Korean soldiers were deployed near Kursk.",
    "Residents of Odesa described long queues for water.",
]


def test_cached_embeddings_are_the_encoders(tmp_path: Path) -> None:
    from osintkit.entities.encoder import embed

    with EmbeddingCache(tmp_path / "emb.sqlite") as cache:
        got = embed_cached(SENTENCES, cache)
        assert len(cache) == 3
        assert got.shape == (3, 384) and got.dtype == np.float32
        np.testing.assert_allclose(got, embed(SENTENCES), atol=1e-5)
        again = embed_cached([SENTENCES[2], SENTENCES[0], SENTENCES[2]], cache)
        np.testing.assert_array_equal(again, got[[2, 0, 2]])


def test_a_growing_case_embeds_only_the_new_texts(tmp_path: Path) -> None:
    path = tmp_path / "emb.sqlite"
    marker = np.full((1, 384), 0.5, dtype=np.float32)
    with EmbeddingCache(path) as cache:
        cache.put_many(SENTENCES[:1], marker)  # a vector the encoder would never give: proof it was not re-run
    with EmbeddingCache(path) as cache:  # reopened: the cache is on disk
        got = embed_cached(SENTENCES, cache)
        assert len(cache) == 3
    np.testing.assert_array_equal(got[0], marker[0])
    assert abs(float(np.linalg.norm(got[1])) - 1.0) < 1e-4
    with EmbeddingCache(path, model="another encoder") as other:
        assert len(other) == 0 and other.get_many(SENTENCES) == {}


def test_the_default_cache_lives_in_the_kits_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSINTKIT_CACHE_DIR", str(tmp_path))
    embed_cached(SENTENCES[:1])
    with sqlite3.connect(tmp_path / "embeddings.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] == 1


def test_an_unreadable_cache_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "emb.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.warns(RuntimeWarning, match=r"emb\.sqlite: embedding cache unreadable"):
        cache = EmbeddingCache(path)
    with cache:
        assert len(cache) == 0
    assert (tmp_path / "emb.sqlite.corrupt").read_bytes().startswith(b"this is not")


def test_embedding_on_a_dask_client(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    from osintkit.entities.encoder import embed

    with (
        # Threads in this process, talking TCP on loopback (the in-memory transport looks up a public address).
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,
            protocol="tcp://",
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
        EmbeddingCache(tmp_path / "emb.sqlite") as cache,
    ):
        got = embed_cached(SENTENCES, cache, client=client, partition_size=2)
        assert len(cache) == 3
    np.testing.assert_allclose(got, embed(SENTENCES), atol=1e-5)


# -- across languages ---------------------------------------------------------------------------------------------

KURSK = 538555
SUDZHA = 486816


def test_a_ukrainian_row_joins_the_english_report_of_the_same_figure() -> None:
    from osintkit.claims.cluster import Neutral, group_across_languages

    neutral = [
        Neutral(figures=frozenset({"11000|"}), places=frozenset({KURSK})),  # en: 11,000 troops in the Kursk region
        Neutral(figures=frozenset({"11000|"}), places=frozenset({KURSK})),  # uk: 11 тисяч ... у Курській області
        Neutral(figures=frozenset({"3000|"}), places=frozenset({KURSK})),  # ru: 3 тыс. ... в Курской области
        Neutral(figures=frozenset({"11000|"})),  # uk: the same figure, nothing else shared: not one report
    ]
    groups = group_across_languages([], neutral, ["en", "uk", "ru", "uk"], ["a", "b", "c", "d"], ["1", "2", "3", "4"])
    assert groups == [[0, 1]]


def test_without_a_figure_two_of_speaker_place_and_date_must_agree() -> None:
    from osintkit.claims.cluster import Neutral, group_across_languages

    zelensky = frozenset({"speaker:entity:ent-PERSON-volodymyr-zelensky"})
    neutral = [
        Neutral(entities=zelensky, places=frozenset({SUDZHA}), dates=frozenset({"2024-12-05"})),
        Neutral(entities=zelensky, places=frozenset({SUDZHA})),
        Neutral(entities=zelensky, dates=frozenset({"2024-12-06"})),
    ]
    groups = group_across_languages([], neutral, ["en", "uk", "ru"], ["a", "b", "c"], ["1", "2", "3"])
    assert groups == [[0, 1]]


def test_english_groups_are_never_joined_through_another_language() -> None:
    from osintkit.claims.cluster import Neutral, group_across_languages

    same = Neutral(figures=frozenset({"11000|"}), places=frozenset({KURSK}))
    neutral = [same] * 5
    languages = ["en", "en", "en", "en", "uk"]
    # The encoder put rows 0-1 and 2-3 apart; the Ukrainian row joins one of them (the first by order key), and
    # that group never takes the other English group in.
    groups = group_across_languages([[0, 1], [2, 3]], neutral, languages, list("abcde"), ["5", "4", "3", "2", "1"])
    assert groups == [[0, 1], [2, 3, 4]]
    # English alone: exactly the encoder's groups, whatever the neutral parts say.
    assert group_across_languages([[0, 1]], neutral[:4], ["en"] * 4, list("abcd"), list("1234")) == [[0, 1]]


def test_the_encoders_groups_of_text_it_cannot_read_are_undone() -> None:
    from osintkit.claims.cluster import Neutral, group_across_languages

    neutral = [
        Neutral(figures=frozenset({"11000|"}), places=frozenset({KURSK})),  # en
        Neutral(figures=frozenset({"11000|"}), places=frozenset({KURSK})),  # uk: 11 тисяч
        Neutral(figures=frozenset({"3000|"}), places=frozenset({KURSK})),  # ru: 3 тысячи, which the encoder grouped
    ]
    groups = group_across_languages([[1, 2]], neutral, ["en", "uk", "ru"], list("abc"), list("123"))
    assert groups == [[0, 1]]


def test_one_row_per_document_across_languages() -> None:
    from osintkit.claims.cluster import Neutral, group_across_languages

    same = Neutral(figures=frozenset({"40|km"}), dates=frozenset({"2024-12-05"}))
    groups = group_across_languages([], [same] * 3, ["en", "uk", "uk"], ["a", "b", "b"], ["1", "2", "3"])
    assert groups == [[0, 1]]


@pytest.mark.parametrize("seed", range(4))
def test_grouping_across_languages_ignores_row_order(seed: int) -> None:
    from osintkit.claims.cluster import Neutral, group_across_languages

    rng = random.Random(seed)
    figures = ["11000|", "3000|", "40|km", "15|%"]
    rows = [
        (Neutral(figures=frozenset({rng.choice(figures)}), places=frozenset({rng.choice([KURSK, SUDZHA])})),
         rng.choice(["en", "uk", "ru"]), f"doc{rng.randrange(8)}", f"claim-{i:03d}")
        for i in range(40)
    ]  # fmt: skip
    encoder = [[i for i, r in enumerate(rows) if r[1] == "en" and r[0].figures == {f}][:2] for f in figures]
    encoder = [g for g in encoder if len(g) == 2 and rows[g[0]][2] != rows[g[1]][2]]

    def run(order: list[int]) -> set[frozenset[str]]:
        back = {old: new for new, old in enumerate(order)}
        groups = group_across_languages(
            [[back[i] for i in g] for g in encoder],
            [rows[i][0] for i in order],
            [rows[i][1] for i in order],
            [rows[i][2] for i in order],
            [rows[i][3] for i in order],
        )
        return {frozenset(rows[order[i]][3] for i in g) for g in groups}

    first = run(list(range(40)))
    assert first  # something joined, so the comparison below means something
    shuffled = list(range(40))
    rng.shuffle(shuffled)
    assert run(shuffled) == first


def test_corroborate_groups_a_ukrainian_post_with_an_english_article(tmp_path: Path) -> None:
    import osintkit as ok
    from osintkit.claims import corroborate, extract_claims
    from osintkit.model import Claim

    (tmp_path / "en.txt").write_text(
        "Published: 2024-12-05\n\nUkraine's military intelligence said 11,000 North Korean soldiers had arrived in "
        "the Kursk region. Officials in Seoul said a further 3,000 soldiers were training near Vladivostok.\n",
        encoding="utf-8",
    )
    (tmp_path / "uk.txt").write_text(
        "Published: 2024-12-05\n\nЗа даними розвідки, до Курської області прибули 11 тисяч військових КНДР.\n",
        encoding="utf-8",
    )
    docs = {d.language: d for d in ok.load(tmp_path)}
    assert set(docs) == {"en", "uk"}
    english = extract_claims(docs["en"])
    troops = next(c for c in english if any(q.value == 11000 for q in c.quantities))
    assert any(q.value == 3000 for c in english for q in c.quantities)
    sentence = docs["uk"].text.strip().splitlines()[-1]
    start = docs["uk"].text.index(sentence)
    # The Ukrainian claim as the claim extractor gives it (figures are read to values and places kept as written).
    ukrainian = Claim(
        id="clm-uk-1", doc_id=docs["uk"].id, sentence=sentence, sentence_start=start,
        sentence_end=start + len(sentence), content=sentence, content_start=start, content_end=start + len(sentence),
        claimant="розвідка", claimant_type="organisation", cue="за даними", direct=False, hedged=False,
        quantities=[{"value": 11000.0, "text": "11 тисяч", "unit": None, "counted": "військових"}],
        places=["Курської області"],
    )  # fmt: skip
    from osintkit.claims.cluster import neutral_parts

    parts = neutral_parts(ukrainian)
    assert parts.places == {KURSK} and parts.figures == {"11000|"}  # the oblast found in the genitive
    assert KURSK in neutral_parts(troops).places
    result = corroborate([*english, ukrainian], list(docs.values()))
    (group,) = [g for g in result.groups if "clm-uk-1" in {m.claim_id for m in g.members}]
    assert {m.claim_id for m in group.members} == {troops.id, "clm-uk-1"}
    # English alone groups as before: the Ukrainian claim only adds itself.
    alone = corroborate(english, [docs["en"]])
    others = [g for g in result.groups if "clm-uk-1" not in {m.claim_id for m in g.members}]
    assert [sorted(m.claim_id for m in g.members) for g in alone.groups] == [
        sorted(m.claim_id for m in g.members) for g in others
    ]
