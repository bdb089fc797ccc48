"""Calibration of gazetteer confidence against a real village gazetteer (development only).

The file is a HOT-OSM-shaped export of Syrian populated places (``../shared/gazetteers``, ODbL). It
is read at run time and never copied: nothing derived from it is written to the repository.
Two regimes are measured: the embedded gazetteer alone (most villages are unknown and must come
back unresolved or unsure) and the gazetteer with the file's places added, queried with names
spelt the way other sources spell them. An answer is wrong when it lies more than
``WRONG_KM`` from the file's point.
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks._spelling import misspell
from gazetteer import Gazetteer, Place
from gazetteer.geodesy import GEOD

SHARED_PLACES = Path(__file__).resolve().parent.parent.parent / "shared" / "gazetteers" / "syr_populated_places_osm.gpkg"
WRONG_KM = 10.0
#: Confidence bins of the reliability table: [lo, hi).
BINS = ((0.0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
CONFIDENT = 0.8
_ARTICLE = re.compile(r"^(?:al|el|as|ash|ad|ar|at|az|an)[- ]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Query:
    """A name to resolve and where the file puts it."""

    text: str
    context: str | None
    lon: float
    lat: float
    place_id: str


@dataclass(frozen=True, slots=True)
class Outcome:
    resolved: bool
    confidence: float
    wrong: bool  # resolved and farther than WRONG_KM from the truth


def read_rows(path: Path = SHARED_PLACES) -> list[dict]:
    """The file's rows as plain dicts (pyogrio, no geometry objects kept)."""
    import pyogrio

    df = pyogrio.read_dataframe(path)
    df["lon"], df["lat"] = df.geometry.x, df.geometry.y
    df = df.drop(columns="geometry").astype(object)
    return df.where(df.notna(), None).to_dict("records")


def places_from_rows(rows: Iterable[dict]) -> list[Place]:
    """The test adapter: one ``Place`` per row, Arabic and local names as aliases."""
    out = []
    for r in rows:
        name = r.get("name:en") or r.get("name")
        aliases = tuple(dict.fromkeys(a for a in (r.get("name"), r.get("name:ar")) if a and a != name))
        out.append(Place(id=f"osm:{r['osm_id']}", name=name, feature_type=r.get("place") or "village",
                         lat=float(r["lat"]), lon=float(r["lon"]), aliases=aliases, governorate=r.get("adm1_pcode"),
                         country="SY", uncertainty_m=1_000.0, source="OpenStreetMap (test only, ODbL)"))
    return out


def with_places(base: Gazetteer, extra: Sequence[Place]) -> Gazetteer:
    """A gazetteer holding the base places and ``extra`` (what an import would add)."""
    return Gazetteer([*base.places, *extra], attribution=base.attribution, boundaries=base.boundaries)


# --- spellings of other sources --------------------------------------------------------------
def _drop_article(name: str, rng: random.Random) -> str:
    m = _ARTICLE.match(name)
    if m:
        return rng.choice(["", "el-", "Al ", "al-"]) + name[m.end():]
    return name


def _vowels(name: str, rng: random.Random) -> str:
    if "ou" in name:
        return name.replace("ou", "u")
    if "u" in name:
        return name.replace("u", "ou", 1)
    return name.replace("ee", "i") if "ee" in name else name.replace("i", "ee", 1)


def _doubles(name: str, rng: random.Random) -> str:
    undoubled = re.sub(r"([a-z])\1", r"\1", name)
    if undoubled != name:
        return undoubled
    letters = [i for i, ch in enumerate(name) if ch in "bdfklmnrst" and 0 < i < len(name) - 1]
    if not letters:
        return name
    i = rng.choice(letters)
    return name[:i] + name[i] + name[i:]


def _typo(name: str, rng: random.Random) -> str:
    return misspell(name, rng, substitutes="aeiouktsrnl")


PERTURBATIONS = {"article": _drop_article, "vowels": _vowels, "doubles": _doubles, "typo": _typo}


def perturbed(name: str, rng: random.Random) -> str:
    """One spelling another source might use: article, ou/u, doubled letter, or (long names) one typo."""
    kinds = ["article", "vowels", "doubles"] + (["typo"] if len(name) >= 6 else [])
    return PERTURBATIONS[rng.choice(kinds)](name, rng)


def queries(rows: Sequence[dict], *, perturb: bool, context: bool, seed: int = 11) -> list[Query]:
    """One query per row with a Latin name; ``context`` passes the row's governorate name."""
    rng = random.Random(seed)
    out = []
    for r in rows:
        name = r.get("name:en")
        if not name:
            continue
        text = perturbed(name, rng) if perturb else name
        out.append(Query(text, r.get("adm1_name") if context else None, float(r["lon"]), float(r["lat"]),
                         f"osm:{r['osm_id']}"))
    return out


# --- evaluation ---------------------------------------------------------------------------------
def evaluate(gz: Gazetteer, qs: Sequence[Query]) -> list[Outcome]:
    """Resolve every query; distances computed in one vectorised geodesic call."""
    answers = [gz.resolve(q.text, context=q.context) for q in qs]
    points = [a.representative_point if a.resolved else None for a in answers]
    lon = np.array([p[0] if p else q.lon for p, q in zip(points, qs)])
    lat = np.array([p[1] if p else q.lat for p, q in zip(points, qs)])
    dist = GEOD.inv(lon, lat, np.array([q.lon for q in qs]), np.array([q.lat for q in qs]))[2] / 1000.0
    return [Outcome(a.resolved, a.confidence if a.resolved else 0.0, bool(a.resolved and d > WRONG_KM))
            for a, d in zip(answers, dist)]


def reliability(outcomes: Sequence[Outcome]) -> list[tuple[str, int, float]]:
    """(bin label, answers in the bin, share correct) over resolved answers."""
    out = []
    for lo, hi in BINS:
        inside = [o for o in outcomes if o.resolved and lo <= o.confidence < hi]
        share = 1.0 - sum(o.wrong for o in inside) / len(inside) if inside else float("nan")
        out.append((f"{lo:.1f}-{min(hi, 1.0):.1f}", len(inside), share))
    return out


def summary(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """The figures the issue asks for: wrong answers stated with confidence, and coverage."""
    n = len(outcomes)
    confident = [o for o in outcomes if o.resolved and o.confidence >= CONFIDENT]
    middling = [o for o in outcomes if o.resolved and 0.6 <= o.confidence < CONFIDENT]
    return {
        "n": n,
        "resolved_share": sum(o.resolved for o in outcomes) / n,
        "correct_share": sum(o.resolved and not o.wrong for o in outcomes) / n,
        "confident": len(confident),
        "wrong_confident": sum(o.wrong for o in confident),
        "wrong_confident_share": sum(o.wrong for o in confident) / max(len(confident), 1),
        "wrong_middling": sum(o.wrong for o in middling),
        "wrong_middling_share": sum(o.wrong for o in middling) / max(len(middling), 1),
        "below_threshold_resolved": sum(o.resolved and o.confidence < 0.6 for o in outcomes),
    }


# --- the benchmark's report ------------------------------------------------------------------------
def _naive(gz: Gazetteer, qs: Sequence[Query]) -> list[Outcome]:
    """The baseline: an exact name at 0.97, else the nearest spelling over all names at its score."""
    out = []
    index = gz.index
    for q in qs:
        entries = index.exact(q.text)
        conf = 0.97
        if not entries:
            hit = index.naive_fuzzy(q.text)
            entries, conf = (index.entries_of(hit[0]), hit[1] / 100) if hit else ((), 0.0)
        if not entries or conf < 0.6:
            out.append(Outcome(False, 0.0, False))
            continue
        p = gz.places[entries[0]]
        d = GEOD.inv(p.lon, p.lat, q.lon, q.lat)[2] / 1000.0
        out.append(Outcome(True, conf, d > WRONG_KM))
    return out


def report(name: str, bench, path: Path = SHARED_PLACES) -> None:
    """Print the reliability table and wrong-confident shares of both regimes as BENCH lines."""
    if not path.is_file():
        print(f"# {name}: reliability skipped, {path} not found", flush=True)
        return
    from gazetteer import load_gazetteer

    rows = read_rows(path)
    base = load_gazetteer()
    full = with_places(base, places_from_rows(rows))
    regimes = {
        "embedded": (base, queries(rows, perturb=False, context=False)),
        "embedded_respelt": (base, queries(rows, perturb=True, context=False)),
        "imported_respelt": (full, queries(rows, perturb=True, context=False)),
        "imported_respelt_context": (full, queries(rows, perturb=True, context=True)),
    }
    pooled: list[Outcome] = []
    for label, (gz, qs) in regimes.items():
        outcomes = evaluate(gz, qs)
        pooled += outcomes
        s = summary(outcomes)
        bench(name, f"{label}.resolved_share", s["resolved_share"])
        bench(name, f"{label}.correct_share", s["correct_share"])
        bench(name, f"{label}.wrong_confident", s["wrong_confident"])
        bench(name, f"{label}.wrong_confident_share", s["wrong_confident_share"])
        bench(name, f"{label}.wrong_0.6_0.8", s["wrong_middling"])
    for label, n, share in reliability(pooled):
        bench(name, f"reliability_{label}", share)
        bench(name, f"reliability_{label}.count", n)
    bench(name, "wrong_confident_share", summary(pooled)["wrong_confident_share"])
    naive = _naive(base, regimes["embedded"][1])
    s = summary(naive)
    bench(name, "naive.embedded.wrong_confident", s["wrong_confident"])
    bench(name, "naive.embedded.wrong_confident_share", s["wrong_confident_share"])
    bench(name, "naive.embedded.wrong_0.6_0.8", s["wrong_middling"])
    bench(name, "joint.homonyms_right_share", joint_homonyms(full, rows)[0])


def joint_homonyms(gz: Gazetteer, rows: Sequence[dict], *, limit: int | None = None) -> tuple[float, float, int]:
    """(share right resolved jointly, share right alone, cases) for every village whose name other
    villages share, named together with its nearest uniquely-named neighbour (within 15 km)."""
    from collections import Counter

    from gazetteer.confidence import distances_km
    from gazetteer.normalize import normalize

    rows = [r for r in rows if r.get("name:en")]
    keys = Counter(normalize(r["name:en"]) for r in rows)
    lon = np.array([r["lon"] for r in rows])
    lat = np.array([r["lat"] for r in rows])
    d = distances_km(lon, lat, lon, lat)
    right_joint = right_alone = cases = 0
    for i, r in enumerate(rows):
        if keys[normalize(r["name:en"])] < 2:
            continue
        near = next((j for j in np.argsort(d[i])[1:] if d[i, j] < 15 and keys[normalize(rows[j]["name:en"])] == 1), None)
        if near is None:
            continue
        cases += 1
        for res, counts_joint in ((gz.resolve_many([r["name:en"], rows[near]["name:en"]])[0], True),
                                  (gz.resolve(r["name:en"]), False)):
            p = res.representative_point if res.resolved else None
            ok = p is not None and distances_km([p[0]], [p[1]], [r["lon"]], [r["lat"]])[0, 0] < WRONG_KM
            right_joint += ok and counts_joint
            right_alone += ok and not counts_joint
        if limit and cases >= limit:
            break
    return right_joint / max(cases, 1), right_alone / max(cases, 1), cases
