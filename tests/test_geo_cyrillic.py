"""Ukrainian and Russian place names in their case forms, found through the real embedded gazetteer."""

from __future__ import annotations

import warnings

import pytest

from osintkit.geo import OfflineGeocoder, geoparse
from osintkit.geo.cyrillic import find_cyrillic_toponyms, nominative_forms

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
