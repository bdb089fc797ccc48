"""Corroboration: records from different sources that plausibly describe the same event.

Analysts want to see which of their curated records another source (an imported ACLED or UCDP GED
row, or another report) also reports.  Two records are *linked* when every gate below holds and
their score reaches :data:`LINK_THRESHOLD`:

* **sources**: they share no report id and are not rows of the same dataset (an outlet that carries
  dataset event ids), so a report never corroborates itself;
* **time**: their date ranges overlap, or the gap between them is at most :data:`DATE_TOLERANCE_DAYS`;
* **place**: their footprints intersect.  A point's footprint is the circle of its ``uncertainty_m``
  (a pin vs a 25 km circle intersect when the circle contains the pin); an area or a route is its
  geometry.  Footprints wider than :data:`MAX_RADIUS_M` (country level) are too vague to say two
  reports describe one event and are never linked;
* **kind**: the same kind, or a pair in :data:`COMPATIBLE_KINDS` (a strike within an operation);
* **actors**: a shared actor id, or one side not known (``unknown`` or no actor).

Score (in [0, 1]) = weighted sum of :data:`WEIGHTS` over four components, each in [0, 1]:
``time`` (1 when the ranges overlap, falling linearly to 0 just past the tolerance, times the
specificity of the longer range: day 1, week 0.8, month 0.6, longer 0.4), ``place`` (the
specificity of the larger footprint: ≤ 2 km 1, ≤ 25 km 0.8, ≤ 100 km 0.6, larger 0.4), ``kind``
(same 1, compatible 0.7) and ``actors`` (shared 1, one side unknown 0.5).  Vague matches thus score
low: two pins on the same day by the same actor score 1.0; a year-long range against a 100 km area
does not reach the threshold unless kind and actor agree exactly.

Everything is array work: candidate pairs come from one ``shapely.STRtree`` of (time × northing)
boxes queried in chunks, so 100k records cost pairs that are near in time *and* space, never all
pairs; the gates and components are then computed on the candidate arrays.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geo.core.frame import TEXT_SEP

#: Keep links scoring at least this (see the module doc for what scores what).
LINK_THRESHOLD = 0.7
#: Largest gap (days) between two date ranges that may still be one event (reporting lag, a
#: date given as "overnight" or "yesterday").
DATE_TOLERANCE_DAYS = 2
#: Footprints wider than this (equivalent radius, m) are country level: never linked.
MAX_RADIUS_M = 150_000.0
#: Component weights (sum 1).
WEIGHTS: dict[str, float] = {"time": 0.3, "place": 0.3, "kind": 0.2, "actors": 0.2}
#: Different kinds that may describe one event (unordered pairs), and their kind component.
COMPATIBLE_KINDS: frozenset[frozenset[str]] = frozenset({
    frozenset({"strike", "operation"}),
    frozenset({"deployment", "movement"}),
})
COMPATIBLE_KIND_SCORE = 0.7
UNKNOWN_ACTOR_SCORE = 0.5
#: Actor ids that mean "not known" (a record with no actor counts as not known too).
UNKNOWN_ACTORS: frozenset[str] = frozenset({"unknown"})
#: (longest range in days, specificity) and (largest radius in m, specificity), finest first.
_TIME_STEPS = ((1, 1.0), (7, 0.8), (31, 0.6))
_PLACE_STEPS = ((2_000.0, 1.0), (25_000.0, 0.8), (100_000.0, 0.6))
_COARSE = 0.4
#: Rows of the tree queried at once (bounds the memory of candidate pairs).
_CHUNK = 20_000
_EARTH_RADIUS_M = 6_371_008.8
_GROUP_SHIFT_M = 1e8  # far more than any northing: boxes of different kind groups never meet
_LON0 = 38.5  # Syria's central meridian, for the sinusoidal projection


@dataclass(frozen=True)
class Links:
    """Linked pairs ``(left[k], right[k])`` of frame row positions, ``left < right``, with scores."""

    left: np.ndarray
    right: np.ndarray
    score: np.ndarray
    components: pd.DataFrame  # columns of WEIGHTS, one row per link


def _metres(geoms: np.ndarray) -> np.ndarray:
    """Geometries in a sinusoidal projection centred on Syria (metres; distances within ~2 % there)."""
    def project(xy: np.ndarray) -> np.ndarray:
        lat = np.radians(xy[:, 1])
        return np.column_stack([_EARTH_RADIUS_M * np.radians(xy[:, 0] - _LON0) * np.cos(lat),
                                _EARTH_RADIUS_M * lat])
    return shapely.transform(geoms, project)


def _steps(values: np.ndarray, steps: tuple[tuple[float, float], ...]) -> np.ndarray:
    return np.select([values <= limit for limit, _ in steps], [s for _, s in steps], default=_COARSE)


def _tokens(lists: pd.Series) -> pd.DataFrame:
    """``(row, token)`` pairs of a column of lists (row = position), for set intersections by merge."""
    exploded = pd.Series(lists.to_numpy(), index=np.arange(len(lists))).explode().dropna()
    return pd.DataFrame({"row": exploded.index.to_numpy(dtype=np.int64), "token": exploded.astype(str).to_numpy()})


def _share(left: np.ndarray, right: np.ndarray, tokens: pd.DataFrame) -> np.ndarray:
    """Per pair: do rows ``left[k]`` and ``right[k]`` have a token in common?"""
    pairs = pd.DataFrame({"pair": np.arange(len(left)), "a": left, "b": right})
    a = pairs.merge(tokens, left_on="a", right_on="row")[["pair", "token"]]
    b = pairs.merge(tokens, left_on="b", right_on="row")[["pair", "token"]]
    common = a.merge(b, on=["pair", "token"])["pair"].to_numpy()
    out = np.zeros(len(left), dtype=bool)
    out[common] = True
    return out


def _compatible(kinds: list[str]) -> np.ndarray:
    """Kind × kind matrix: may records of these kinds describe one event?"""
    return np.array([[a == b or frozenset({a, b}) in COMPATIBLE_KINDS for b in kinds] for a in kinds],
                    dtype=bool).reshape(len(kinds), len(kinds))


def _source_tokens(frame: pd.DataFrame) -> pd.DataFrame:
    """What makes two records one source: a shared report id, or rows of the same dataset."""
    dataset = frame["source_event"].notna().to_numpy() & frame["source_outlet"].notna().to_numpy()
    rows = np.flatnonzero(dataset)
    datasets = pd.DataFrame({"row": rows.astype(np.int64),
                             "token": "dataset:" + frame["source_outlet"].astype(str).to_numpy()[rows]})
    return pd.concat([_tokens(frame["report_ids"]), datasets], ignore_index=True)


def _kind_groups(kinds: pd.Series) -> np.ndarray:
    """Per row, a number shared by kinds that may be linked (connected through COMPATIBLE_KINDS)."""
    group = {k: k for k in kinds.unique()}
    for pair in COMPATIBLE_KINDS:
        a, b = sorted(pair)
        for k, g in list(group.items()):
            if g == group.get(b, b):
                group[k] = group.get(a, a)
    return pd.factorize(kinds.map(group))[0]


def _candidates(frame: pd.DataFrame, geoms: np.ndarray, pad: np.ndarray, usable: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of compatible kinds whose date ranges (with tolerance) and extents (with pads) meet.

    The tree holds (day × northing) boxes, each kind group shifted far north of the others so
    incompatible kinds never meet; eastings are compared on the candidates."""
    rows = np.flatnonzero(usable)
    if len(rows) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    day = np.timedelta64(1, "D")
    t0 = (frame["date_start"].to_numpy("datetime64[ns]")[rows] - np.datetime64("1970-01-01")) / day
    t1 = (frame["date_end"].to_numpy("datetime64[ns]")[rows] - np.datetime64("1970-01-01")) / day
    bounds = shapely.bounds(geoms[rows])
    shift = _kind_groups(frame["kind"].astype(str)).astype("float64")[rows] * _GROUP_SHIFT_M
    boxes = shapely.box(t0, shift + bounds[:, 1] - pad[rows], t1 + DATE_TOLERANCE_DAYS,
                        shift + bounds[:, 3] + pad[rows])
    tree = shapely.STRtree(boxes)
    left, right = [], []
    for at in range(0, len(rows), _CHUNK):
        q, t = tree.query(boxes[at:at + _CHUNK])  # boxes: bounding boxes meeting is exact
        q = q + at
        keep = q < t
        # the x extents (with pads) must meet too: a cheap filter before exact geometry
        a, b = q[keep], t[keep]
        xa0, xa1 = bounds[a, 0] - pad[rows][a], bounds[a, 2] + pad[rows][a]
        xb0, xb1 = bounds[b, 0] - pad[rows][b], bounds[b, 2] + pad[rows][b]
        near = (xa0 <= xb1) & (xb0 <= xa1)
        left.append(rows[a[near]])
        right.append(rows[b[near]])
    return np.concatenate(left), np.concatenate(right)


def find_links(frame: pd.DataFrame) -> Links:
    """Every linked pair of ``frame`` (row positions), by the rules of the module doc."""
    n = len(frame)
    geoms = frame.geometry.to_numpy() if hasattr(frame, "geometry") else np.full(n, None, dtype=object)
    radius = frame["uncertainty_m"].to_numpy(dtype="float64", na_value=np.nan)
    radius = np.where(np.isnan(radius), 0.0, radius)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    usable = (present & (radius <= MAX_RADIUS_M) & frame["date_start"].notna().to_numpy()
              & frame["date_end"].notna().to_numpy())
    metric = np.full(n, None, dtype=object)
    metric[usable] = _metres(geoms[usable])
    # A point stands for the circle of its uncertainty; areas and routes are their own footprint.
    is_point = np.isin(shapely.get_type_id(metric), (0, 4))
    pad = np.where(is_point, radius, 0.0)
    left, right = _candidates(frame, metric, pad, usable)

    codes, names = pd.factorize(frame["kind"].astype(str))
    same_kind = codes[left] == codes[right]
    keep = _compatible(list(names))[codes[left], codes[right]]
    left, right, same_kind = left[keep], right[keep], same_kind[keep]

    actors = _tokens(frame["actors"])
    known = actors[~actors["token"].isin(UNKNOWN_ACTORS).to_numpy()]
    unknown = np.ones(n, dtype=bool)
    unknown[known["row"].to_numpy()] = False
    shared = _share(left, right, known)
    one_unknown = unknown[left] | unknown[right]
    keep = (shared | one_unknown) & ~_share(left, right, _source_tokens(frame))
    left, right, same_kind, shared = left[keep], right[keep], same_kind[keep], shared[keep]

    touching = shapely.distance(metric[left], metric[right]) <= pad[left] + pad[right]
    left, right, same_kind, shared = left[touching], right[touching], same_kind[touching], shared[touching]

    start = frame["date_start"].to_numpy("datetime64[ns]")
    end = frame["date_end"].to_numpy("datetime64[ns]")
    day = np.timedelta64(1, "D")
    gap = np.maximum((np.maximum(start[left], start[right]) - np.minimum(end[left], end[right])) / day, 0.0)
    longest = np.maximum((end[left] - start[left]) / day, (end[right] - start[right]) / day) + 1
    components = pd.DataFrame({
        "time": np.clip(1.0 - gap / (DATE_TOLERANCE_DAYS + 1), 0.0, 1.0) * _steps(longest, _TIME_STEPS),
        "place": _steps(np.maximum(radius[left], radius[right]), _PLACE_STEPS),
        "kind": np.where(same_kind, 1.0, COMPATIBLE_KIND_SCORE),
        "actors": np.where(shared, 1.0, UNKNOWN_ACTOR_SCORE),
    })
    score = sum(components[name].to_numpy() * w for name, w in WEIGHTS.items())
    score = np.round(np.asarray(score, dtype="float64"), 4)
    good = score >= LINK_THRESHOLD
    order = np.lexsort((right[good], left[good]))
    return Links(left[good][order], right[good][order], score[good][order],
                 components[good].iloc[order].round(4).reset_index(drop=True))


def source_labels(frame: pd.DataFrame) -> pd.Series:
    """How a record is named as a corroborating source: ``ACLED SYR12345`` for a dataset row,
    ``<outlet> <record id>`` for a curated record."""
    outlet = frame["source_outlet"].fillna("").astype(str).str.split(TEXT_SEP, regex=False).str[0]
    event = frame["source_event"].astype("object")
    label = (outlet + " " + event.fillna("").astype(str)).where(event.notna(), outlet + " " + frame["id"].astype(str))
    return label.str.strip()


def link_table(frame: pd.DataFrame, links: Links | None = None) -> pd.DataFrame:
    """Each link in both directions (``record`` → ``other_record``), with score and components."""
    links = find_links(frame) if links is None else links
    ids = frame["id"].astype(str).to_numpy()
    labels = source_labels(frame).to_numpy(dtype=object)
    a = np.concatenate([links.left, links.right])
    b = np.concatenate([links.right, links.left])
    table = pd.DataFrame({"record": ids[a], "other_record": ids[b], "other_source": labels[b],
                          "score": np.concatenate([links.score, links.score])})
    parts = pd.concat([links.components, links.components], ignore_index=True)
    table = pd.concat([table, parts], axis=1)
    return table.sort_values(["record", "score", "other_record"], ascending=[True, False, True],
                             kind="stable").reset_index(drop=True)


def annotate(frame: pd.DataFrame, links: Links | None = None) -> None:
    """Fill ``corroborated_by`` (``"ACLED SYR1; UCDP GED 7"``, best score first) and ``corroborated``
    in place."""
    links = find_links(frame) if links is None else links
    a = np.concatenate([links.left, links.right])
    b = np.concatenate([links.right, links.left])
    order = np.lexsort((b, -np.concatenate([links.score, links.score]), a))
    a, b = a[order], b[order]
    labels = source_labels(frame).to_numpy(dtype=object)[b].tolist()
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if len(a) else np.empty(0, np.int64)
    bounds = np.r_[starts, len(a)].tolist()
    by = np.full(len(frame), None, dtype=object)
    # one join per corroborated row (string assembly is per string whatever the API)
    by[a[starts]] = [TEXT_SEP.join(labels[i:j]) for i, j in zip(bounds[:-1], bounds[1:])]
    frame["corroborated_by"] = pd.Series(by, index=frame.index, dtype="str")
    frame["corroborated"] = pd.notna(by)
