"""Loading a data folder into a validated :class:`~geo.core.dataset.Dataset`.

``load_dataset`` is a pure function of the data files (plus the gazetteer and, for evidence
checks only, the report texts), so callers may cache it keyed on
:meth:`geo.store.folder.DataFolder.fingerprint`.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd

from geo.core.dataset import Dataset, frame_rows, join_frames, places_frame, records_to_frame
from geo.core.model import Actor
from geo.core.gazetteer_access import Gazetteer, get_gazetteer
from geo.core.model import Record
from geo.core.places import PlaceResolver
from geo.core.problems import ProblemLog
from geo.core.registry import load_report_texts
from geo.core.validate import LoadContext, parse_record
from geo.store.folder import DataFolder
from geo.store.record_cache import RecordCache


def load_dataset(data_dir: Path | str | None = None, *, gazetteer: Gazetteer | None = None,
                 reports_dirs: list[Path] | None = None, today: date | None = None) -> Dataset:
    """Load and validate a data folder; raise one :class:`~geo.errors.DatasetError` listing all problems.

    ``gazetteer`` defaults to :func:`geo.core.gazetteer_access.get_gazetteer`; ``reports_dirs`` to
    :func:`geo.settings.reports_dirs` (report texts, used only to check evidence hashes);
    ``today`` (for "date in the future") to the current date.
    """
    from geo import settings

    folder = DataFolder.at(data_dir)
    log = ProblemLog()
    actors = folder.actors(log)
    reports = folder.reports(log)
    texts = load_report_texts(reports, folder.label(folder.reports_path), log,
                              settings.reports_dirs() if reports_dirs is None else list(reports_dirs))
    gz = gazetteer if gazetteer is not None else get_gazetteer()
    today = today or date.today()
    ctx = LoadContext(actors, reports, texts, PlaceResolver(gz), today)
    cache = RecordCache.for_load(folder, gazetteer_version=getattr(gz, "version", None),
                                 registries=(folder.actors_path, folder.reports_path), texts=texts, today=today)
    records: list[Record] = []
    parts: list[gpd.GeoDataFrame] = []
    kept: list[Path] = []
    for path in folder.event_files():
        data = path.read_bytes() if cache is not None else b""
        file_records, rows = _file_records(folder, path, data, ctx, log, cache, actors)
        records.extend(file_records)
        parts.append(rows)
        if cache is not None:
            kept.append(cache.path_for(data))
    if cache is not None and not log.problems:
        cache.prune(kept)
    log.raise_if_any()

    referenced = dict.fromkeys(pid for r in records for pid in r.place_refs)
    used = [p for p in (gz.get(pid) for pid in referenced) if p is not None]
    return Dataset(
        records=tuple(records),
        reports=reports,
        actors=actors,
        frame=join_frames(parts) if parts else records_to_frame([], actors),
        zones=places_frame([p for p in gz.places if p.feature_type == "zone"]),
        places=places_frame(used),
        data_dir=folder.root,
    )


def _file_records(folder: DataFolder, path: Path, data: bytes, ctx: LoadContext, log: ProblemLog,
                  cache: RecordCache | None, actors: dict[str, Actor]) -> tuple[list[Record], gpd.GeoDataFrame]:
    """One event file's records and frame rows (``data`` is its bytes, read once per load): from the
    cache when these bytes were validated before in this context, else parsed and validated (and kept
    when the file has no problem)."""
    label = folder.label(path)
    cached = cache.get(data) if cache is not None else None
    if cached is not None:
        for record in cached[0]:  # ids must stay unique across files, cached or not
            if record.id in ctx.seen_ids:
                log.add(label, record.id, "id", f"duplicate id (first used in {ctx.seen_ids[record.id]})")
            else:
                ctx.seen_ids[record.id] = label
        return cached
    before = len(log.problems)
    records = [record for index, raw in enumerate(folder.read_list(path, log), start=1)
               if (record := parse_record(raw, index, label, ctx, log)) is not None]
    rows = frame_rows(records, actors)
    if cache is not None and len(log.problems) == before:
        cache.put(data, records, rows)
    return records, rows
