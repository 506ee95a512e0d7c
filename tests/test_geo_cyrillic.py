"""Ukrainian and Russian place names in their case forms, found through the real embedded gazetteer."""

from __future__ import annotations

import warnings

import pytest

from osintkit.geo import OfflineGeocoder, geoparse
from osintkit.geo.cyrillic import find_cyrillic_toponyms, name_like, nominative_forms

UK_POST = (
    "Президент Володимир Зеленський заявив агенції Reuters, що українські військові взяли в полон двох солдатів "
    "КНДР у Курській області. У Харкові та Сумах лунали вибухи, обстріляли Одесу і Запоріжжя. Розвідка Південної "
    "Кореї повідомила, що Пхеньян відправив 11 тисяч військових до Росії."
)
RU_POST = (
    "Минобороны России сообщило, что ВСУ атаковали Белгород и Курск, бои идут под Суджей. В Курской области "
    "объявлен режим ЧС. Войска из КНДР перебросили на Дальний Восток. Мария Захарова заявила об этом в Москве."
)


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    return OfflineGeocoder()


def _found(text: str, geocoder: OfflineGeocoder) -> dict[str, tuple[str, str]]:
    mentions = find_cyrillic_toponyms(text, geocoder)
    for m in mentions:
        assert text[m.start : m.end] == m.text and m.label == "LOC" and m.source == "gazetteer"
    return {m.text: (m.norm["name"], m.norm["country_code"]) for m in mentions}


def test_nominative_forms_undo_case_endings() -> None:
    assert "Харків" in nominative_forms("Харкові")  # the і/о alternation: Харків, Харкова
    assert "Київ" in nominative_forms("Києві")
    assert "Росія" in nominative_forms("Росії") and "Россия" in nominative_forms("России")
    assert "Суми" in nominative_forms("Сумах") and "Суджа" in nominative_forms("Суджей")
    assert nominative_forms("Бахмут")[0] == "Бахмут"  # the word as written comes first


def test_ukrainian_post(geocoder: OfflineGeocoder) -> None:
    found = _found(UK_POST, geocoder)
    assert found == {
        "КНДР": ("North Korea", "KP"),
        "Курській області": ("Kursk Oblast", "RU"),
        "Харкові": ("Kharkiv", "UA"),  # not Khārk, the Iranian island its bare stem spells
        "Сумах": ("Sumy", "UA"),
        "Одесу": ("Odesa", "UA"),
        "Запоріжжя": found["Запоріжжя"],
        "Південної Кореї": ("South Korea", "KR"),
        "Пхеньян": ("Pyongyang", "KP"),
        "Росії": ("Russia", "RU"),
    }
    assert found["Запоріжжя"][1] == "UA"


def test_russian_post(geocoder: OfflineGeocoder) -> None:
    found = _found(RU_POST, geocoder)
    assert found == {
        "России": ("Russia", "RU"),  # beside another capitalised word, but a country is no one's name
        "Белгород": ("Belgorod", "RU"),
        "Курск": ("Kursk", "RU"),
        "Суджей": ("Sudzha", "RU"),
        "Курской области": ("Kursk Oblast", "RU"),
        "КНДР": ("North Korea", "KP"),
        "Дальний Восток": ("Far Eastern Federal District", "RU"),
        "Москве": ("Moscow", "RU"),
    }


def test_people_and_common_words_are_not_places(geocoder: OfflineGeocoder) -> None:
    # Volodymyr and Zakharovo are towns, Peremoha ("victory") and Mir ("peace") villages, Sila a region of Chad.
    text = "Володимир Зеленський і Марія Захарова. Перемога. Мир. Сили оборони. Генштабі Збройних сил."
    assert _found(text, geocoder) == {}
    assert find_cyrillic_toponyms("Shelling in Kharkiv and Sumy.", geocoder) == []


def test_geoparse_resolves_inflected_names() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the English model's LanguageWarning; tested in test_tag_model
        places = {p.text: p for p in geoparse(UK_POST)}
    kharkiv = places["Харкові"]
    assert (kharkiv.name, kharkiv.country_code) == ("Kharkiv", "UA")
    assert kharkiv.lat == pytest.approx(49.98, abs=0.1) and kharkiv.lon == pytest.approx(36.25, abs=0.1)
    assert places["Курській області"].name == "Kursk Oblast"


def test_consonant_alternations_and_fleeting_vowels_resolve(geocoder: OfflineGeocoder) -> None:
    # The hand-written suffix stripper missed each of these; pymorphy3's dictionaries and two alternations find them.
    text = "Вибухи лунали в Горлівці, Макіївці та Авдіївці, у Празі, у Кривому Розі і в Орлі."
    mentions = find_cyrillic_toponyms(text, geocoder)
    found = {m.text: (m.norm["name"], m.norm["lemma"]) for m in mentions}
    assert found == {
        "Горлівці": ("Horlivka", "Горлівка"),
        "Макіївці": ("Makiyivka", "Макіївка"),
        "Авдіївці": ("Avdiyivka", "Авдіївка"),
        "Празі": ("Prague", "Прага"),
        "Кривому Розі": ("Kryvyy Rih", "Кривий Ріг"),
        "Орлі": ("Orël", "Орел"),
    }


def test_nominative_forms_come_from_the_dictionaries_first() -> None:
    assert nominative_forms("Горлівці")[1] == "Горлівка"  # Ukrainian dictionary
    assert nominative_forms("Москве")[:2] == ["Москве", "Москва"]  # Russian dictionary
    assert "Ріг" in nominative_forms("Розі") and "Орел" in nominative_forms("Орлі")


def test_pronouns_and_first_names_are_not_towns(geocoder: OfflineGeocoder) -> None:
    # Мена, Уси and Yuriy are towns; "Мені" is "to me", "Усе" "everything", Юрій a man.
    assert _found("Мені сказали. Усе гаразд. Юрій мовчав.", geocoder) == {}


def test_a_town_after_a_capitalised_common_noun(geocoder: OfflineGeocoder) -> None:
    # Two capitalised words side by side were read as a person's names, and a town inside a name is no town: but
    # "Обстрел", "Жителей", "Мер" and "Жителька" are common nouns capitalised as a sentence's first word.
    text = "Обстрел Белгорода продолжался всю ночь. Жителей Белгорода эвакуировали. Мер Сум заявив про вибухи."
    assert _found(text, geocoder) == {"Белгорода": ("Belgorod", "RU"), "Сум": ("Sumy", "UA")}
    assert _found("Жителька Сум розповіла про вибухи.", geocoder) == {"Сум": ("Sumy", "UA")}
    assert _found("Марія Захарова і Володимир Зеленський.", geocoder) == {}  # names beside names stay names


def test_name_like_words() -> None:
    assert name_like("Ірина") and name_like("Савчук") and name_like("Андрей") and name_like("Володимир")
    assert not any(name_like(w) for w in ("Жителька", "Обстрел", "Мер", "Жителей"))


def test_a_resident_of_sumy_is_no_person_and_sumy_a_place() -> None:
    from osintkit.entities import tag

    # natasha reads "Жителька Сум" ("a resident of Sumy") as one person, which hid the town.
    text = "Жителька Сум Ірина Савчук розповіла, що вночі у Сумах та під Конотопом лунали вибухи."
    mentions = {m.text: m for m in tag(text)}
    assert mentions["Сум"].label == "LOC" and mentions["Сум"].norm["lemma"] == "Суми"
    assert mentions["Ірина Савчук"].label == "PERSON"
    assert not any("Сум" in m.text and m.label == "PERSON" for m in mentions.values())
    places = {p.text: p.name for p in geoparse(text)}
    assert places["Сум"] == "Sumy" and places["Сумах"] == "Sumy" and places["Конотопом"] == "Konotop"
