"""Loading a data folder into a validated :class:`~geo.core.dataset.Dataset`.

``load_dataset`` is a pure function of the data files (plus the gazetteer and, for evidence
checks only, the report texts), so callers may cache it keyed on
:meth:`geo.store.folder.DataFolder.fingerprint`.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from geo.core.dataset import Dataset, places_frame, records_to_frame
from geo.core.gazetteer_access import Gazetteer, get_gazetteer
from geo.core.model import Record
from geo.core.places import PlaceResolver
from geo.core.problems import ProblemLog
from geo.core.registry import load_report_texts
from geo.core.validate import LoadContext, parse_record
from geo.store.folder import DataFolder


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
    ctx = LoadContext(actors, reports, texts, PlaceResolver(gz), today or date.today())
    records: list[Record] = []
    for path in folder.event_files():
        label = folder.label(path)
        for index, raw in enumerate(folder.read_list(path, log), start=1):
            record = parse_record(raw, index, label, ctx, log)
            if record is not None:
                records.append(record)
    log.raise_if_any()

    referenced = dict.fromkeys(pid for r in records for pid in r.place_refs)
    used = [p for p in (gz.get(pid) for pid in referenced) if p is not None]
    return Dataset(
        records=tuple(records),
        reports=reports,
        actors=actors,
        frame=records_to_frame(records, actors),
        zones=places_frame([p for p in gz.places if p.feature_type == "zone"]),
        places=places_frame(used),
        data_dir=folder.root,
    )
