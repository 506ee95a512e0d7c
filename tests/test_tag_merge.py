"""Entity merging across a case (issue #19, part 8): passages written for these tests, run through the shipped tagger
and geoparser into a real SQLite case, then ``normalise_case``."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from osintkit import Case, Document, InputError, Mention
from osintkit.entities import tag
from osintkit.entities.normalise import acronym_table, entities_frame, link_entities, normalise_case, parse_acronyms
from osintkit.geo import geoparse

PASSAGES = {
    "wire": "The Security Service of Ukraine (SBU) said on Monday it had detained two soldiers near Kursk. Ukraine's "
    "Security Service later published a video of the interrogation.",
    "rewrite": "The Ukrainian Security Service said the men were being questioned. The SSU, as the agency is also "
    "known in English, shared a second video.",
    "korea": "South Korea's National Intelligence Service (NIS) said the DPRK had sent troops to Russia. The NIS told "
    "lawmakers that North Korea had lost soldiers.",
    "president": "President Volodymyr Zelensky visited the front. North of Kharkiv, Zelensky added that the exchange "
    "was near.",
    "minister": "Defence Minister Sergei Shoigu met generals in Moscow. Sergei Shoygu said the offensive was going to "
    "plan. General Oleksandr Syrskyi visited the troops; Syrsky said the line held.",
    "family": "Joe Biden and Hunter Biden arrived in Kyiv. Biden spoke first. Kim Jong Un inspected the troops. His "
    "sister Kim Yo Jong issued a statement.",
}


def make_doc(text: str) -> Document:
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(id=Document.make_id(sha), text=text, sha256=sha, loader="test", retrieved="2025-01-13")


def build_case(path: Path, order: list[str], *, gazetteer: bool = True) -> Case:
    """``gazetteer=False`` tags with the model and rules alone, as ``tag(..., gazetteer=False)`` does: the tagger's
    own checks of places against the gazetteer are off, so what the model misreads reaches the case."""
    case = Case(path, actor="analyst")
    docs = [make_doc(PASSAGES[name]) for name in order]
    case.add_documents(docs)
    for doc in docs:
        mentions = tag(doc, gazetteer=gazetteer)
        case.replace_mentions(doc.id, mentions)
        case.replace_places(doc.id, geoparse(doc, mentions=mentions))
    return case


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory):
    with build_case(tmp_path_factory.mktemp("merge") / "case.sqlite", list(PASSAGES)) as c:
        # the place the geoparser gave the surname, before normalisation takes it away
        president = next(d for d in c.documents() if d.text == PASSAGES["president"])
        c.mapped_before = {p.text for p in c.places(president.id)}  # type: ignore[attr-defined]
        normalise_case(c)
        yield c


def entity_named(case: Case, *texts: str) -> set[str | None]:
    return {m.entity_id for m in case.mentions() if m.text in texts}


def entity(case: Case, eid: str):
    return next(e for e in case.entities() if e.id == eid)


def reasons(case: Case, eid: str) -> dict[str, str]:
    return {row["alias"]: row["rule"] for row in entity(case, eid).merged}


def test_five_names_of_one_security_service_are_one_entity(case: Case) -> None:
    names = ("Security Service of Ukraine", "SBU", "Security Service", "Ukrainian Security Service", "SSU")
    assert {m.text for m in case.mentions() if m.label == "ORG"} >= set(names)  # the tagger found all five
    assert entity_named(case, *names) == {"ent-ORG-security-service-of-ukraine"}
    sbu = entity(case, "ent-ORG-security-service-of-ukraine")
    assert sbu.name == "Security Service of Ukraine" and sbu.mention_count == 5 and len(sbu.doc_ids) == 2
    assert set(sbu.aliases) == {"SBU", "Security Service", "Ukrainian Security Service", "SSU"}
    assert reasons(case, sbu.id) == {
        "SBU": "acronym",  # the wire defines it: "Security Service of Ukraine (SBU)"
        "Security Service": "country-form",  # "Ukraine's" before it in the text
        "Ukrainian Security Service": "country-form",
        "SSU": "acronym-table",
    }


def test_an_acronym_the_case_defines(case: Case) -> None:
    assert entity_named(case, "NIS", "National Intelligence Service") == {"ent-ORG-national-intelligence-service"}
    row = next(r for r in entity(case, "ent-ORG-national-intelligence-service").merged if r["alias"] == "NIS")
    assert row["rule"] == "acronym" and "National Intelligence Service" in row["reason"]


def test_dprk_joins_north_korea(case: Case) -> None:
    dprk = next(m for m in case.mentions() if m.text == "DPRK")
    assert dprk.label == "ORG"  # the tagger's label stays on the mention...
    assert entity_named(case, "DPRK", "North Korea") == {"ent-LOC-north-korea"}  # ...the country is one entity
    assert reasons(case, "ent-LOC-north-korea") == {"DPRK": "country-alias"}
    assert entity(case, "ent-LOC-north-korea").label == "LOC"


def test_transliterations_merge_and_namesakes_do_not(case: Case) -> None:
    assert entity_named(case, "Sergei Shoigu", "Sergei Shoygu") == {"ent-PERSON-sergei-shoigu"}
    assert reasons(case, "ent-PERSON-sergei-shoigu") == {"Sergei Shoygu": "transliteration"}
    assert entity_named(case, "Oleksandr Syrskyi", "Syrsky") == {"ent-PERSON-oleksandr-syrskyi"}
    # one surname, two people: each full name is its own entity, and the lone surname could be either
    ids = [entity_named(case, name) for name in ("Joe Biden", "Hunter Biden", "Biden")]
    assert ids == [{"ent-PERSON-joe-biden"}, {"ent-PERSON-hunter-biden"}, {"ent-PERSON-biden"}]
    assert entity_named(case, "Kim Jong Un") != entity_named(case, "Kim Yo Jong")


def test_a_presidents_surname_tagged_as_a_place_becomes_the_person(case: Case) -> None:
    # The model reads "Zelensky added" as a place; the tagger reads the name the text gives a person, which the
    # gazetteer does not know, in a person's context, so the geoparser never pins it on Kharkiv.
    president = next(d for d in case.documents() if d.text == PASSAGES["president"])
    assert case.mapped_before == {"Kharkiv"}  # type: ignore[attr-defined]
    surname = next(m for m in case.mentions(president.id) if m.text == "Zelensky")
    assert surname.label == "PERSON" and surname.entity_id == "ent-PERSON-volodymyr-zelensky"
    assert surname.norm["relabelled_from"] == "LOC" and "verb after it" in surname.norm["why"]
    assert "Zelensky" not in {p.text for p in case.places(president.id)}
    assert case.verify().ok


def test_the_case_relabels_a_surname_the_tagger_left_as_a_place(tmp_path: Path) -> None:
    # Without the tagger's gazetteer checks, the model's LOC reaches the case; normalisation, which knows the case's
    # people, is the second line and takes the place away.
    with build_case(tmp_path / "c.sqlite", ["president"], gazetteer=False) as c:
        doc = c.documents()[0]
        assert "Zelensky" in {p.text for p in c.places(doc.id)}
        normalise_case(c)
        surname = next(m for m in c.mentions(doc.id) if m.text == "Zelensky")
        assert surname.label == "PERSON" and surname.entity_id == "ent-PERSON-volodymyr-zelensky"
        assert surname.norm["relabelled_from"] == "LOC"
        assert {p.text for p in c.places(doc.id)} == {"Kharkiv"}  # the real place stays
        row = next(r for r in entity(c, "ent-PERSON-volodymyr-zelensky").merged if r["alias"] == "Zelensky")
        assert row["rule"] == "surname-not-place" and "verb after it" in row["reason"]
        actions = [e.action for e in c.custody()]
        assert "normalise-relabel" in actions and "place-unmap" in actions
        assert c.verify().ok


def test_an_analysts_label_is_never_relabelled(tmp_path: Path) -> None:
    with build_case(tmp_path / "c.sqlite", ["president"], gazetteer=False) as c:
        doc = c.documents()[0]
        surname = next(m for m in c.mentions(doc.id) if m.text == "Zelensky")
        assert surname.label == "LOC"
        c.set_mention_status(doc.id, surname.start, surname.end, "accepted")  # the analyst says: a place
        normalise_case(c)
        assert next(m for m in c.mentions(doc.id) if m.text == "Zelensky").label == "LOC"
        assert "Zelensky" in {p.text for p in c.places(doc.id)}


def test_merges_are_stored_and_shown(case: Case) -> None:
    frame = entities_frame(case).set_index("id")
    rules = {row["alias"]: row["rule"] for row in frame.loc["ent-LOC-north-korea", "merged"]}
    assert rules == {"DPRK": "country-alias"}
    # normalising again finds the same entities and writes nothing
    size = len(case.custody())
    normalise_case(case)
    assert len(case.custody()) == size


def test_input_order_changes_nothing(tmp_path: Path) -> None:
    order = list(PASSAGES)
    shuffled = order[:]
    random.Random(3).shuffle(shuffled)
    assert shuffled != order
    with build_case(tmp_path / "a.sqlite", order) as a, build_case(tmp_path / "b.sqlite", shuffled[::-1]) as b:
        first, second = normalise_case(a), normalise_case(b)
        assert [e.to_dict() for e in first] == [e.to_dict() for e in second]
        assert sorted((m.doc_id, m.start, m.label, m.entity_id) for m in a.mentions()) == sorted(
            (m.doc_id, m.start, m.label, m.entity_id) for m in b.mentions()
        )


# -- the rules one at a time, on mentions as a tagger returns them --------------------------------------------


def M(text: str, label: str, doc: str = "doc-1", start: int = 0) -> Mention:
    return Mention(start, start + len(text), text, label, 0.9, "model", doc_id=doc)


def groups(mentions: list[Mention], texts: dict[str, str] | None = None) -> list[set[str]]:
    entities = link_entities(mentions, texts=texts)
    return sorted(({m.text for m in mentions if m.entity_id == e.id} for e in entities), key=sorted)


@pytest.mark.parametrize("body", acronym_table(), ids=lambda b: b.acronyms[0])
def test_every_tabled_acronym_joins_its_names(body) -> None:
    mentions = [M(acronym, "ORG") for acronym in body.acronyms] + [M(name, "ORG") for name in body.names]
    assert len(link_entities(mentions)) == 1


def test_tabled_bodies_stay_apart_from_each_other() -> None:
    mentions = [M(name, "ORG") for body in acronym_table() for name in (*body.acronyms, *body.names)]
    entities = link_entities(mentions)
    assert len(entities) == len(acronym_table())
    assert {e.name for e in entities} == {body.names[0] for body in acronym_table()}


def test_organisations_in_country_forms() -> None:
    assert groups([M("Ukraine's SBU", "ORG"), M("SBU", "ORG"), M("Security Service of Ukraine", "ORG")]) == [
        {"Ukraine's SBU", "SBU", "Security Service of Ukraine"}
    ]
    # one body per country: Russia's ministry is not Ukraine's, and a bare name that could be either stays apart
    names = ["Russian Defence Ministry", "Ministry of Defense of Russia", "Russia's MoD", "Ukraine's Defence Ministry",
             "Defence Ministry"]  # fmt: skip
    found = groups([M(name, "ORG") for name in names])
    assert found == [
        {"Defence Ministry"},
        {"Russia's MoD", "Russian Defence Ministry", "Ministry of Defense of Russia"},
        {"Ukraine's Defence Ministry"},
    ]
    # with one country only, the bare name is that country's
    assert len(link_entities([M("Defence Ministry", "ORG"), M("Russian Defence Ministry", "ORG")])) == 1
    # "(AP)" after a name is a credit line, not an acronym
    text = "The Interior Ministry (AP) said so."
    ap = [M("Interior Ministry", "ORG", start=4), M("AP", "ORG", start=23)]
    assert len(link_entities(ap, texts={"doc-1": text})) == 2


def test_a_country_describes_an_institution_only() -> None:
    # "Russia's" says whose ministry it is, but not which Gazprom, NATO or Red Cross
    assert groups([M("Russia's Gazprom", "ORG"), M("Gazprom", "ORG", "doc-2")]) == [{"Russia's Gazprom", "Gazprom"}]
    text = "Ukraine's NATO allies met. The North Atlantic Treaty Organization agreed."
    nato = [M("NATO", "ORG", start=10), M("North Atlantic Treaty Organization", "ORG", start=31)]
    assert len(link_entities(nato, texts={"doc-1": text})) == 1
    assert len(link_entities([M("American Red Cross", "ORG"), M("Red Cross", "ORG", "doc-2")])) == 2


def test_acronym_defined_after_it() -> None:
    text = "ISW, the Institute for the Study of War, said the front held."
    mentions = [M("ISW", "ORG"), M("Institute for the Study of War", "ORG", start=9)]
    assert len(link_entities(mentions, texts={"doc-1": text})) == 1
    text = "The HRMMU, the UN Human Rights Monitoring Mission in Ukraine, met."  # not tabled, not the initials
    mentions = [M("HRMMU", "ORG", start=4), M("UN Human Rights Monitoring Mission in Ukraine", "ORG", start=15)]
    assert len(link_entities(mentions)) == 2
    assert len(link_entities(mentions, texts={"doc-1": text})) == 1


def test_people_transliteration_rules() -> None:
    same = [["Volodymyr Zelenskyy", "Volodymyr Zelensky", "Volodymyr Zelenskiy", "Volodymyr Zelenski"],
            ["Shoigu", "Shoygu"], ["Oleksandr Syrskyi", "Oleksandr Syrsky", "Oleksandr Syrskyy"],
            ["Mykhailo Podolyak", "Mihailo Podoliak"], ["Alexei Navalny", "Aleksei Navalny", "A. Navalny"]]  # fmt: skip
    for names in same:
        assert len(link_entities([M(n, "PERSON", doc=f"d{i}") for i, n in enumerate(names)])) == 1, names
    apart = [["Oleksandr Syrskyi", "Volodymyr Syrskyi"], ["Maria Zakharova", "Marina Zakharova"],
             ["Volodymyr Zelenskyy", "Olena Zelenska"], ["Kim Jong Un", "Kim Jong Il"]]  # fmt: skip
    for names in apart:
        assert len(link_entities([M(n, "PERSON", doc=f"d{i}") for i, n in enumerate(names)])) == 2, names


def test_country_aliases_and_capitals() -> None:
    text = "The Democratic People's Republic of Korea denied it. Pyongyang has not confirmed. In Pyongyang, crowds."
    mentions = [M("Democratic People", "ORG", start=4), M("Republic of Korea", "LOC", start=24),
                M("Pyongyang", "LOC", start=53), M("Pyongyang", "LOC", start=85), M("North Korea", "LOC", "doc-2"),
                M("Russian Federation", "ORG", "doc-2"), M("Russia", "LOC", "doc-2")]  # fmt: skip
    assert all(text[m.start : m.end] == m.text for m in mentions[:4])
    found = groups(mentions, texts={"doc-1": text})
    assert found == [
        {"Democratic People", "Republic of Korea", "Pyongyang", "North Korea"},  # the capital that speaks...
        {"Pyongyang"},  # ...and the city
        {"Russia", "Russian Federation"},
    ]
    rok = link_entities([M("ROK", "ORG"), M("South Korea", "LOC", "doc-2"), M("Republic of Korea", "LOC", "doc-3")])
    assert [(e.label, e.name, e.mention_count) for e in rok] == [("LOC", "South Korea", 3)]
    # without the text, "Republic of Korea" is South Korea's formal name
    assert {e.name for e in link_entities([M("Republic of Korea", "LOC")])} == {"South Korea"}


def test_surname_needs_a_person_context() -> None:
    text = "Volodymyr Zelensky spoke. The Zelensky district is quiet."
    mentions = [M("Volodymyr Zelensky", "PERSON"), M("Zelensky", "LOC", start=30)]
    link_entities(mentions, texts={"doc-1": text})
    assert mentions[1].label == "LOC"  # nothing reads as a person here
    text = "Jack London wrote about it. London said it would help."
    mentions = [M("Jack London", "PERSON"), M("London", "LOC", start=28)]
    link_entities(mentions, texts={"doc-1": text})
    assert mentions[1].label == "LOC"  # a capital that speaks is its government, not the writer
    text = "Bryansk was quiet. Bryansk said two drones fell."
    mentions = [M("Bryansk", "PERSON"), M("Bryansk", "LOC", start=19)]  # the model's slip is no evidence
    link_entities(mentions, texts={"doc-1": text})
    assert mentions[1].label == "LOC"


def test_link_entities_ignores_the_order_of_mentions() -> None:
    texts = {
        "a": "The Security Service of Ukraine (SBU) said so. Ukraine's Security Service agreed. Pyongyang denied it.",
        "b": "The SBU, the Security Service of Ukraine, met. North of Kharkiv, Zelensky added more. Kim Jong Un spoke.",
        "c": "Volodymyr Zelenskyy met Sergei Shoygu's envoy. Sergei Shoigu said no. The DPRK and Biden spoke.",
    }
    spans = [("a", "Security Service of Ukraine", "ORG"), ("a", "SBU", "ORG"), ("a", "Security Service", "ORG"),
             ("a", "Pyongyang", "LOC"), ("b", "SBU", "ORG"), ("b", "Security Service of Ukraine", "ORG"),
             ("b", "Kharkiv", "LOC"), ("b", "Zelensky", "LOC"), ("b", "Kim Jong Un", "PERSON"),
             ("c", "Volodymyr Zelenskyy", "PERSON"), ("c", "Sergei Shoygu", "PERSON"), ("c", "Sergei Shoigu", "PERSON"),
             ("c", "DPRK", "ORG"), ("c", "Biden", "PERSON")]  # fmt: skip

    def mentions() -> list[Mention]:
        return [M(text, label, doc, texts[doc].rindex(text)) for doc, text, label in spans]

    first = link_entities(mentions(), texts=texts)
    assert len(first) == 7 and any(r["rule"] == "surname-not-place" for e in first for r in e.merged)
    assert next(e for e in first if e.id == "ent-ORG-security-service-of-ukraine").mention_count == 5
    rng = random.Random(11)
    for _ in range(10):
        shuffled = mentions()
        rng.shuffle(shuffled)
        assert [e.to_dict() for e in link_entities(shuffled, texts=texts)] == [e.to_dict() for e in first]


@pytest.mark.parametrize(
    ("line", "field"),
    [("SBU\tUA", None), ("sbu\tUA\tSecurity Service of Ukraine", "acronyms"),
     ("SBU\tUkraine\tSecurity Service of Ukraine", "country"), ("SBU\tUA\t ", "names")],
)  # fmt: skip
def test_a_bad_acronym_table_line_is_named(line: str, field: str | None) -> None:
    with pytest.raises(InputError) as err:
        parse_acronyms("# acronyms\tcountry\tnames\nNATO\t\tNorth Atlantic Treaty Organization\n" + line, "mine.tsv")
    assert err.value.path == "mine.tsv" and err.value.line == 3 and err.value.field == field
