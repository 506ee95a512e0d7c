"""Name keys, the shipped tables and the SQLite index."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osintkit.errors import InputError
from osintkit.geo import ATTRIBUTION
from osintkit.geo.gazetteer import DATA_DIR, Gazetteer, _fingerprint, cache_dir, feature_type
from osintkit.geo.normalise import name_key, split_admin, strip_article

GEO_TEST_CACHE = Path(tempfile.gettempdir()) / f"osintkit-test-geo-{os.getuid()}"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Russia’s Far-East", "russias far east"),
        ("Russia's Far East", "russias far east"),
        ("  KURSK  ", "kursk"),
        ("São Paulo", "sao paulo"),
        ("Łódź", "lodz"),
        ("Nur-Sultan", "nur sultan"),
        ("Kurskaya Oblast'", "kurskaya oblast"),
        ("Київ", name_key("КИЇВ")),
        ("N.M.", "n m"),
    ],
)
def test_name_key(text: str, key: str) -> None:
    assert name_key(text) == key


@given(st.text(max_size=40))
def test_name_key_is_idempotent(text: str) -> None:
    once = name_key(text)
    assert name_key(once) == once
    assert once == once.strip() and "  " not in once


def test_admin_phrases() -> None:
    assert split_admin(strip_article("the kursk region")) == ["kursk"]
    assert split_admin("province of tarlac") == ["tarlac"]
    assert "kharkiv" in split_admin("kharkivska oblast")
    assert "kursk" in split_admin("kurskaya oblast")
    assert split_admin("kursk") == []


def test_feature_types() -> None:
    assert feature_type("P", "PPLC") == "capital"
    assert feature_type("P", "PPL") == "city"
    assert feature_type("A", "PCLI") == "country"
    assert feature_type("A", "ADM1") == "admin1"
    assert feature_type("L", "RGN") == "region"
    assert feature_type("H", "SEA") == "water"


def test_shipped_tables_are_small_and_well_formed() -> None:
    total = 0
    for name in ("admin.tsv", "regions.tsv", "demonyms.tsv", "countries-110m.json"):
        path = DATA_DIR / name
        assert path.is_file(), name
        total += path.stat().st_size
    assert total < 2_500_000
    assert (DATA_DIR / "admin.tsv").stat().st_size < 2_000_000
    with (DATA_DIR / "admin.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) > 5000
    ids = [r["geonameid"] for r in rows]
    assert len(ids) == len(set(ids))
    kinds = {r["fcode"] for r in rows}
    assert {"PCLI", "ADM1", "ADM2", "RGN", "CONT"} <= kinds
    for r in rows[:2000]:
        assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lng"]) <= 180
    curated = (DATA_DIR / "regions.tsv").read_text(encoding="utf-8")
    for phrase in ("Russia's Far East", "Donbas", "Crimea", "Kursk Oblast", "Far Eastern Federal District"):
        assert phrase in curated


def test_attribution_credits_geonames_and_natural_earth() -> None:
    names = {c["name"] for c in ATTRIBUTION}
    assert {"GeoNames", "Natural Earth"} <= names
    assert any("CC BY 4.0" in c["license"] for c in ATTRIBUTION)


def test_cache_dir_follows_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OSINTKIT_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" and (tmp_path / "c").is_dir()


def test_index_is_built_once_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSINTKIT_CACHE_DIR", str(GEO_TEST_CACHE))
    first = Gazetteer()
    assert first.path.parent == GEO_TEST_CACHE and first.path.name == f"gazetteer-{_fingerprint()}.sqlite"
    again = Gazetteer()
    assert again.build_seconds is None  # opened, not rebuilt
    stats = again.stats()
    assert stats["places"] > 200_000 and stats["names"] > 1_000_000 and stats["demonyms"] > 150
    assert again.demonym("north korean") == "KP" and again.demonym("north koreans") == "KP"
    assert again.country("ua") is not None and again.country("UA").name == "Ukraine"  # type: ignore[union-attr]
    assert {i for i, _ in again.lookup(name_key("Київ"))} == {703448}


def test_bad_curated_row_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from osintkit.geo import gazetteer

    bad = tmp_path / "regions.tsv"
    header = (DATA_DIR / "regions.tsv").read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(header + "\n990009999\tNowhere\tnorth\t10\tXX\tL\tRGN\t0\t\t\n", encoding="utf-8")
    builder = gazetteer._Builder()
    with pytest.raises(InputError) as err:
        builder.add_table(bad, curated=True)
    assert err.value.path == str(bad) and err.value.line == 2 and err.value.field == "lat"
