"""The event model: record kinds, their vocabularies and the typed objects a dataset is made of.

A *record* is one claim taken from a report (a facility exists, forces were redeployed, ...).
It carries its own honest precision (where and when, as precisely as the source allows and no
more) and its provenance (which report, which span of its text), so a map reader can always see
how much to trust a symbol.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

#: Record kind → map layer name.
KIND_LAYERS: dict[str, str] = {
    "facility": "facilities",
    "deployment": "deployments",
    "movement": "movements",
    "strike": "strikes",
    "operation": "operations",
    "statement": "statements",
}
KINDS: tuple[str, ...] = tuple(KIND_LAYERS)
LAYER_KINDS: dict[str, str] = {layer: kind for kind, layer in KIND_LAYERS.items()}

#: Layers built from the gazetteer rather than from records.
ZONES_LAYER = "zones"
PLACES_LAYER = "places"
#: Every exported layer, in drawing order (areas first so points stay on top).
LAYERS: tuple[str, ...] = (ZONES_LAYER, *KIND_LAYERS.values(), PLACES_LAYER)

#: The common subtypes of each kind (documentation and UI hints).  Subtypes are open-ended
#: snake_case words, because reports describe more than any fixed list (``air_campaign``,
#: ``reconnaissance``...); ``None`` means "kind known, detail not reported".
SUBTYPES: dict[str, tuple[str, ...]] = {
    "facility": ("operations_room", "headquarters", "base", "depot", "checkpoint"),
    "deployment": ("reinforcement", "redeployment", "mobilisation"),
    "movement": ("weapons_transfer", "equipment_transfer", "fighters_transfer"),
    "strike": ("airstrike", "drone_attack", "shelling"),
    "operation": ("offensive_planned", "offensive_launched"),
    "statement": ("official_statement", "media_claim"),
}
#: Spellings accepted for a subtype and normalised on load.
SUBTYPE_ALIASES: dict[str, str] = {
    "mobilization": "mobilisation",
    "air_strike": "airstrike",
    "drone_strike": "drone_attack",
    "operations_center": "operations_room",
    "operations_centre": "operations_room",
    "operation_room": "operations_room",
    "hq": "headquarters",
}

#: The fields of a record as the event files write it (validation refuses any other).
RECORD_FIELDS: tuple[str, ...] = (
    "id", "kind", "subtype", "title", "summary", "actors", "place_text", "place", "place_context",
    "place_id", "route", "geometry", "geo_precision", "where_prec", "uncertainty_m", "date_start",
    "date_end", "date_text", "date_precision", "first_reported", "last_reported", "status",
    "sources", "evidence", "confidence", "notes", "fatalities",
)
#: Fields an analyst may change when accepting a candidate: what the record claims, not its
#: identity, provenance or the place codes derived from its place.
EDITABLE_FIELDS: tuple[str, ...] = tuple(f for f in RECORD_FIELDS if f not in (
    "id", "place_id", "geometry", "geo_precision", "where_prec", "uncertainty_m", "first_reported",
    "last_reported", "sources", "evidence"))
#: ``event`` is a dataset's own event id (ACLED ``event_id_cnty``, UCDP GED ``id``) when the source is
#: a row of an imported dataset rather than a report text (such records carry no evidence spans).
SOURCE_FIELDS: tuple[str, ...] = ("report", "outlet", "via", "url", "published", "caveat", "event")
EVIDENCE_FIELDS: tuple[str, ...] = ("report", "start", "end", "sha256")
ACTOR_FIELDS: tuple[str, ...] = ("id", "name", "aliases", "color", "group")
REPORT_FIELDS: tuple[str, ...] = ("id", "file", "sha256", "title", "outlet", "via", "url", "published",
                                  "published_text", "language", "caveat")

#: Facility lifecycle states.  ``active`` facilities stay on the map after their last report.
STATUSES: tuple[str, ...] = ("active", "planned", "unknown", "closed")

#: How precisely a record's date is known (coarsest last).
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

#: ACLED ``geo_precision`` and UCDP ``where_prec``: their meanings are documented once, in
#: :mod:`gazetteer.precision`, which also derives them from a footprint.
GEO_PRECISION_RANGE = (1, 3)
WHERE_PREC_RANGE = (1, 7)
#: UCDP ``where_prec`` from which a place is "the country" (never drawn as a pin).
COUNTRY_WHERE_PREC = 6


def range_precision(days: int) -> str:
    """The finest date precision an inclusive range of ``days`` supports (the validator's rule)."""
    return "day" if days <= 1 else "week" if days <= 7 else "month" if days <= 31 else "year"


def date_prec_from_days(days: Any) -> Any:
    """UCDP ``date_prec`` from an inclusive range length in days (scalar or array).

    1 = one day, 2 = 2–6 days, 3 = a week (7 days), 4 = up to a month (8–31 days), 5 = longer.
    Vectorised with ``np.select`` so the same rule serves one record and 100k synthetic rows.
    """
    if isinstance(days, (int, np.integer)):  # one record: no array round trip
        return 1 if days <= 1 else 2 if days <= 6 else 3 if days == 7 else 4 if days <= 31 else 5
    arr = np.asarray(days)
    out = np.select(
        [arr <= 1, arr <= 6, arr == 7, arr <= 31],
        [1, 2, 3, 4],
        default=5,
    ).astype("int64")
    return out if out.ndim else int(out)


@dataclass(frozen=True, slots=True)
class Actor:
    """An armed group, state or force, referred to by id in records."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    color: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """A source document.  Its text is optional at run time (it may not be ours to ship)."""

    id: str
    file: str | None = None
    sha256: str | None = None
    title: str | None = None
    outlet: str | None = None
    via: str | None = None
    url: str | None = None
    published: date | None = None
    published_text: str | None = None
    language: str | None = None
    caveat: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A record's source: the report id joined with what the registry says about it."""

    report: str
    outlet: str | None = None
    via: str | None = None
    url: str | None = None
    published: date | None = None
    caveat: str | None = None
    #: The dataset's event id when the source is a dataset row (see :data:`SOURCE_FIELDS`).
    event: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of a report's text supporting a record; ``sha256`` pins the exact characters."""

    report: str
    start: int
    end: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Record:
    """One mapped claim, validated and with its geometry resolved."""

    id: str
    kind: str
    subtype: str | None
    title: str
    summary: str | None
    actors: tuple[str, ...]
    place_text: str | None
    place_query: str | None
    place_id: str | None
    place_ids: tuple[str, ...]
    #: Every gazetteer id the location was built from (place ids plus relative-phrase anchors).
    place_refs: tuple[str, ...]
    geometry: Any  # shapely geometry in lon/lat WGS84, or None (unmapped statement)
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    where_prec: int | None
    uncertainty_m: float | None
    date_start: date
    date_end: date
    date_text: str | None
    date_precision: str
    date_prec: int
    first_reported: date | None
    last_reported: date | None
    status: str | None
    sources: tuple[Source, ...]
    evidence: tuple[Evidence, ...]
    confidence: float
    notes: str | None
    file: str = ""
    #: Reported deaths (an imported dataset's count, e.g. ACLED ``fatalities``, GED ``best``), if given.
    fatalities: int | None = None

    @property
    def layer(self) -> str:
        """The map layer this record is drawn on."""
        return KIND_LAYERS[self.kind]
