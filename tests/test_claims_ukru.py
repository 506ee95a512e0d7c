"""Claims in Ukrainian and Russian: two short posts in the style of official channels, read with the shipped tagger
(natasha's NER, pymorphy3, the rules), and the attribution shapes one by one.

The posts are written for these tests; their people are real officials, their figures invented.
"""

from __future__ import annotations

import hashlib

import pytest

from osintkit.claims import extract_claims
from osintkit.claims.ukru import attribute, quote_marks
from osintkit.model import Claim, Document

UK_POST = """Міністр оборони України Рустем Умєров заявив, що минулого тижня Сили оборони знищили понад 4 тис. російських військових.
«Ми продовжуємо тиснути на ворога. Кожного дня він втрачає техніку», — наголосив Умєров.
За даними Генерального штабу ЗСУ, 5 грудня 2024 року в Курській області загинули близько 3,5 тисячі солдатів.
Речник ГУР Андрій Юсов у понеділок написав у Telegram, що КНДР нібито перекинула ще 11 тисяч військових.
Міністерство оборони Росії спростувало ці дані."""  # noqa: E501

RU_POST = """Официальный представитель МИД России Мария Захарова заявила, что вчера ВСУ потеряли около 12 тыс. военных.
«Это откровенная ложь», — сказал пресс-секретарь Кремля Дмитрий Песков.
По данным Минобороны России, 11 января в Курской области были уничтожены свыше двух тысяч солдат.
Как сообщает ТАСС, в понедельник предположительно погибли пятьсот человек.
Генштаб ВСУ опроверг эту информацию."""


def _doc(text: str, published: str, source: str) -> Document:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(
        id=Document.make_id(sha), text=text, sha256=sha, loader="test", retrieved=published, published=published,
        source=source,
    )  # fmt: skip


@pytest.fixture(scope="module")
def uk_claims() -> list[Claim]:
    return extract_claims(_doc(UK_POST, "2024-12-06T09:00:00+02:00", "Телеграм-канал Міноборони"))


@pytest.fixture(scope="module")
def ru_claims() -> list[Claim]:
    return extract_claims(_doc(RU_POST, "2025-01-15T10:00:00+03:00", "Канал МИД"))


def _starting(claims: list[Claim], content: str) -> Claim:
    found = [c for c in claims if c.content.startswith(content)]
    assert len(found) == 1, [c.content for c in claims]
    return found[0]


def _figures(claim: Claim) -> set[tuple[int, str | None, bool]]:
    return {(round(q.value), q.counted, q.approximate) for q in claim.quantities}


def _dates(claim: Claim) -> list[tuple[str, str]]:
    return [(d["text"], str(d.get("value") or f"{d['start']}/{d['end']}")) for d in claim.dates]


def test_ukrainian_post(uk_claims: list[Claim]) -> None:
    assert len(uk_claims) == 6 and all(c.attributed for c in uk_claims)
    losses = _starting(uk_claims, "минулого тижня Сили оборони знищили")
    assert (losses.claimant, losses.claimant_role, losses.cue) == ("Рустем Умєров", "Міністр оборони України", "заявив")
    assert losses.claimant_type == "military" and losses.claimant_entity_id
    assert not losses.direct and not losses.hedged and not losses.negated
    assert _figures(losses) == {(4000, "військових", True)}  # "понад": more than, so approximate
    assert _dates(losses) == [("минулого тижня", "2024-11-25/2024-12-01")]

    # A quotation over two sentences, the speaker after it: both sentences are his, in his own words.
    first = _starting(uk_claims, "Ми продовжуємо тиснути на ворога")
    second = _starting(uk_claims, "Кожного дня він втрачає техніку")
    for quoted in (first, second):
        assert quoted.claimant == "Умєров" and quoted.cue == "наголосив" and quoted.direct
        assert quoted.claimant_entity_id == losses.claimant_entity_id  # one person, however named
    assert second.quotes == ["Кожного дня він втрачає техніку"]

    staff = _starting(uk_claims, "5 грудня 2024 року в Курській області загинули")
    assert staff.cue == "за даними" and staff.claimant == "Генерального штабу ЗСУ"
    assert staff.claimant_type == "military"
    assert _figures(staff) == {(3500, "солдатів", True)} and staff.hedges == ["близько"]
    assert _dates(staff) == [("5 грудня 2024 року", "2024-12-05")]
    assert staff.places == ["Курській області"]

    troops = _starting(uk_claims, "КНДР нібито перекинула ще 11 тисяч військових")
    assert (troops.claimant, troops.claimant_role, troops.cue) == ("Андрій Юсов", "Речник ГУР", "написав")
    assert troops.claimant_type == "intelligence"
    assert troops.platform == "Telegram" and troops.channel == "post on Telegram"
    assert troops.hedged and troops.hedges == ["нібито"]
    assert _figures(troops) == {(11000, "військових", False)}  # "ще" is "another", not a hedge
    assert _dates(troops) == [("понеділок", "2024-12-02")]  # the Monday before the Friday it was published

    denial = _starting(uk_claims, "ці дані")
    assert denial.claimant == "Міністерство оборони Росії" and denial.cue == "спростувало"
    assert denial.negated and denial.claimant_type == "military"


def test_russian_post(ru_claims: list[Claim]) -> None:
    assert len(ru_claims) == 5 and all(c.attributed for c in ru_claims)
    losses = _starting(ru_claims, "вчера ВСУ потеряли около 12 тыс. военных")
    assert (losses.claimant, losses.claimant_role) == ("Мария Захарова", "Официальный представитель МИД России")
    assert losses.cue == "заявила" and losses.claimant_type == "government"
    assert _figures(losses) == {(12000, "военных", True)} and losses.hedges == ["около"]
    assert _dates(losses) == [("вчера", "2025-01-14")]

    lie = _starting(ru_claims, "Это откровенная ложь")
    assert (lie.claimant, lie.claimant_role, lie.cue) == ("Дмитрий Песков", "пресс-секретарь Кремля", "сказал")
    assert lie.direct and lie.quotes == ["Это откровенная ложь"] and lie.claimant_type == "government"

    mod = _starting(ru_claims, "11 января в Курской области были уничтожены")
    assert mod.cue == "по данным" and mod.claimant == "Минобороны России" and mod.claimant_type == "military"
    assert _figures(mod) == {(2000, "солдат", True)}
    assert _dates(mod) == [("11 января", "2025-01-11")]

    tass = _starting(ru_claims, "в понедельник предположительно погибли пятьсот человек")
    assert tass.cue == "как сообщает" and tass.claimant == "ТАСС" and tass.claimant_type == "media"
    assert tass.hedged and tass.hedges == ["предположительно"]
    assert _figures(tass) == {(500, "человек", False)}
    assert _dates(tass) == [("понедельник", "2025-01-13")]

    denial = _starting(ru_claims, "эту информацию")
    assert denial.claimant == "Генштаб ВСУ" and denial.cue == "опроверг" and denial.negated


def test_offsets_index_the_posts(uk_claims: list[Claim], ru_claims: list[Claim]) -> None:
    for text, claims in ((UK_POST, uk_claims), (RU_POST, ru_claims)):
        for c in claims:
            assert text[c.content_start : c.content_end] == c.content
            assert text[c.sentence_start : c.sentence_end] == c.sentence
            for q in c.quantities:
                assert text[q.start : q.end] == q.text


def test_a_mixed_post_is_read_line_by_line() -> None:
    text = (
        "Генштаб ЗСУ повідомив, що за добу знищено 1 200 окупантів.\n"
        "The Kremlin said that the Ukrainian figures were not true."
    )
    ukrainian, english = extract_claims(text, published="2024-12-06")
    assert (ukrainian.claimant, ukrainian.cue) == ("Генштаб ЗСУ", "повідомив")
    assert _figures(ukrainian) == {(1200, "окупантів", False)}
    assert (english.claimant, english.cue) == ("The Kremlin", "said")
    assert english.content == "the Ukrainian figures were not true"
    assert english.negated and english.claimant_type == "government"


@pytest.mark.parametrize(
    ("sentence", "claimant", "cue", "content"),
    [
        ("Зеленський заявив: „Ми не віддамо жодного метра нашої землі“.", "Зеленський", "заявив",
         "Ми не віддамо жодного метра нашої землі"),
        ("«Ворог заявив про наступ, але це брехня», — сказав Сирський.", "Сирський", "сказав",
         "Ворог заявив про наступ, але це брехня"),
        ("«Это очередная провокация Киева», — Песков подчеркнул.", "Песков", "подчеркнул",
         "Это очередная провокация Киева"),
        ("Сили оборони знищили 12 танків, повідомили в Генштабі ЗСУ.", "Генштабі ЗСУ", "повідомили",
         "Сили оборони знищили 12 танків"),
        ("Противник потерял 300 человек, по словам Сырского.", "Сырского", "по словам",
         "Противник потерял 300 человек"),
        ("За словами Кличка, у столиці пролунали вибухи.", "Кличка", "за словами", "у столиці пролунали вибухи"),
        ("Як повідомляє Укрінформ, евакуація триває.", "Укрінформ", "як повідомляє", "евакуація триває"),
        ("Кличко написав у Telegram, що у Києві пролунали вибухи.", "Кличко", "написав", "у Києві пролунали вибухи"),
        ("В Минобороны России сообщили об отражении атаки.", "Минобороны России", "сообщили", "об отражении атаки"),
        ("У понеділок речник ГУР Андрій Юсов заявив про обмін.", "речник ГУР Андрій Юсов", "заявив", "про обмін"),
    ],
)  # fmt: skip
def test_attribution_shapes(sentence: str, claimant: str, cue: str, content: str) -> None:
    (claim,) = extract_claims(sentence, mentions=[])  # the syntax alone, no tagger
    assert (claim.claimant, claim.cue, claim.content) == (claimant, cue, content)
    assert claim.attributed and claim.direct is sentence.startswith(("«", "Зеленський"))


def test_hedges_and_denials() -> None:
    hedged = extract_claims("За попередніми даними, загинули 5 людей, а ще 12 імовірно поранені.", mentions=[])[0]
    assert not hedged.attributed  # a hedge with no source is the publication's own, hedged
    assert hedged.hedges == ["за попередніми даними", "імовірно"]
    claim = extract_claims("Росія стверджує, що якобы уничтожила склад.", mentions=[])[0]
    assert claim.cue == "стверджує" and claim.hedges == ["стверджує", "якобы"]  # "claims", as in English
    for text in (
        "У Генштабі заперечують, що втратили позиції.",
        "Міноборони заявило, що ця інформація не відповідає дійсності.",
        "В Кремле заявили, что это не соответствует действительности.",
    ):
        (claim,) = extract_claims(text, mentions=[])
        assert claim.negated and claim.attributed, text


def test_what_is_not_an_attribution() -> None:
    for sentence in ("Він написав книгу про війну.", "Вибухи пролунали в Одесі вночі."):
        (claim,) = extract_claims(sentence, mentions=[])
        assert not claim.attributed and claim.cue is None
    # A verb inside the quotation is the speaker's, not the attribution.
    found = attribute("“Ворог заявив про наступ”, — сказав Сирський.")
    assert found is not None and found[0] == "Сирський" and found[4] == "сказав"


def test_quote_marks_keep_every_offset() -> None:
    text = "«Раз», — сказав він. „Два“ — теж. English “three” stays."
    spans = [(0, 20), (21, 33), (34, len(text))]
    out = quote_marks(text, spans, ["uk", "uk", None])
    assert len(out) == len(text)
    assert out[:20] == "“Раз”, — сказав він." and out[21:33] == "“Два” — теж."
    assert out[34:] == text[34:]
