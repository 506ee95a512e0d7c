"""Entity normalisation: name variants, surname back-references, exonyms, and analyst edits in a real case."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import pytest

from osintkit import Case, CaseError, Document, InputError, Mention
from osintkit.entities.normalise import (
    entities_frame,
    link_entities,
    merge_entities,
    normalise_case,
    relabel_entity,
    split_entity,
)
from osintkit.entities.rules import rule_mentions


def M(text: str, label: str, doc: str = "doc-1", start: int = 0) -> Mention:
    return Mention(start, start + len(text), text, label, 0.9, "model", doc_id=doc)


def by_name(entities: list) -> dict:
    return {e.name: e for e in entities}


def test_person_variants_are_one_entity() -> None:
    mentions = [M("Volodymyr Zelenskyy", "PERSON"), M("Zelenskyy", "PERSON"), M("Zelensky", "PERSON"),
                M("President Zelenskiy", "PERSON", "doc-2")]  # fmt: skip
    (entity,) = link_entities(mentions)
    assert entity.id == "ent-PERSON-volodymyr-zelenskyy"
    assert entity.name == "Volodymyr Zelenskyy"
    assert entity.aliases == ["President Zelenskiy", "Zelensky", "Zelenskyy"]
    assert entity.mention_count == 4 and entity.doc_ids == ["doc-1", "doc-2"]
    assert {m.entity_id for m in mentions} == {entity.id}


def test_surname_back_reference_and_ambiguity() -> None:
    mentions = [M("John Kirby", "PERSON"), M("Kirby", "PERSON", "doc-2"), M("Joe Biden", "PERSON"),
                M("Jill Biden", "PERSON"), M("Biden", "PERSON", "doc-3")]  # fmt: skip
    entities = by_name(link_entities(mentions))
    assert entities["John Kirby"].aliases == ["Kirby"]
    assert "Biden" in entities  # two full names end in Biden and neither is in doc-3: left apart
    local = [M("Joe Biden", "PERSON", "doc-9"), M("Biden", "PERSON", "doc-9"), M("Jill Biden", "PERSON")]
    assert by_name(link_entities(local))["Joe Biden"].mention_count == 2  # the same document's full name wins


def test_exonyms_orgs_and_norp() -> None:
    mentions = [M("Kyiv", "LOC"), M("Kiev", "LOC", "doc-2"), M("U.S.", "LOC"), M("United States", "LOC"),
                M("Ukrainian Security Service", "ORG"), M("Ukrainian security service", "ORG"),
                M("North Korean", "NORP"), M("North Koreans", "NORP"), M("11,000", "QUANTITY")]  # fmt: skip
    entities = by_name(link_entities(mentions))
    assert entities["Kyiv"].id == "ent-LOC-kyiv" and entities["Kyiv"].aliases == ["Kiev"]
    assert entities["United States"].mention_count == 2
    assert entities["Ukrainian Security Service"].aliases == ["Ukrainian security service"]
    assert entities["North Korean"].mention_count == 2
    assert mentions[-1].entity_id is None  # quantities are values, not entities
    only_kiev = link_entities([M("Kiev", "LOC")])
    assert [(e.id, e.name) for e in only_kiev] == [("ent-LOC-kyiv", "Kyiv")]


def test_different_people_stay_apart() -> None:
    mentions = [M("Ivanov", "PERSON"), M("Ivanova", "PERSON"), M("Kim Jong Un", "PERSON"), M("Kim Jong Il", "PERSON")]
    assert len(link_entities(mentions)) == 4


def test_linking_is_deterministic() -> None:
    names = [
        ("Volodymyr Zelenskyy", "PERSON"), ("Zelensky", "PERSON"), ("John Kirby", "PERSON"), ("Kirby", "PERSON"),
        ("Kiev", "LOC"), ("Kyiv", "LOC"), ("Russia", "LOC"), ("NSC", "ORG"), ("National Security Council", "ORG"),
    ]  # fmt: skip
    first = link_entities([M(t, lab) for t, lab in names])
    shuffled = names[:]
    random.Random(7).shuffle(shuffled)
    assert link_entities([M(t, lab) for t, lab in shuffled]) == first


# -- in a real case --------------------------------------------------------------------------------------------

SECOND = (
    "Kirby told reporters in Kiev that the SBU questioned the men. Zelensky thanked the SBU. "
    "Zelensky later met officials."
)


def make_doc(text: str, published: str) -> Document:
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(id=Document.make_id(sha), text=text, sha256=sha, loader="test", retrieved=published,
                    published=published)  # fmt: skip


def model_like(text: str, names: dict[str, str]) -> list[Mention]:
    """What a model would return for these names (the model itself is tested elsewhere)."""
    out = [
        Mention(m.start(), m.end(), m.group(0), label, 0.9, "model")
        for name, label in names.items()
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text)
    ]
    taken: list[Mention] = []
    for m in sorted(out, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(m.start < t.end and t.start < m.end for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


NAMES = {
    "Volodymyr Zelenskyy": "PERSON", "Zelenskyy": "PERSON", "Zelensky": "PERSON", "John Kirby": "PERSON",
    "Kirby": "PERSON", "Kyiv": "LOC", "Kiev": "LOC", "Kursk": "LOC", "Russia": "LOC", "Ukraine": "LOC",
    "North Korea": "LOC", "Pyongyang": "LOC", "Ukrainian Security Service": "ORG",
    "Ukrainian security service": "ORG", "SBU": "ORG", "White House National Security Council": "ORG",
}  # fmt: skip


@pytest.fixture
def case(tmp_path: Path, seed_text: str):
    with Case(tmp_path / "case.sqlite", actor="analyst") as c:
        docs = [make_doc(seed_text, "2025-01-12"), make_doc(SECOND, "2025-01-13")]
        c.add_documents(docs)
        for doc in docs:
            c.replace_mentions(doc.id, tag_like(doc))
        yield c


def tag_like(doc: Document) -> list[Mention]:
    model = model_like(doc.text, NAMES)
    rules = [m for m in rule_mentions(doc.text, doc.published)
             if not any(m.start < x.end and x.start < m.end for x in model)]  # fmt: skip
    return sorted(model + rules, key=lambda m: m.start)


def entity_of(case: Case, text: str) -> set[str | None]:
    return {m.entity_id for m in case.mentions() if m.text == text}


def test_normalise_case_stores_entities(case: Case) -> None:
    entities = by_name(normalise_case(case))
    zelenskyy = entities["Volodymyr Zelenskyy"]
    assert zelenskyy.id == "ent-PERSON-volodymyr-zelenskyy"
    assert set(zelenskyy.aliases) == {"Zelenskyy", "Zelensky"} and len(zelenskyy.doc_ids) == 2
    assert entity_of(case, "Kirby") == entity_of(case, "John Kirby") == {"ent-PERSON-john-kirby"}
    assert entity_of(case, "Kiev") == entity_of(case, "Kyiv") == {"ent-LOC-kyiv"}
    assert entity_of(case, "Ukrainian security service") == {"ent-ORG-ukrainian-security-service"}
    assert entity_of(case, "North Korean") == {"ent-NORP-north-korean"}
    assert entity_of(case, "11,000") == {None}
    frame = entities_frame(case)
    assert list(frame.columns) == ["id", "label", "name", "aliases", "mentions", "documents", "doc_ids", "merged"]
    row = frame.set_index("id").loc["ent-PERSON-volodymyr-zelenskyy"]
    assert row["mentions"] == zelenskyy.mention_count and row["documents"] == 2
    assert {e.id for e in case.entities()} == {e.id for e in entities.values()}
    # a second run changes nothing and logs nothing new
    size = len(case.custody())
    normalise_case(case)
    assert len(case.custody()) == size


def test_merge_split_relabel_are_stored_logged_and_survive(case: Case) -> None:
    normalise_case(case)
    assert entity_of(case, "SBU") == {"ent-ORG-ukrainian-security-service"}  # the acronym table
    sbu = [(m.doc_id or "", m.start, m.end) for m in case.mentions() if m.text == "SBU"]
    apart = split_entity(case, "ent-ORG-ukrainian-security-service", sbu, name="SBU")  # an analyst disagrees...
    assert apart.id == "ent-ORG-sbu" and entity_of(case, "SBU") == {"ent-ORG-sbu"}
    merged = merge_entities(  # ...then changes their mind, and names the entity
        case, ["ent-ORG-ukrainian-security-service", "ent-ORG-sbu"], name="Security Service of Ukraine"
    )
    assert merged.id == "ent-ORG-ukrainian-security-service" and merged.name == "Security Service of Ukraine"
    assert "SBU" in merged.aliases
    assert {r["alias"]: r["rule"] for r in merged.merged}["SBU"] == "acronym-table"  # the table's reason holds
    assert entity_of(case, "SBU") == {"ent-ORG-ukrainian-security-service"}
    assert "ent-ORG-sbu" not in {e.id for e in case.entities()}

    second_doc = next(d for d in case.documents() if d.text == SECOND)
    first_zelensky = next(m for m in case.mentions(second_doc.id) if m.text == "Zelensky")
    where = (second_doc.id, first_zelensky.start, first_zelensky.end)
    split = split_entity(case, "ent-PERSON-volodymyr-zelenskyy", [where], name="Oleksandr Zelensky")
    assert split.id == "ent-PERSON-oleksandr-zelensky" and split.mention_count == 1
    assert split.merged == [{"alias": "Zelensky", "rule": "analyst", "reason": "an analyst's entity edit"}]

    relabelled = relabel_entity(case, "ent-ORG-white-house-national-security-council", "loc")
    assert relabelled.label == "LOC" and relabelled.id == "ent-ORG-white-house-national-security-council"

    actions = [e.action for e in case.custody()]
    assert {"entity-merge", "entity-split", "entity-relabel"} <= set(actions)
    assert [e["op"] for e in case.entity_edits()] == ["split", "merge", "split", "relabel"]

    # re-tag every document (mentions come back unlinked), then re-normalise: the edits still hold
    for doc in case.documents():
        case.replace_mentions(doc.id, tag_like(doc))
    assert entity_of(case, "SBU") == {None}
    entities = by_name(normalise_case(case))
    assert entity_of(case, "SBU") == {"ent-ORG-ukrainian-security-service"}
    assert entities["Security Service of Ukraine"].mention_count == 4
    zelensky_ids = [m.entity_id for m in case.mentions(second_doc.id) if m.text == "Zelensky"]
    assert zelensky_ids == ["ent-PERSON-oleksandr-zelensky", "ent-PERSON-volodymyr-zelenskyy"]
    assert entities["White House National Security Council"].label == "LOC"
    assert case.verify().ok


def test_merge_follows_a_member_whose_id_changes(tmp_path: Path) -> None:
    with Case(tmp_path / "c.sqlite") as case:
        one = make_doc("Zelensky spoke to Kirby.", "2025-01-12")
        case.add_documents([one])
        case.replace_mentions(one.id, model_like(one.text, {"Zelensky": "PERSON", "Kirby": "PERSON"}))
        normalise_case(case)
        merge_entities(case, ["ent-PERSON-kirby", "ent-PERSON-zelensky"])  # a deliberate (odd) analyst choice
        two = make_doc("Volodymyr Zelensky arrived.", "2025-01-13")
        case.add_documents([two])
        case.replace_mentions(two.id, model_like(two.text, {"Volodymyr Zelensky": "PERSON"}))
        entities = normalise_case(case)
        # the Zelensky entity is now "ent-PERSON-volodymyr-zelensky", and still merged into Kirby
        assert [e.id for e in entities] == ["ent-PERSON-kirby"]
        assert entities[0].mention_count == 3


def test_edit_errors(case: Case) -> None:
    normalise_case(case)
    with pytest.raises(CaseError, match="no entity"):
        merge_entities(case, ["ent-PERSON-nobody", "ent-LOC-kyiv"])
    with pytest.raises(InputError):
        merge_entities(case, ["ent-LOC-kyiv"])
    with pytest.raises(InputError, match="no mention"):
        split_entity(case, "ent-LOC-kyiv", [("doc-x", 0, 1)])
    with pytest.raises(InputError, match="label"):
        relabel_entity(case, "ent-LOC-kyiv", "not a label!")
    assert case.entity_edits() == []


# -- one entity across scripts ----------------------------------------------------------------------------------


def test_an_english_article_and_ukrainian_and_russian_posts_name_one_person_and_one_place(tmp_path: Path) -> None:
    import osintkit as ok
    from osintkit.pipeline import _store_analysis, analyse_documents

    (tmp_path / "en.txt").write_text(
        "Ukrainian President Volodymyr Zelensky said on Thursday that troops still held ground in the Kursk region. "
        "Zelenskyy thanked allies. Kremlin spokesman Dmitry Peskov denied it.",
        encoding="utf-8",
    )
    (tmp_path / "uk.txt").write_text(
        "Президент України Володимир Зеленський заявив, що ЗСУ утримують позиції в Курській області. "
        "Звернення Зеленського опублікував Офіс президента.",
        encoding="utf-8",
    )
    (tmp_path / "ru.txt").write_text(
        "Пресс-секретарь Кремля Дмитрий Песков заявил, что слова Владимира Зеленского о Курской области не "
        "соответствуют действительности.",
        encoding="utf-8",
    )
    docs = ok.load(tmp_path)
    with Case(tmp_path / "case.sqlite") as case:
        case.add_documents(docs, raw=docs.raw)
        for result in analyse_documents(list(docs)):
            _store_analysis(case, result)
        entities = {e.id: e for e in normalise_case(case)}
        stored = {e.id: e for e in case.entities()}
        assert case.verify().ok

    person = entities["ent-PERSON-volodymyr-zelensky"]
    assert person.name == "Volodymyr Zelensky"
    assert set(person.aliases) == {"Zelenskyy", "Володимир Зеленський", "Зеленського", "Владимира Зеленского"}
    assert len(person.doc_ids) == 3
    rows = {r["alias"]: r for r in person.merged}
    assert rows["Володимир Зеленський"]["rule"] == "script"
    assert "'Volodymyr Zelenskyi' (Ukraine's national system" in rows["Володимир Зеленський"]["reason"]
    assert "'Vladimir Zelenskii' (ICAO Doc 9303" in rows["Владимира Зеленского"]["reason"]
    assert stored[person.id].merged == person.merged  # the reasons are in the case, as every merge's are
    assert "Дмитрий Песков" in entities["ent-PERSON-dmitry-peskov"].aliases

    (kursk,) = [e for e in entities.values() if "Курской области" in e.aliases]
    assert {"the Kursk region", "Курській області"} <= {kursk.name, *kursk.aliases}
    assert {r["rule"] for r in kursk.merged if r["alias"].startswith("Курс")} == {"gazetteer"}
    assert all("GeoNames 538555" in r["reason"] for r in kursk.merged if r["alias"].startswith("Курс"))


def C(text: str, label: str, doc: str, language: str, start: int = 0) -> Mention:
    m = M(text, label, doc, start)
    m.norm = {"language": language}
    return m


def test_ukrainian_and_russian_spellings_meet_without_a_latin_one() -> None:
    mentions = [C("Олександр Сирський", "PERSON", "uk-1", "uk"), C("Александра Сырского", "PERSON", "ru-1", "ru"),
                C("Олександра Сирського", "PERSON", "uk-2", "uk")]  # fmt: skip
    (entity,) = link_entities(mentions)
    assert entity.name == "Олександр Сирський"  # the dictionary form, though written once in the nominative
    assert entity.aliases == ["Александра Сырского", "Олександра Сирського"]


def test_a_cyrillic_name_meeting_two_latin_people_joins_neither() -> None:
    mentions = [M("Vitali Klitschko", "PERSON", "en-1"), M("Wladimir Klitschko", "PERSON", "en-1", 30),
                C("Кличко", "PERSON", "uk-1", "uk"), C("Віталій Кличко", "PERSON", "uk-2", "uk")]  # fmt: skip
    entities = by_name(link_entities(mentions))
    # Віталій meets Vitali (same consonants, same first sound), not Wladimir; the lone surname meets two people.
    assert "Віталій Кличко" in entities["Vitali Klitschko"].aliases
    assert entities["Wladimir Klitschko"].aliases == []
    assert "Кличко" in entities and entities["Кличко"].mention_count == 1


@pytest.mark.parametrize(
    ("latin", "cyrillic", "language"),
    [("Olena Zelenska", "Володимир Зеленський", "uk"), ("Maria Ivanova", "Марина Иванова", "ru"),
     ("Petro Kovalenko", "Петро Ковальчук", "uk"), ("Ivanna Petrenko", "Іван Петренко", "uk"),
     ("Oleksandra Petrenko", "Олександр Петренко", "uk")],
)  # fmt: skip
def test_different_people_stay_apart_across_scripts(latin: str, cyrillic: str, language: str) -> None:
    entities = link_entities([M(latin, "PERSON", "en-1"), C(cyrillic, "PERSON", "xx-1", language)])
    assert len(entities) == 2


@pytest.mark.parametrize(
    ("latin", "cyrillic", "language"),
    [("Olena Zelenska", "Елена Зеленская", "ru"), ("Oleksandr Syrskyi", "Александр Сырский", "ru"),
     ("Kirill Budanov", "Кирило Буданов", "uk"), ("Yulia Svyrydenko", "Юлія Свириденко", "uk")],
)  # fmt: skip
def test_one_person_across_scripts(latin: str, cyrillic: str, language: str) -> None:
    (entity,) = link_entities([M(latin, "PERSON", "en-1"), C(cyrillic, "PERSON", "xx-1", language)])
    assert entity.name == latin and entity.aliases == [cyrillic]


def test_organisations_meet_through_their_romanised_names() -> None:
    mentions = [
        M("Ukrzaliznytsia", "ORG", "en-1"),
        C("Укрзалізниці", "ORG", "uk-1", "uk"),
        M("Gazprom", "ORG", "en-1", 40),
        C("Газпрома", "ORG", "ru-1", "ru"),
        C("СБУ", "ORG", "uk-1", "uk", 30),
        M("SBU", "ORG", "en-2"),
    ]
    entities = by_name(link_entities(mentions))
    assert entities["Ukrzaliznytsia"].aliases == ["Укрзалізниці"]
    assert entities["Gazprom"].aliases == ["Газпрома"]
    assert entities["SBU"].aliases == ["СБУ"]


def test_linking_across_scripts_ignores_input_order() -> None:
    def mentions() -> list[Mention]:
        return [M("Volodymyr Zelenskyy", "PERSON", "en-1"), M("Zelensky", "PERSON", "en-2"),
                C("Зеленського", "PERSON", "uk-1", "uk"), C("Владимир Зеленский", "PERSON", "ru-1", "ru"),
                C("Володимиру Зеленському", "PERSON", "uk-2", "uk")]  # fmt: skip

    first = [(e.id, e.aliases, e.merged) for e in link_entities(mentions())]
    for seed in range(5):
        shuffled = mentions()
        random.Random(seed).shuffle(shuffled)
        assert [(e.id, e.aliases, e.merged) for e in link_entities(shuffled)] == first
    assert [e[0] for e in first] == ["ent-PERSON-volodymyr-zelenskyy"]


def test_odd_cyrillic_and_digit_names_link_in_any_order() -> None:
    # Stress and apostrophes, names of digits only, shared GeoNames ids: no error, and the same entities in any order.
    alphabet = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэёъАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ'’ʼ- .0123456789abcXYZ\u0301"
    rng = random.Random(1)
    for trial in range(100):
        mentions = []
        for k in range(rng.randint(1, 8)):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))).strip() or "А"
            m = Mention(k * 20, k * 20 + len(text), text, rng.choice(["PERSON", "ORG", "LOC"]), 0.9, "model",
                        doc_id=f"d{rng.randint(0, 3)}")  # fmt: skip
            if rng.random() < 0.3:
                m.norm = {"geonameid": rng.choice([1, 2, 3]), "language": rng.choice(["uk", "ru"])}
            mentions.append(m)
        mentions += [M("Zelensky", "PERSON", "e", 500), M("2024", "ORG", "e", 520)]
        first = [(e.id, e.aliases) for e in link_entities(mentions)]
        random.Random(trial).shuffle(mentions)
        assert [(e.id, e.aliases) for e in link_entities(mentions)] == first
