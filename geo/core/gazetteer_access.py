"""The one way ``geo`` gets a gazetteer: loaded once, its failures turned into a :class:`GeoError`.

Every caller (dataset loading, ingest, rendering, the dashboard) goes through
:func:`get_gazetteer`, so broken gazetteer data is one line naming the file everywhere instead of
a traceback in some commands and a crash of the dashboard in others.
"""
from __future__ import annotations

from gazetteer import Gazetteer, GazetteerError as _GazetteerFailure, load_gazetteer

from geo.errors import GazetteerError

__all__ = ["Gazetteer", "get_gazetteer"]


def _one_line(exc: Exception) -> str:
    problems = [str(p) for p in getattr(exc, "problems", ()) or ()]
    if not problems:
        return " ".join(str(exc).split()) or type(exc).__name__
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return problems[0] + more


def get_gazetteer(*, reload: bool = False) -> Gazetteer:
    """The project's gazetteer (one per process; ``reload`` rebuilds it after an import).

    Raises :class:`geo.errors.GazetteerError` with the gazetteer's first problem (file and field
    named) when its data is broken, chained to the gazetteer's own error.
    """
    if reload:
        load_gazetteer.cache_clear()
    try:
        return load_gazetteer()
    except (_GazetteerFailure, OSError, ValueError) as exc:
        raise GazetteerError(f"the gazetteer cannot be loaded: {_one_line(exc)}") from exc
