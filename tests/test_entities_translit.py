"""Standard romanisation: Ukraine's national system and ICAO Doc 9303 for Russian, checked against the examples
the standards publish, and the tolerant key that compares their output with the press's spellings."""

from __future__ import annotations

import pytest

from osintkit.entities.translit import cyrillic_language, latin_key, transliterate
from osintkit.errors import InputError, OsintkitError

# Every example in the table of Cabinet of Ministers resolution No. 55 (2010), plus Розгон from its text.
UKRAINIAN_EXAMPLES = """
Алушта Alushta, Андрій Andrii, Борщагівка Borshchahivka, Борисенко Borysenko, Вінниця Vinnytsia, Володимир Volodymyr,
Гадяч Hadiach, Богдан Bohdan, Згурський Zghurskyi, Ґалаґан Galagan, Ґорґани Gorgany, Донецьк Donetsk, Дмитро Dmytro,
Рівне Rivne, Олег Oleh, Есмань Esman, Єнакієве Yenakiieve, Гаєвич Haievych, Короп'є Koropie, Житомир Zhytomyr,
Жанна Zhanna, Жежелів Zhezheliv, Закарпаття Zakarpattia, Казимирчук Kazymyrchuk, Медвин Medvyn, Михайленко Mykhailenko,
Іванків Ivankiv, Іващенко Ivashchenko, Їжакевич Yizhakevych, Кадиївка Kadyivka, Мар'їне Marine, Йосипівка Yosypivka,
Стрий Stryi, Олексій Oleksii, Київ Kyiv, Коваленко Kovalenko, Лебедин Lebedyn, Леонід Leonid, Михайлівка Mykhailivka,
Маркіян Markiian, Наталія Nataliia, Никифор Nykyfor, Одеса Odesa, Онищенко Onyshchenko, Полтава Poltava, Петро Petro,
Решетилівка Reshetylivka, Рибчинський Rybchynskyi, Суми Sumy, Соломія Solomiia, Тернопіль Ternopil, Троць Trots,
Ужгород Uzhhorod, Уляна Uliana, Фастів Fastiv, Філіпчук Filipchuk, Харків Kharkiv, Христина Khrystyna,
Стеценко Stetsenko, Чернівці Chernivtsi, Шевченко Shevchenko, Шостка Shostka, Кишеньки Kyshenky,
Щербухи Shcherbukhy, Гоща Hoshcha, Гаращенко Harashchenko, Юрій Yurii, Корюківка Koriukivka, Яготин Yahotyn,
Ярошенко Yaroshenko, Костянтин Kostiantyn, Знам'янка Znamianka, Феодосія Feodosiia, Згорани Zghorany, Розгон Rozghon
"""


def _pairs(table: str) -> list[tuple[str, str]]:
    return [(p.split()[0], p.split()[1]) for p in table.replace("\n", " ").split(",") if p.strip()]


@pytest.mark.parametrize(("cyrillic", "latin"), _pairs(UKRAINIAN_EXAMPLES))
def test_ukrainian_national_system_gives_the_resolutions_examples(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic, "uk") == latin


def test_ukrainian_position_rules_apply_per_word_and_the_apostrophe_goes() -> None:
    # Є/Ї/Й/Ю/Я open a word as ye/yi/y/yu/ya, and inside it (after an apostrophe too) as ie/i/i/iu/ia.
    assert transliterate("Юрій Їжакевич і Яна Єрмак з Мар'їне", "uk") == "Yurii Yizhakevych i Yana Yermak z Marine"
    assert transliterate("Біла Церква, «Укрзалізниця»", "uk") == "Bila Tserkva, «Ukrzaliznytsia»"
    # зг is zgh only as a pair: a lone г is h, and згі after a word boundary too.
    assert transliterate("Згурівка Загорськ", "uk") == "Zghurivka Zahorsk"
    assert transliterate("Володимир Зеленський", "uk") == "Volodymyr Zelenskyi"
    # A word in capitals stays in capitals; a letter group takes the capital of its letter.
    assert transliterate("ЗСУ і ЩОРС", "uk") == "ZSU i SHCHORS"
    assert transliterate("Щорс", "uk") == "Shchors"


# ICAO Doc 9303 part 3 table, and names as Russian passports since 2014 write them.
RUSSIAN_EXAMPLES = [
    ("Дмитрий Песков", "Dmitrii Peskov"),
    ("Юлия", "Iuliia"),
    ("Мария", "Mariia"),
    ("Горбачёв", "Gorbachev"),
    ("Ельцин", "Eltsin"),
    ("Хрущёв", "Khrushchev"),
    ("Щукин", "Shchukin"),
    ("Объект", "Obieekt"),
    ("Эмма", "Emma"),
    ("Сергей Шойгу", "Sergei Shoigu"),
    ("Владимир Зеленский", "Vladimir Zelenskii"),
    ("Курская область", "Kurskaia oblast"),
]


@pytest.mark.parametrize(("cyrillic", "latin"), RUSSIAN_EXAMPLES)
def test_russian_icao_9303(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic, "ru") == latin


def test_other_text_passes_unchanged_and_an_unknown_language_is_refused() -> None:
    assert transliterate("Reuters, 5 грудня", "uk") == "Reuters, 5 hrudnia"
    with pytest.raises(InputError, match="'be'") as err:
        transliterate("Мінск", "be")
    assert isinstance(err.value, OsintkitError) and err.value.field == "language"


def test_letters_only_one_alphabet_has_tell_the_language() -> None:
    assert cyrillic_language("Київ") == "uk"
    assert cyrillic_language("Зеленський") is None  # every letter of it is in both alphabets
    assert cyrillic_language("Объект") == "ru"
    assert cyrillic_language("Курск") is None
    assert cyrillic_language("Kursk") is None


@pytest.mark.parametrize(
    "names",
    [
        # The press, the Ukrainian system, its doubled-y passport form, ICAO from the Russian spelling, BGN/PCGN.
        ("Zelensky", "Zelenskyy", "Zelenskyi", "Zelenskii", "Zelenskiy"),
        ("Shoigu", "Shoygu"),
        ("Syrskyi", "Syrsky", "Syrskyy"),
        ("Oleh", "Oleg"),
        ("Zakharchenko", "Zaharchenko"),
        ("Yevgeny", "Evgenii", "Ievgenii"),
        ("Kravets", "Kravec", "Kravetz"),
        ("Klychko", "Klitschko"),
        ("Zelenska", "Zelenskaya", "Zelenskaia"),
        ("Ivashchenko", "Ivaschenko"),
    ],
)
def test_latin_key_folds_romanisations_and_press_spellings(names: tuple[str, ...]) -> None:
    assert len({latin_key(n) for n in names}) == 1, {n: latin_key(n) for n in names}


@pytest.mark.parametrize(
    ("a", "b"),
    [("Ivanov", "Ivanova"), ("Kovalenko", "Kovalchenko"), ("Maria", "Marina"), ("Zelensky", "Zelenska")],
)
def test_latin_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert latin_key(a) != latin_key(b)


def test_transliterated_cyrillic_meets_the_press_spelling() -> None:
    assert latin_key(transliterate("Зеленський", "uk")) == latin_key("Zelensky")
    assert latin_key(transliterate("Зеленский", "ru")) == latin_key("Zelenskyy")
    assert latin_key(transliterate("Укрзалізниця", "uk")) == latin_key("Ukrzaliznytsia")
    assert latin_key(transliterate("Газпром", "ru")) == latin_key("Gazprom")
