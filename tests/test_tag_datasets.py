"""Mapping the training sets onto one scheme (re3d's and GUM's conventions turned into names-only spans), and the
scorer."""

from __future__ import annotations

import pytest

from osintkit.errors import InputError
from osintkit.training.datasets import (
    Sentence,
    _country_names,
    _re3d_spans,
    bio_spans,
    bootstrap_f1,
    gum_tags,
    resampling_unit,
    score_sets,
    word_spans,
)


def _mapped(text: str, typ: str) -> list[tuple[str, str]]:
    words = [text[s:e] for s, e in word_spans(text)]
    return [(" ".join(words[a:b]), t) for a, b, t in _re3d_spans(words, 0, len(words), typ, _country_names())]


@pytest.mark.parametrize(
    ("annotated", "typ", "expected"),
    [
        ("the Kurdish YPG", "ORG", [("Kurdish YPG", "ORG")]),
        ("The UN Security Council", "ORG", [("UN Security Council", "ORG")]),
        ("The U.S.", "ORG", [("U.S.", "LOC")]),  # a state acting is still a place in the CoNLL scheme
        ("We", "ORG", []),
        ("I", "PER", []),
        ("Iraqi service members", "ORG", []),  # a description, not a name
        ("Minister for the Middle East Tobias Ellwood", "PER", [("Tobias Ellwood", "PER")]),
        ("Prime Minister Haider al-Abadi", "PER", [("Haider al-Abadi", "PER")]),
        ("Gen. Joseph L. Votel", "PER", [("Joseph L . Votel", "PER")]),
        ("U.S. Secretary of Defense Ash Carter", "PER", [("Ash Carter", "PER")]),
        ("the Foreign Secretary", "PER", []),
        ("U.S. Secretary of State Kerry", "PER", [("Kerry", "PER")]),
        # A role's object is not the person: these once became "Refugees", "Museums", "Asia" as PER.
        ("the UN High Commissioner for Refugees", "PER", []),
        ("Acting General Director of the Office of Museums", "PER", []),
        ("The Minister for Central Asia", "PER", []),
        ("commander of the Amphibious Task Group", "PER", []),
        ("the U.S. Embassy Chargé d’Affaires", "PER", []),
        ("the Special Advisor to Ambassador Saperstein for Religious Minorities", "PER", [("Saperstein", "PER")]),
        ("UK Special Representative for Syria", "PER", []),
        ("Vermillion, South Dakota", "LOC", [("Vermillion", "LOC"), ("South Dakota", "LOC")]),
        ("Kursk", "LOC", [("Kursk", "LOC")]),
        ("U.S. service members", "ORG", [("U.S.", "LOC")]),
        ("the Syrians", "ORG", []),
        ("Iraqi", "NORP", []),
        ("U.S.", "NORP", [("U.S.", "LOC")]),
        ("We've", "ORG", []),
        ("the UK Special Representative", "ORG", [("UK", "LOC")]),  # a role headed by a country
        (
            "the Foreign Ministers of Iran, Saudi Arabia, Emirates",
            "ORG",
            [("Iran", "LOC"), ("Saudi Arabia", "LOC"), ("Emirates", "LOC")],
        ),
        ("the Ministers of Foreign Affairs", "ORG", []),  # one name after the role must be a country
        ("the Foreign Ministers", "ORG", []),
        ("the Karrada district of Baghdad", "LOC", [("Karrada", "LOC"), ("Baghdad", "LOC")]),
        ("the Syrian town of Dabiq", "LOC", [("Dabiq", "LOC")]),
        ("Islamic State of Iraq and the Levant", "ORG", [("Islamic State of Iraq and the Levant", "ORG")]),
        ("al-Qaeda in Iraq", "ORG", [("al-Qaeda in Iraq", "ORG")]),
        ("U.S. Navy", "ORG", [("U.S. Navy", "ORG")]),
        ("Bank of England", "ORG", [("Bank of England", "ORG")]),
    ],
)
def test_re3d_mentions_become_conll_style_names(annotated: str, typ: str, expected: list[tuple[str, str]]) -> None:
    assert _mapped(annotated, typ) == expected


def _gum(annotated: str) -> list[tuple[str, str]]:
    """GUM's spans, written "[words]/TYPE" in running text, after ``gum_tags``."""
    tokens: list[str] = []
    tags: list[str] = []
    for chunk in annotated.replace("]/", "]").split("["):
        inside, _, rest = chunk.partition("]") if "]" in chunk else ("", "", chunk)
        if inside:
            typ, rest = rest[:3], rest[3:]
            words = inside.split()
            tokens += words
            tags += [f"B-{typ}"] + [f"I-{typ}"] * (len(words) - 1)
        tokens += rest.split()
        tags += ["O"] * len(rest.split())
    return [(" ".join(tokens[a:b]), t) for a, b, t in bio_spans(gum_tags(tokens, tags))]


@pytest.mark.parametrize(
    ("annotated", "expected"),
    [
        ("by the National Aeronautics and [Space Administration]/ORG ( NASA )",
         [("National Aeronautics and Space Administration", "ORG")]),
        ("The Salt and [Verde Rivers]/LOC meet", [("Salt and Verde Rivers", "LOC")]),
        ("[Kirk M. Bart and Celeste Pollock]/PER", [("Kirk M. Bart", "PER"), ("Celeste Pollock", "PER")]),
        ("[Gerald and Sherri Padalecki]/PER", [("Gerald", "PER"), ("Sherri Padalecki", "PER")]),
        ("[Gary Chan of DAB and Eunice Yung of New People]/PER", [("Gary Chan", "PER"), ("Eunice Yung", "PER")]),
        ("[Matthew Ingram of The Globe and Mail]/PER", [("Matthew Ingram", "PER")]),
        ("[Hilary of Poitiers]/PER", [("Hilary of Poitiers", "PER")]),  # a name with "of" stays whole
        ("the President [of the United States]/PER", []),
        ("a [critic]/PER", []),
        ("Major [general Fuad Basya]/PER", [("Fuad Basya", "PER")]),
        ("[du Motel]/PER", [("du Motel", "PER")]),
        ("Mary - Kate and [Ashley Olsen]/PER", [("Ashley Olsen", "PER")]),  # people are not extended
        ("[Kennedy Space Center]/LOC", [("Kennedy Space Center", "LOC")]),
    ],
)  # fmt: skip
def test_gum_spans_become_conll_style_names(annotated: str, expected: list[tuple[str, str]]) -> None:
    assert _gum(annotated) == expected


def _spans(doc_sizes: list[tuple[int, int]]) -> tuple[set, set, dict[int, str]]:  # type: ignore[type-arg]
    """Gold and predicted spans for documents of one sentence each: (names, of which found) per document."""
    gold, pred, doc_of = set(), set(), {}
    for i, (names, found) in enumerate(doc_sizes):
        doc_of[i] = f"doc-{i}"
        for j in range(names):
            gold.add((i, j, j + 1, "PER"))
            if j < found:
                pred.add((i, j, j + 1, "PER"))
    return gold, pred, doc_of


def test_bootstrap_interval_brackets_the_score_and_narrows_with_more_documents() -> None:
    few = [(10, 10), (10, 2), (10, 8), (10, 5)]
    gold, pred, doc_of = _spans(few)
    point = score_sets(gold, pred)["micro"]["f1"]
    lo, hi = bootstrap_f1(gold, pred, doc_of, seed=1)
    assert lo < point < hi
    assert bootstrap_f1(gold, pred, doc_of, seed=1) == (lo, hi)  # seeded: the benchmark prints stable figures
    many_gold, many_pred, many_doc_of = _spans(few * 25)
    many_lo, many_hi = bootstrap_f1(many_gold, many_pred, many_doc_of, seed=1)
    assert many_hi - many_lo < (hi - lo) / 2


def test_bootstrap_resamples_documents_not_sentences() -> None:
    # One document that misses everything, spread over many sentences, counts as one draw.
    gold, pred, doc_of = _spans([(5, 5)] * 9 + [(1, 0)] * 20)
    doc_of.update({i: "doc-bad" for i in range(9, 29)})
    _, hi = bootstrap_f1(gold, pred, doc_of, seed=1)
    assert hi == 1.0  # a resample without the bad document is perfect
    assert bootstrap_f1(gold, gold, doc_of) == (1.0, 1.0)


def test_bootstrap_refuses_spans_without_a_document() -> None:
    gold, pred, doc_of = _spans([(3, 1), (3, 2)])
    del doc_of[1]
    with pytest.raises(InputError, match="sentence 1"):
        bootstrap_f1(gold, pred, doc_of)
    with pytest.raises(ValueError, match="level"):
        bootstrap_f1(gold, pred, {0: "d", 1: "d"}, level=1.5)


def test_paired_difference_sees_a_small_consistent_gain_that_separate_intervals_miss() -> None:
    # Documents of very different difficulty; model b finds one more name than a in every one of them.
    sizes = [(10, 9), (10, 2), (10, 6), (10, 4), (10, 8), (10, 3)] * 4
    gold, pred_a, doc_of = _spans(sizes)
    _, pred_b, _ = _spans([(n, found + 1) for n, found in sizes])
    lo, hi = bootstrap_f1(gold, pred_b, doc_of, versus=pred_a, seed=3)
    assert 0 < lo <= hi
    _, a_hi = bootstrap_f1(gold, pred_a, doc_of, seed=3)
    b_lo, _ = bootstrap_f1(gold, pred_b, doc_of, seed=3)
    assert b_lo < a_hi  # apart, the two intervals overlap
    assert bootstrap_f1(gold, pred_a, doc_of, versus=pred_a) == (0.0, 0.0)
    back_lo, back_hi = bootstrap_f1(gold, pred_a, doc_of, versus=pred_b, seed=3)
    assert back_hi < 0 and back_lo < -lo


def test_resampling_units_follow_the_split() -> None:
    def unit(source: str, doc: str) -> str:
        return resampling_unit(Sentence(["x"], ["O"], source, doc))

    assert unit("gmb", "gmb-9375") == unit("gmb", "gmb-9399") == "gmb-block-375"  # 25-sentence blocks
    assert unit("gmb", "gmb-9400") == "gmb-block-376"
    assert unit("btc", "btc-f-851") == "btc-f-block-34"
    assert unit("wikigold", "wikigold-12") == "wikigold-12"  # articles are documents already
    assert unit("wnut17", "wnut17-test-4") == "wnut17-test-4"


@pytest.mark.parametrize("name", ["wikigold", "gmb", "wnut17"])
def test_misc_is_kept_only_when_asked_and_changes_nothing_else(shared_data, name: str) -> None:  # type: ignore[no-untyped-def]
    from osintkit.training.datasets import bio_spans, load_corpus

    plain = load_corpus(name, "dev", shared_data)
    with_misc = load_corpus(name, "dev", shared_data, misc=True)
    assert [s.tokens for s in plain] == [s.tokens for s in with_misc]
    misc_spans = 0
    for a, b in zip(plain, with_misc, strict=True):
        spans = bio_spans(b.tags)
        misc_spans += sum(t == "MISC" for *_, t in spans)
        assert bio_spans(a.tags) == [x for x in spans if x[2] != "MISC"]
    assert misc_spans > 10
    assert not any(t.endswith("MISC") for s in plain for t in s.tags)


def _sentence(words: str, source: str, doc: str) -> Sentence:
    tokens = words.split()
    return Sentence(tokens, ["O"] * len(tokens), source, doc)


def test_packing_joins_consecutive_sentences_of_one_document_only() -> None:
    from osintkit.training.datasets import pack_sentences

    sents = [
        _sentence("Caloi is a Brazilian maker .", "wikigold", "a"),
        _sentence("Caloi won .", "wikigold", "a"),
        _sentence("It was founded in 1898 by Luigi Caloi .", "wikigold", "a"),
        _sentence("Another article .", "wikigold", "b"),
        _sentence("a tweet", "wnut17", "t1"),
        _sentence("another tweet", "wnut17", "t1"),
    ]
    packed = pack_sentences(sents, 12)
    assert [(len(p.tokens), p.starts, p.doc) for p in packed] == [
        (9, [0, 6], "a"),  # the third sentence would take the window past 12 words
        (9, None, "a"),
        (3, None, "b"),  # never across articles
        (2, None, "t1"),  # tweets stand alone, even in one block
        (2, None, "t1"),
    ]
    assert packed[0].tokens == sents[0].tokens + sents[1].tokens
    assert packed[0].tags == sents[0].tags + sents[1].tags
    assert pack_sentences(sents, 0) == sents


# --- helpers: IOB and scorer -------------------------------------------------------------------------------------


def test_iob1_to_iob2_and_spans() -> None:
    from osintkit.training.datasets import bio_spans, to_iob2

    tags = to_iob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"])
    assert tags == ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "B-ORG"]
    assert bio_spans(tags) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]


def test_scorer_counts_exact_spans_only() -> None:
    from osintkit.training.datasets import score_spans

    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    pred = [["B-PER", "O", "O", "B-LOC"]]
    s = score_spans(gold, pred)
    assert s["LOC"]["f1"] == 1.0
    assert s["PER"]["precision"] == 0.0 and s["PER"]["recall"] == 0.0
    assert s["micro"]["precision"] == 0.5 and s["micro"]["recall"] == 0.5
