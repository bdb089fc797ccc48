"""Synthetic records in exactly the shape of ``Dataset.frame``, for benchmarks and load tests.

Everything is drawn from a seeded ``numpy`` generator with array operations (100k rows in about a
second), so the export and dashboard benchmarks measure our code, not the generator.
Texts deliberately contain quotes, ampersands, angle brackets, non-ASCII letters and a leading
``=`` so the exporters' escaping is exercised.  List cells (``actors``, ``report_ids``) are shared
list objects taken from a small pool: treat them as read-only.
"""
from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gazetteer import geodesy
from geo.core.frame import ID_SEP, TEXT_SEP, conform
from geo.core.dataset import fill_representative_points
from geo.core.model import DATE_PRECISIONS, KIND_LAYERS, KINDS, STATUSES, SUBTYPES, date_prec_from_days

_ACTORS = {
    "irgc": "Islamic Revolutionary Guard Corps", "hezbollah": "Hezbollah", "russia": "Russia",
    "saa": "Syrian Arab Army", "isis": "Islamic State", "iran_backed_militias": "Iran-backed militias",
}
_ACTOR_SETS = [["irgc"], ["hezbollah"], ["irgc", "hezbollah"], ["russia", "saa"], ["isis"],
               ["iran_backed_militias"], ["saa"], ["russia"], ["irgc", "iran_backed_militias", "saa"]]
_OUTLETS = ["Zaman al-Wasl", "Al-Rai", "Syrian Observatory for Human Rights", "al-Masdar News", "Reuters"]
_CAVEATS = [None, "The relaying outlet has not verified the content of this story.",
            "Anonymous sources; disputed by other parties."]
_SUMMARIES = [
    "Forces were reportedly moved into the area overnight.",
    'A "joint room" & depot were said to be <set up> near the town.',
    "Reinforcements — fighters, weapons and trucks — arrived in the village of Marhatan.",
    "=SUM(1,2) looks like a formula but is only text.",
    "Report mentions the area north of the café on the old road.\nSecond line of the summary.",
]
_EXTENT = (35.8, 32.4, 42.2, 37.2)
_EPOCH = np.datetime64("2011-03-15")


def _pool(values: list, index: np.ndarray) -> np.ndarray:
    """``values[index]`` as an object array (list values are shared, not copied)."""
    pool = np.empty(len(values), dtype=object)
    pool[:] = values
    return pool[index]


def synthetic_frame(n: int, *, seed: int = 0, area_share: float = 0.35) -> gpd.GeoDataFrame:
    """``n`` plausible records (points, area polygons, movement lines) with realistic properties."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(np.array(KINDS, dtype=object), size=n, p=[0.2, 0.2, 0.1, 0.25, 0.15, 0.1])
    lon = rng.uniform(_EXTENT[0], _EXTENT[2], n)
    lat = rng.uniform(_EXTENT[1], _EXTENT[3], n)

    geometry = shapely.points(lon, lat)
    is_move = kinds == "movement"
    is_area = ~is_move & (rng.random(n) < area_share)
    radius = rng.uniform(0.02, 0.4, n)
    geometry[is_area] = geodesy.circles(lon[is_area], lat[is_area], radius[is_area] * 111_000.0, vertices=16)
    steps = rng.normal(0.0, 0.3, (int(is_move.sum()), 2, 2)).cumsum(axis=1)
    start = np.stack([lon[is_move], lat[is_move]], axis=-1)[:, None, :]
    geometry[is_move] = shapely.linestrings(np.concatenate([start, start + steps], axis=1))

    geo_precision = np.where(is_area, 3, np.where(is_move, 2, rng.choice([1, 2], n)))
    where_prec = np.where(is_area, rng.choice([4, 5, 6], n), np.where(is_move, 5, rng.choice([1, 2, 3], n)))
    uncertainty = np.where(is_area, radius * 111_000.0, np.where(geo_precision == 1, 0.0, 5_000.0))

    start_day = _EPOCH + rng.integers(0, 13 * 365, n).astype("timedelta64[D]")
    span = rng.choice(np.array([1, 1, 1, 3, 7, 30, 365]), n)
    end_day = start_day + (span - 1).astype("timedelta64[D]")
    precision = np.select([span <= 1, span <= 7, span <= 31], ["day", "week", "month"], default="year")
    assert set(precision) <= set(DATE_PRECISIONS)
    facility = kinds == "facility"
    status = np.where(facility, rng.choice(np.array(STATUSES, dtype=object), n), None)
    first = np.where(facility, start_day, np.datetime64("NaT"))
    last = np.where(facility, end_day + rng.integers(0, 400, n).astype("timedelta64[D]"), np.datetime64("NaT"))

    actor_idx = rng.integers(0, len(_ACTOR_SETS), n)
    actor_str = [ID_SEP.join(a) for a in _ACTOR_SETS]
    actor_names = [TEXT_SEP.join(_ACTORS[x] for x in a) for a in _ACTOR_SETS]
    report_pool = [[f"r{i:03d}"] for i in range(50)] + [["r001", "r002"]]
    report_idx = rng.integers(0, len(report_pool), n)
    outlet_idx = rng.integers(0, len(_OUTLETS), n)
    caveat_idx = rng.integers(0, len(_CAVEATS), n)
    evidence_pool = [json.dumps([{"report": r[0], "start": s, "end": s + 80, "sha256": f"{s:064x}"}])
                     for r, s in zip(report_pool, range(0, 5100, 100))]
    ev_start = report_idx * 100
    subtypes = np.array([rng.choice(SUBTYPES[k]) for k in KINDS], dtype=object)
    kind_codes = pd.Categorical(kinds, categories=KINDS).codes
    numbers = np.arange(n).astype(str).astype(object)
    ids = "syn-" + numbers
    caveats = _pool(_CAVEATS, caveat_idx)

    data = {
        "id": ids,
        "kind": kinds,
        "layer": pd.Series(kinds).map(KIND_LAYERS).to_numpy(),
        "subtype": subtypes[kind_codes],
        "title": "Synthetic " + kinds + " report #" + numbers,
        "summary": _pool(_SUMMARIES, rng.integers(0, len(_SUMMARIES), n)) + " (synthetic note " + numbers + ")",
        "actors": _pool(_ACTOR_SETS, actor_idx),
        "actors_str": _pool(actor_str, actor_idx),
        "actor_names": _pool(actor_names, actor_idx),
        "place_text": np.where(is_area, "the countryside around the town", "near the village"),
        "place_id": np.where(is_area, None, "place-" + (actor_idx * 7 % 40).astype(str).astype(object)),
        "place_query": np.where(is_area, "the countryside", "village"),
        "place_refs": np.where(is_area, None, "place-" + (actor_idx * 7 % 40).astype(str).astype(object)),
        "latitude": np.full(n, np.nan),
        "longitude": np.full(n, np.nan),
        "geo_precision": geo_precision,
        "where_prec": where_prec,
        "uncertainty_m": np.round(uncertainty, 1),
        "date_start": start_day,
        "date_end": end_day,
        "date_text": np.where(span == 1, "on Tuesday", None),
        "date_precision": precision,
        "date_prec": date_prec_from_days(span),
        "first_reported": first,
        "last_reported": last,
        "status": status,
        "report_ids": _pool(report_pool, report_idx),
        "source_outlet": _pool(_OUTLETS, outlet_idx),
        "source_via": np.where(outlet_idx % 2 == 0, "The Syrian Observer", None),
        "source_url": "https://example.org/report/" + report_idx.astype(str).astype(object),
        "source_published": np.datetime_as_string(start_day + 2, unit="D"),
        "source_caveat": caveats,
        "unverified": caveat_idx == 1,
        "evidence": _pool(evidence_pool, report_idx),
        "evidence_report": _pool([r[0] for r in report_pool], report_idx),
        "evidence_start": ev_start,
        "evidence_end": ev_start + 80,
        "evidence_sha256": np.char.zfill(ev_start.astype(str), 64),
        "confidence": np.round(rng.uniform(0.05, 0.95, n), 2),
        "notes": np.where(rng.random(n) < 0.2, "Single source; treat with care.", None),
        "fatalities": np.full(n, None),
        "source_event": np.full(n, None),
        "corroborated_by": np.full(n, None),  # synthetic reports corroborate nothing
        "corroborated": np.zeros(n, dtype=bool),
    }
    frame = conform(data, geometry)
    fill_representative_points(frame)
    return frame


# --- a whole data folder ----------------------------------------------------------------------------
#: Feature types a synthetic record may be placed at (Syrian places of the gazetteer).
_POINT_TYPES = frozenset({"city", "town", "village", "airbase", "base", "crossing", "oil_field", "gas_field", "camp"})
_DIRECTIONS = ("north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest")
_SIDES = ("eastern", "western", "northern", "southern")
#: Records per event file (a real folder holds several files; one changed file is one small rewrite).
_RECORDS_PER_FILE = 10_000
_REPORTS = 200


def _place_fields(rng: np.random.Generator, kind: str, points: list[Any], inland: list[Any],
                  governorates: list[Any]) -> dict[str, Any]:
    """The place of one synthetic record, as an analyst writes it: an id, a relative phrase, a route.
    Distances are taken from ``inland`` places only, so no footprint falls outside Syria."""
    a, b = (points[i] for i in rng.choice(len(points), 2, replace=False))
    if kind == "movement":
        return {"place": [a.id, b.id], "route": [a.id, b.id], "place_text": f"from {a.name} to {b.name}"}
    roll = rng.random()
    if roll < 0.5:
        return {"place": a.id, "place_text": a.name}
    if roll < 0.7:
        return {"place": f"near {a.id}", "place_text": f"near {a.name}"}
    if roll < 0.8:
        a = inland[int(rng.integers(len(inland)))]
        km = int(rng.integers(1, 10)) * 5
        direction = _DIRECTIONS[int(rng.integers(len(_DIRECTIONS)))]
        return {"place": f"{km} km {direction} of {a.id}", "place_text": f"{km} km {direction} of {a.name}"}
    g = governorates[int(rng.integers(len(governorates)))]
    if roll < 0.9:
        side = _SIDES[int(rng.integers(len(_SIDES)))]
        return {"place": f"{side} countryside of {g.name}", "place_text": f"the {side} countryside of {g.name}"}
    if roll < 0.98:
        return {"place": g.id, "place_text": f"{g.name} governorate"}
    return {"place": "syria", "place_text": "Syria"}


def _dates(rng: np.random.Generator, today: np.datetime64) -> dict[str, Any]:
    """An honest window: its precision is the finest its length supports."""
    span = int(rng.choice([1, 1, 1, 2, 5, 7, 20, 31, 90, 365]))
    last_start = (today - _EPOCH).astype(int) - span
    start = _EPOCH + np.timedelta64(int(rng.integers(0, last_start)), "D")
    end = start + np.timedelta64(span - 1, "D")
    from geo.core.model import range_precision

    out = {"date_start": str(start), "date_precision": range_precision(span)}
    if span > 1:
        out["date_end"] = str(end)
    return out


def write_data_folder(out: Any, *, rows: int, seed: int = 0, gazetteer: Any = None,
                      actors_file: Any = None) -> int:
    """Write a *valid* data folder of ``rows`` synthetic records to ``out``; returns the records written.

    Records are placed the way analysts write places (gazetteer ids, "near X", "N km north of X",
    "the eastern countryside of G", governorates, routes between two places), all inside Syria, so
    loading it goes through the same resolution and validation as real data.  Actors are the
    project's registry (``actors_file``, default ``data/actors.yaml``); reports are a synthetic
    registry (no texts: no evidence spans).
    """
    import shutil
    from pathlib import Path

    import yaml

    from geo import settings
    from geo.core.gazetteer_access import get_gazetteer
    from geo.core.problems import ProblemLog
    from geo.store.folder import DataFolder

    gz = gazetteer if gazetteer is not None else get_gazetteer()
    folder = DataFolder(Path(out))
    folder.events_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(actors_file or settings.DATA_DIR / settings.ACTORS_FILE, folder.actors_path)
    log = ProblemLog()
    actor_ids = sorted(folder.actors(log))  # the registry read the one way every command reads it
    log.raise_if_any()
    points = sorted((p for p in gz.places if p.country == "SY" and p.feature_type in _POINT_TYPES
                     and p.governorate), key=lambda p: p.id)
    governorates = sorted((p for p in gz.places if p.feature_type == "governorate"), key=lambda p: p.id)
    syria = gz.get("syria")
    border = syria.geometry.boundary if syria is not None and syria.geometry is not None else None
    inland = [p for p in points if border is None or border.distance(shapely.Point(p.lon, p.lat)) > 0.6] or points
    rng = np.random.default_rng(seed)
    today = np.datetime64("2024-12-01")
    reports = [{"id": f"syn{i:03d}", "title": f"Synthetic report {i}", "outlet": _OUTLETS[i % len(_OUTLETS)],
                "published": str(_EPOCH + np.timedelta64(int(rng.integers(0, 4_900)), "D")), "language": "en",
                "caveat": _CAVEATS[i % len(_CAVEATS)]} for i in range(_REPORTS)]
    folder.commit({folder.relative(folder.reports_path): yaml.safe_dump(reports, sort_keys=False, allow_unicode=True)})
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    kinds = rng.choice(np.array(KINDS, dtype=object), size=rows, p=[0.2, 0.2, 0.1, 0.25, 0.15, 0.1])
    for first in range(0, rows, _RECORDS_PER_FILE):
        records = []
        for i in range(first, min(rows, first + _RECORDS_PER_FILE)):
            kind = str(kinds[i])
            n_actors = 1 + int(rng.random() < 0.3)
            rec: dict[str, Any] = {
                "id": f"syn-{i:07d}", "kind": kind, "subtype": SUBTYPES[kind][int(rng.integers(len(SUBTYPES[kind])))],
                "title": f"Synthetic {kind} #{i}", "summary": _SUMMARIES[i % len(_SUMMARIES)],
                "actors": [actor_ids[j] for j in rng.choice(len(actor_ids), n_actors, replace=False)],
                **_place_fields(rng, kind, points, inland, governorates), **_dates(rng, today),
                "sources": [{"report": reports[int(rng.integers(_REPORTS))]["id"]}],
                "confidence": round(float(rng.uniform(0.05, 0.95)), 2),
            }
            if kind == "facility":
                rec["status"] = STATUSES[int(rng.integers(len(STATUSES)))]
            records.append(rec)
        text = yaml.dump(records, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
        folder.commit({folder.relative(folder.events_dir / f"synthetic-{first // _RECORDS_PER_FILE:03d}.yaml"): text})
    return rows
