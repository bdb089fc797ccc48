"""Optional online fallback: geopy's Nominatim behind geopy's ``RateLimiter`` and a disk cache.

Off by default (``settings.online()``); never used by tests, which pass a fake geocoder. Answers
carry their provenance ("nominatim (online)") and a coarse precision unless the geocoder's
bounding box says otherwise.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import _files, geodesy, precision, settings
from .errors import OnlineError
from .model import Resolution


class OnlineGeocoder:
    """Callable ``query -> Resolution | None``; wraps any geopy geocoder with rate limit and cache.

    ``geocoder`` defaults to Nominatim. ``sleep`` and ``clock`` replace the RateLimiter's own,
    so tests can check the one-request-per-second policy without waiting.
    """

    def __init__(self, geocoder: Any = None, *, cache_path: Path | None = None,
                 min_delay_seconds: float = settings.ONLINE_MIN_DELAY_S,
                 country_codes: str = "sy", sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        from geopy.extra.rate_limiter import RateLimiter  # lazy: only the online path needs geopy

        if geocoder is None:
            from geopy.geocoders import Nominatim
            geocoder = Nominatim(user_agent=settings.ONLINE_USER_AGENT)
        self._geocode = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=1,
                                    swallow_exceptions=False)
        # geopy reads time through these two methods; swapping them makes the limiter testable.
        if sleep is not None:
            self._geocode._sleep = sleep
        if clock is not None:
            self._geocode._clock = clock
        self._country_codes = country_codes
        self._cache_path = cache_path or settings.cache_dir() / "online-geocoder.json"
        self._cache: dict[str, Any] | None = None

    def _load_cache(self) -> dict[str, Any]:
        if self._cache is None:
            try:
                self._cache = json.loads(self._cache_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._cache = {}
        return self._cache

    def _store(self, query: str, value: Any) -> None:
        cache = self._load_cache()
        cache[query] = value
        _files.write_text_atomic(self._cache_path, json.dumps(cache, ensure_ascii=False))

    def __call__(self, query: str) -> Resolution | None:
        cache = self._load_cache()
        if query in cache:
            hit = cache[query]
        else:
            try:
                loc = self._geocode(query, exactly_one=True, country_codes=self._country_codes)
            except Exception as exc:  # geopy raises many types; callers get one
                raise OnlineError(f"online geocoding of {query!r} failed: {exc}") from exc
            hit = None if loc is None else {"lat": loc.latitude, "lon": loc.longitude,
                                            "name": loc.address, "raw": getattr(loc, "raw", {}) or {}}
            self._store(query, hit)
        if hit is None:
            return None
        radius = 5_000.0
        bbox = hit["raw"].get("boundingbox")
        if bbox:
            s, n, w, e = (float(v) for v in bbox)
            radius = max(geodesy.distance_m(w, s, e, n) / 2, 500.0)
        geo_p, where_p = precision.codes(None, radius)
        geom = geodesy.circle(hit["lon"], hit["lat"], radius) if radius > settings.PIN_MAX_UNCERTAINTY_M \
            else geodesy.point(hit["lon"], hit["lat"])
        return Resolution(query=query, resolved=True, confidence=0.65, geometry=geom, name=hit["name"],
                          feature_type="online", uncertainty_m=radius, geo_precision=geo_p, where_prec=where_p,
                          provenance="nominatim (online), OpenStreetMap contributors, ODbL",
                          note="answer from an online geocoder, not the curated gazetteer")
