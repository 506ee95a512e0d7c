"""Russian and Ukrainian entities: natasha's shipped model, the Ukrainian repairs, routing inside tag()."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from benchmarks.bench_ukru import load_factru, load_neruk
from osintkit.entities import tag
from osintkit.entities.slavic import NER_MODEL, name_lemma, slavic_mentions
from osintkit.errors import LanguageWarning
from osintkit.model import Document, Mention

RU_POST = (
    "Министр обороны России Андрей Белоусов заявил агентству Reuters, что войска отступили из Курской области. "
    "Об этом сообщает ТАСС."
)
UK_POST = (
    "Президент України Володимир Зеленський заявив, що Збройні сили України звільнили Куп'янськ.\n"
    "Вона додала, що вночі росіяни обстріляли Харків і Суми."
)


def _found(mentions: list[Mention]) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in mentions if m.label in ("PERSON", "ORG", "LOC")}


def test_natasha_models_ship_inside_the_wheel() -> None:
    import natasha

    data = Path(natasha.__file__).parent / "data"
    assert (data / "model" / "slovnet_ner_news_v1.tar").stat().st_size > 1_000_000
    assert (data / "emb" / "navec_news_v1_1B_250K_300d_100q.tar").stat().st_size > 10_000_000


def test_russian_post_gives_people_organisations_and_places_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", LanguageWarning)
        mentions = tag(RU_POST)
    found = _found(mentions)
    assert {("Андрей Белоусов", "PERSON"), ("ТАСС", "ORG"), ("Reuters", "ORG"), ("России", "LOC")} <= found
    assert ("Курской области", "LOC") in found
    for m in mentions:
        assert RU_POST[m.start : m.end] == m.text
    person = next(m for m in mentions if m.text == "Андрей Белоусов")
    assert person.source == "model" and person.norm["model"] == NER_MODEL and person.norm["language"] == "ru"


def test_ukrainian_post_is_repaired_by_the_dictionary() -> None:
    mentions = slavic_mentions(UK_POST, "uk")
    found = _found(mentions)
    # natasha alone: "України Володимир Зеленський" and "Збройні сили України" as people, "Вона" a person,
    # "Харків і Суми" one person.
    assert ("Володимир Зеленський", "PERSON") in found
    assert ("Збройні сили України", "ORG") in found
    assert not any(text in ("Вона", "Харків і Суми") for text, _ in found)
    # Split in two; that they are places is the gazetteer's to say (next test), which wins a tie in tag().
    assert {"Харків", "Суми"} <= {text for text, _ in found}


def test_ukrainian_post_through_tag_keeps_places_and_names() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", LanguageWarning)
        found = _found(tag(UK_POST))
    assert {("Володимир Зеленський", "PERSON"), ("України", "LOC"), ("Харків", "LOC"), ("Суми", "LOC")} <= found
    assert ("Куп'янськ", "LOC") in found


def test_ukrainian_first_names_natasha_misses_come_from_the_dictionary() -> None:
    text = "Тоді Андріана сказала, що Аліна прийде.\nНаступного дня Ярина зустріла Богдана біля школи."
    natasha_alone = {m.text for m in slavic_mentions(text, "ru")}
    found = _found(slavic_mentions(text, "uk"))
    assert {("Андріана", "PERSON"), ("Аліна", "PERSON"), ("Ярина", "PERSON"), ("Богдана", "PERSON")} <= found
    assert "Тоді Андріана" in natasha_alone and "Тоді Андріана" not in {text for text, _ in found}
    assert "Аліна" not in natasha_alone  # added from the dictionary's first names


def test_companies_acronyms_and_institutions_with_their_seat() -> None:
    text = (
        "Суд стягнув із ТОВ «Бюро Ейнштейн» борг на користь ДП «Південна залізниця», повідомили в КМДА.\n"
        "Рішення оскаржив Верховний Суд України."
    )
    found = _found(tag(text))
    assert {("ТОВ «Бюро Ейнштейн»", "ORG"), ("ДП «Південна залізниця»", "ORG"), ("КМДА", "ORG")} <= found
    assert ("Верховний Суд України", "ORG") in found and ("України", "LOC") not in found
    assert ("Министерстве обороны России", "ORG") in _found(tag("Об этом заявили в Министерстве обороны России."))


def test_institutions_named_in_common_words() -> None:
    text = "Рішення оскаржили депутати Партії регіонів у Луцькій міській раді, а Антимонопольний комітет мовчав."
    assert _found(slavic_mentions(text, "uk")) == {
        ("Партії регіонів", "ORG"),
        ("Луцькій міській раді", "ORG"),  # natasha: "Луцькій" a person (the surname Луцький)
        ("Антимонопольний комітет", "ORG"),
    }


def test_a_name_after_a_preposition_of_place_is_a_place() -> None:
    text = "Восени, коли у Києві побили студентів, він вирішив звільнитися."
    assert {m.text: m.label for m in slavic_mentions(text, "uk", repair=False)} == {
        "Восени": "PERSON",  # natasha as it comes: "in autumn" and "in Kyiv" (also the dative of Кий) are people
        "Києві": "PERSON",
    }
    assert _found(slavic_mentions(text, "uk")) == {("Києві", "LOC")}


def test_an_untagged_capitalised_thing_after_a_preposition_of_place_is_a_place() -> None:
    text = "Увечері вони зібралися на Майдані, а потім поїхали у Тисменицю."
    assert "Майдані" not in {m.text for m in slavic_mentions(text, "uk", repair=False)}
    assert _found(slavic_mentions(text, "uk")) == {("Майдані", "LOC"), ("Тисменицю", "LOC")}


def test_a_capitalised_common_word_opening_a_sentence_is_not_a_name() -> None:
    text = "Дорогою Марія думала про Оксану й Тараса.\nВона мовчала."
    found = _found(slavic_mentions(text, "uk"))
    assert {("Марія", "PERSON"), ("Оксану", "PERSON"), ("Тараса", "PERSON")} <= found
    assert not {text for text, _ in found} & {"Дорогою", "Дорогою Марія", "Вона"}


def test_a_mixed_post_reads_each_language_with_its_own_model() -> None:
    text = (
        "Російські війська вночі обстріляли Харків, повідомив Олег Синєгубов.\n"
        "The Pentagon spokesman John Kirby said in Washington that the strikes would not stop the aid."
    )
    mentions = tag(text)
    found = _found(mentions)
    assert ("Олег Синєгубов", "PERSON") in found and ("Харків", "LOC") in found
    assert ("John Kirby", "PERSON") in found and ("Washington", "LOC") in found
    kirby = next(m for m in mentions if m.text == "John Kirby")
    assert "model" not in kirby.norm  # the English model's mention, not natasha's


def test_english_text_never_reaches_natasha() -> None:
    text = "Ukraine's president, Volodymyr Zelenskyy, said on Saturday that two soldiers were captured in Kursk."
    assert not any(m.norm.get("model") == NER_MODEL for m in tag(text))


def test_a_declared_russian_document_is_read_as_russian() -> None:
    doc = Document(
        id="d1", text=RU_POST, sha256="0" * 64, loader="text", retrieved="2025-01-01T00:00:00Z", language="ru"
    )
    mentions = tag(doc)
    assert all(m.doc_id == "d1" for m in mentions)
    assert ("Андрей Белоусов", "PERSON") in _found(mentions)


def test_other_cyrillic_languages_are_still_flagged_as_unread() -> None:
    post = "Руските войски нощес обстреляха Харков и Сумите, съобщиха от Генералния щаб на украинската армия."
    with pytest.warns(LanguageWarning, match=r"bg \(1\)"):
        mentions = tag(post)
    assert not any(m.norm.get("model") == NER_MODEL for m in mentions)


# --- the evaluation sets' readers (benchmarks/bench_ukru.py) -------------------------------------------------------


@pytest.mark.data
def test_factru_gold_spans_are_name_spans_of_the_text(shared_data: Path) -> None:
    folder = shared_data / "ner-ukru" / "factRuEval-2016-devset"
    if not folder.is_dir():
        pytest.skip("factRuEval-2016 devset not in the shared data")
    texts = load_factru(folder)
    assert len(texts) == 122
    spans = [(t.text[s:e], typ) for t in texts for s, e, typ in t.spans]
    assert len(spans) > 2000
    assert {typ for _, typ in spans} == {"PER", "ORG", "LOC"}
    # Names only, whole words, no descriptor: "Славянки" (of "реки Славянки"), never a word cut in two.
    assert all(text == text.strip() and (text[:1].isalnum() or text[:1] in '«"') for text, _ in spans)
    assert ("Славянки", "LOC") in spans and not any(text.startswith("реки ") for text, _ in spans)


@pytest.mark.data
def test_neruk_blocks_keep_token_offsets(shared_data: Path) -> None:
    path = shared_data / "ner-ukru" / "ner-uk-v2" / "train.iob"
    if not path.is_file():
        pytest.skip("ner-uk 2.0 train split not in the shared data")
    texts = load_neruk(path)
    assert sum(t.sentences for t in texts) > 10_000
    assert all(t.sentences <= 30 for t in texts)
    first = texts[0]
    assert ("Устимко", "PER") in {(first.text[s:e], typ) for s, e, typ in first.spans}
    assert {typ for t in texts for _, _, typ in t.spans} == {"PER", "ORG", "LOC"}


def test_findings_say_which_languages_were_read_and_with_what(tmp_path: Path) -> None:
    import json

    import osintkit as ok
    from osintkit.export import write_json
    from osintkit.findings import Findings, LanguageRead

    texts = {
        "uk.txt": UK_POST,
        "ru1.txt": RU_POST,
        "ru2.txt": RU_POST.replace("Курской", "Белгородской"),
        "pl.txt": "Prezydent powiedział dziennikarzom, że wojska wycofały się z obwodu kurskiego.",
        "en.txt": "The minister said the troops withdrew from the Kursk region.",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    docs = list(ok.load(tmp_path))
    langs = {lang.code: lang for lang in Findings(documents=docs).languages}
    assert [lang.code for lang in Findings(documents=docs).languages] == ["ru", "en", "pl", "uk"]
    assert langs["ru"].documents == 2 and langs["ru"].name == "Russian" and langs["ru"].read
    assert langs["pl"] == LanguageRead(code="pl", name="Polish", documents=1, read=False, models=())
    assert any(m.startswith("natasha 1.") for m in langs["uk"].models)
    assert any("pymorphy3-dicts-uk 2." in m for m in langs["uk"].models)
    assert any("pymorphy3-dicts-ru 2." in m for m in langs["ru"].models)
    assert any(m.startswith("osintkit rules (Ukrainian") and "claim cues" in m for m in langs["uk"].models)
    # The shipped English model is named by the SHA-256 of its weights, as its manifest records it.
    assert any("delta sha256 b47a73b31987" in m for m in langs["en"].models)

    path = write_json(Findings(documents=docs), tmp_path / "findings.json")
    written = json.loads(path.read_text(encoding="utf-8"))["languages"]
    assert {"code": "pl", "name": "Polish", "documents": 1, "read": False, "models": []} in written
    assert Findings().languages == []


@pytest.mark.parametrize(
    ("text", "label", "language", "lemma"),
    [
        ("Володимира Зеленського", "PERSON", "uk", "Володимир Зеленський"),
        ("Олени Зеленської", "PERSON", "uk", "Олена Зеленська"),
        ("Олександра Сирського", "PERSON", "uk", "Олександр Сирський"),  # not the woman's name Олександра
        ("Андрієм Єрмаком", "PERSON", "uk", "Андрій Єрмак"),
        ("Дмитрия Пескова", "PERSON", "ru", "Дмитрий Песков"),
        ("Зеленским", "PERSON", "ru", "Зеленский"),
        ("Сергей Шойгу", "PERSON", "ru", "Сергей Шойгу"),
        ("Міністерства оборони України", "ORG", "uk", "Міністерство оборони України"),
        ("Збройних сил України", "ORG", "uk", "Збройні сили України"),
        ("Укрзалізниці", "ORG", "uk", "Укрзалізниця"),
        ("Газпрома", "ORG", "ru", "Газпром"),
        ("ТАСС", "ORG", "ru", "ТАСС"),
        ("Курської області", "LOC", "uk", "Курська область"),
        ("Курской области", "LOC", "ru", "Курская область"),
        ("Кривому Розі", "LOC", "uk", "Кривий Ріг"),
        ("Харкові", "LOC", "uk", "Харків"),  # the city, not the surname Харко
    ],
)
def test_names_keep_their_dictionary_lemma(text: str, label: str, language: str, lemma: str) -> None:
    assert name_lemma(text, label, language) == lemma


def test_natasha_mentions_carry_their_lemma() -> None:
    mentions = slavic_mentions("Лист передали президентові Володимиру Зеленському у Харкові.", "uk")
    lemmas = {m.text: m.norm["lemma"] for m in mentions}
    assert lemmas.get("Володимиру Зеленському") == "Володимир Зеленський", lemmas
    mentions = slavic_mentions("Об этом сообщил пресс-секретарь Дмитрий Песков в беседе с Зеленским.", "ru")
    lemmas = {m.text: m.norm["lemma"] for m in mentions}
    assert lemmas.get("Зеленским") == "Зеленский", lemmas


# osintkit.entities.ukrainian: names of bodies, companies and places rebuilt around natasha's cores. Each case shows
# what natasha gives alone (repair=False) and what the rules make of it.


def _natasha_alone(text: str) -> set[tuple[str, str]]:
    return _found(slavic_mentions(text, "uk", repair=False))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Adjectives, head, and the body and territory it belongs to, in the genitive.
        ("Про це повідомило Головне управління Національної поліції у Київській області.",
         "Головне управління Національної поліції у Київській області"),
        ("Рішення ухвалив Господарський суд Кіровоградської області.", "Господарський суд Кіровоградської області"),
        # Lower-case complements joined by "і", then the state.
        ("Листа надіслали до Міністерства доходів і зборів України.", "Міністерства доходів і зборів України"),
        # An acronym complement, and a dedication that ends the name.
        ("Справу розслідує Головне слідче управління МВС.", "Головне слідче управління МВС"),
        ("Лекцію прочитали в Інституті мовознавства ім. О. О. Потебні минулого тижня.",
         "Інституті мовознавства ім. О. О. Потебні"),
        # An acronym with its adjective, and with adjectives coordinated before it.
        ("Договір підписала Сокирянська РДА.", "Сокирянська РДА"),
        ("Нафту переробляють Дрогобицький і Надвірнянський НПЗ.", "Дрогобицький і Надвірнянський НПЗ"),
    ],
)  # fmt: skip
def test_a_body_is_its_head_noun_with_adjectives_and_complements(text: str, name: str) -> None:
    assert (name, "ORG") not in _natasha_alone(text)
    assert (name, "ORG") in _found(slavic_mentions(text, "uk"))
    assert (name, "ORG") in _found(tag(text))  # longer than the gazetteer's place inside it, so it stays whole


def test_a_person_after_a_body_is_not_part_of_it() -> None:
    found = _found(slavic_mentions("Партії регіонів Олексія Журавка більше немає.", "uk"))
    assert ("Партії регіонів", "ORG") in found and ("Олексія Журавка", "PERSON") in found
    # natasha alone calls the man a place
    assert ("Олексія Журавка", "LOC") in _natasha_alone("Партії регіонів Олексія Журавка більше немає.")


def test_quoted_names_are_organisations_and_quoted_speech_is_not() -> None:
    text = (
        "Підряд отримало ТОВ «Будмонтаж», а фарбу постачало ПрАТ фірма «Київ».\n"
        "Тепло постачає Комунальне підприємство «Київтеплоенерго».\n"
        "Про це написали журналісти газети «Вечірній Київ».\n"
        "Акції «Укрнафти» купив фонд.\n"
        "Він крикнув: «Так!» — і вийшов, а вона відповіла: «Ми прийдемо завтра»."
    )
    found = _found(slavic_mentions(text, "uk"))
    # A legal form, or a capitalised kind of organisation, before the quotation is part of the name.
    assert {("ТОВ «Будмонтаж»", "ORG"), ("ПрАТ фірма «Київ»", "ORG")} <= found
    assert ("Комунальне підприємство «Київтеплоенерго»", "ORG") in found
    # A lower-case kind ("газети") is not; a short capitalised quotation with no verb names something.
    assert {("Вечірній Київ", "ORG"), ("Укрнафти", "ORG")} <= found
    assert not {text for text, _ in found} & {"Так", "Так!", "Ми прийдемо завтра"}
    # A quotation after a kind of work or law is a title, not an organisation (the short-quotation rule would take it).
    titles = "Учні вивчили пісню «Щедрик» і вірш «Заповіт».\nДепутати ухвалили закон «Про освіту»."
    assert _found(slavic_mentions(titles, "uk")) == set()
    assert ("Щедрик", "ORG") in _found(slavic_mentions("Учні вивчили «Щедрик».", "uk"))
    # A body's kind before a quotation: with an adjective it is part of the name, bare it only describes it.
    kinds = "Літак сів у Міжнародному аеропорту «Бориспіль».\nДоговір уклали з Компанією «Некст»."
    assert _found(slavic_mentions(kinds, "uk")) == {("Міжнародному аеропорту «Бориспіль»", "ORG"), ("Некст", "ORG")}
    # Through tag(): the company «Київ» is not the city.
    assert ("Київ", "LOC") not in _found(tag(text))


def test_places_named_by_adjectives_and_a_geographic_noun_and_streets() -> None:
    text = "Поселення стояло на Чорному морі в Російській імперії.\nОфіс розташований на вул. Хрещатик, 22 у Києві."
    alone = _natasha_alone(text)
    assert ("Чорному", "LOC") in alone and ("Хрещатик", "PERSON") in alone
    found = _found(tag(text))
    assert {("Чорному морі", "LOC"), ("Російській імперії", "LOC"), ("вул. Хрещатик, 22", "LOC")} <= found
    assert ("Києві", "LOC") in found


def test_abbreviations_of_common_nouns_and_states_acronyms() -> None:
    text = "ЗМІ повідомили, що ПДВ зросте.\nДелегацію СРСР прийняли в Празі."
    found = _found(slavic_mentions(text, "uk"))
    assert ("СРСР", "LOC") in found
    assert not {text for text, _ in found} & {"ЗМІ", "ПДВ"}


def test_a_body_s_kind_opening_a_sentence_or_a_heading_is_not_a_name() -> None:
    assert _found(slavic_mentions("Суд встановив, що договір недійсний.", "uk")) == set()
    # natasha runs a heading into the next line; the line is a sentence of its own.
    text = "Рішення\nСуд встановив порядок."
    assert not any("Суд" in t for t, _ in _found(slavic_mentions(text, "uk")))


def test_continents_god_and_a_first_name_opening_a_sentence() -> None:
    text = "Лідери Європи зустрілися в Брюсселі.\nВін вірив, що Бог його почує.\nІгор і сам довго не вірив у це."
    alone = _natasha_alone(text)
    assert not {("Європи", "LOC"), ("Бог", "PERSON"), ("Ігор", "PERSON")} & alone
    found = _found(slavic_mentions(text, "uk"))
    assert {("Європи", "LOC"), ("Бог", "PERSON"), ("Ігор", "PERSON")} <= found


def test_people_s_spans_are_mended() -> None:
    text = (
        "Доповідь зробив О. В. Богатський, а відповів йому Кузнєцов А. С. на засіданні.\n"
        "На вечорі виступили Івана Дзюби Михайлина Коцюбинська та інші.\n"
        "Вчора Юрій Ісиков приїхав до міста.\n"
        "Пан Геродот довго мовчав.\n"
        "Справу вела суддя Людмила Беда Суд відмовив у позові."
    )
    alone = _natasha_alone(text)
    assert {("Дзюби Михайлина", "PERSON"), ("Вчора Юрій", "PERSON"), ("Пан Геродот", "PERSON")} <= alone
    found = _found(slavic_mentions(text, "uk"))
    assert {
        ("О. В. Богатський", "PERSON"),  # initials before the surname
        ("Кузнєцов А. С.", "PERSON"),  # and after it
        ("Івана Дзюби", "PERSON"),  # two people run together, split where a first name follows a surname
        ("Михайлина Коцюбинська", "PERSON"),
        ("Юрій Ісиков", "PERSON"),  # a first name and the surname no one tagged
        ("Геродот", "PERSON"),  # a form of address is not part of the name
        ("Людмила Беда", "PERSON"),  # nor the next sentence's first word, its full stop lost
    } <= found


def test_a_word_split_at_its_apostrophe_is_one_word() -> None:
    text = "Вчора Володимир Хом’як приїхав до Мар’їнки."
    assert ("Вчора Володимир Хом", "PERSON") in _natasha_alone(text)  # razdel splits "Хом’як" in three
    assert ("Володимир Хом’як", "PERSON") in _found(slavic_mentions(text, "uk"))
    assert {("Володимир Хом’як", "PERSON"), ("Мар’їнки", "LOC")} <= _found(tag(text))


def test_a_region_named_with_a_compass_adjective_is_a_place() -> None:
    text = "Унаслідок наступу було звільнено значну частину Західної України."
    assert ("Західної України", "PERSON") in _natasha_alone(text)
    assert _found(slavic_mentions(text, "uk")) == {("Західної України", "LOC")}


@pytest.mark.parametrize("reverse", [False, True])
def test_factru_objects_sharing_a_name_span_give_one_gold_type_whatever_their_order(
    tmp_path: Path, reverse: bool
) -> None:
    # The Org "мэрии Москвы" (descriptor dropped) and the LocOrg "Москвы" share the span "Москвы"; the Location
    # "памятника Юрию Долгорукому" and the Person share "Юрию Долгорукому". The object without a descriptor owns it.
    text = "У мэрии Москвы стоит памятник Юрию Долгорукому."
    (tmp_path / "book_1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "book_1.spans").write_text(
        "1 loc_name 8 6 0 1  # Москвы\n2 org_descr 2 5 0 1  # мэрии\n3 name 30 4 0 1  # Юрию\n"
        "4 surname 35 11 0 1  # Долгорукому\n5 loc_descr 21 8 0 1  # памятник\n",
        encoding="utf-8",
    )
    objects = ["10 Org 1 2 # Москвы мэрии", "11 LocOrg 1 # Москвы", "12 Location 3 4 5 # памятник", "13 Person 3 4 #"]
    (tmp_path / "book_1.objects").write_text("\n".join(objects[::-1] if reverse else objects), encoding="utf-8")
    [gold] = load_factru(tmp_path)
    assert {(text[s:e], typ) for s, e, typ in gold.spans} == {("Москвы", "LOC"), ("Юрию Долгорукому", "PER")}


def _ru(text: str, *, repair: bool = True) -> set[tuple[str, str]]:
    return _found(slavic_mentions(text, "ru", repair=repair))


def test_russian_legal_form_is_outside_the_company_s_name() -> None:
    text = "Об этом сообщил глава ОАО «Северсталь» Алексей Мордашов. Сделку одобрило ООО «Ромашка»."
    assert ("ОАО «Северсталь»", "ORG") in _ru(text, repair=False)  # what the rule mends
    assert {("Северсталь", "ORG"), ("Ромашка", "ORG"), ("Алексей Мордашов", "PERSON")} <= _ru(text)
    assert not any(t.startswith(("ОАО", "ООО")) for t, _ in _ru(text))
    latin = _ru("Как передает ИА Regnum, сделку заключила компания Blue Harbor Systems.")
    assert {("Regnum", "ORG"), ("Blue Harbor Systems", "ORG")} <= latin


def test_russian_name_and_its_other_spelling_in_parentheses_are_two_mentions() -> None:
    text = "Доклад подготовил Комитет защиты журналистов (КЗЖ). На вопросы ответил Джон Смит (John Smith)."
    assert ("Джон Смит (John Smith)", "PERSON") in _ru(text, repair=False)
    assert {
        ("Комитет защиты журналистов", "ORG"),
        ("КЗЖ", "ORG"),
        ("Джон Смит", "PERSON"),
        ("John Smith", "PERSON"),
    } <= _ru(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Заявление сделал представитель Палаты представителей Конгресса США.", "Палаты представителей Конгресса США"),
        ("Пресс-служба ГУ МЧС России по Санкт-Петербургу сообщила о пожаре.", "ГУ МЧС России по Санкт-Петербургу"),
        (
            "Экологи подали жалобу в Совет при Президенте РФ по правам человека.",
            "Совет при Президенте РФ по правам человека",
        ),
    ],
)
def test_russian_body_joins_the_body_or_place_it_belongs_to(text: str, name: str) -> None:
    assert (name, "ORG") not in _ru(text, repair=False)
    assert (name, "ORG") in _ru(text)


def test_russian_descriptor_before_a_place_and_the_european_union() -> None:
    places = _ru("Рыбу нашли в устье реки Славянки, а туристы отдыхали на Острове Уайт.")
    assert ("Уайт", "LOC") in places and not any("Остров" in t for t, _ in places)
    # After an adjective the geographic noun is part of the name.
    assert ("Курильские острова", "LOC") in _ru("Президент прилетел на Курильские острова.")
    union = _ru("Евросоюз и Еврокомиссия обсудили санкции. Эксперты ЕС согласились.")
    assert {("Евросоюз", "ORG"), ("Еврокомиссия", "ORG"), ("ЕС", "ORG")} <= union
    assert ("Москвы", "LOC") in _ru("Эксперты из Москвы согласились.")


def test_russian_rules_are_not_applied_to_ukrainian(monkeypatch: pytest.MonkeyPatch) -> None:
    from osintkit.entities import russian

    def refuse(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        raise AssertionError("Russian rules called")

    monkeypatch.setattr(russian, "repair_russian", refuse)
    text = "Комітет захисту журналістів (КЗЖ) повідомив, що ТОВ «Ромашка» закрито."
    assert slavic_mentions(text, "uk")
    with pytest.raises(AssertionError, match="Russian rules"):
        slavic_mentions("Комитет защиты журналистов (КЗЖ) сообщил об этом.", "ru")


def test_russian_adjective_of_belonging_and_a_place_s_part() -> None:
    text = "Глава японского МИДа выразил сожаление."
    assert ("МИДа", "ORG") in _ru(text, repair=False)
    assert ("японского МИДа", "ORG") in _ru(text)
    # An adjective of quality or order stays outside.
    assert ("нового МИДа", "ORG") not in _ru("Глава нового МИДа выразил сожаление.")
    district = _ru("Суд Южного округа Нью-Йорка вынес приговор.")
    assert ("Южного округа Нью-Йорка", "LOC") in district
    # natasha sometimes gives a descriptor alone, in lower case, as a place of its own.
    from osintkit.entities.russian import repair_russian

    text = "Шаттл приземлился на мысе Канаверал."
    spans = [(text.index("мысе"), text.index("мысе") + 4, "LOC"), (text.index("Канаверал"), len(text) - 1, "LOC")]
    assert [text[s:e] for s, e, _ in repair_russian(text, spans)] == ["Канаверал"]


def test_russian_latin_spelling_in_parentheses_takes_the_name_s_label() -> None:
    text = "Об этом сообщает Комитет защиты журналистов (КЗЖ) (Committee to Protect Journalists)."
    assert ("Committee to Protect Journalists", "ORG") in _ru(text)
    # Latin words elsewhere are as often products as companies: left to the model.
    assert not any(t == "Windows" for t, _ in _ru("Программа работает под Windows и Linux."))
