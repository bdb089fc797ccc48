"""One dataset file → one event file and one report entry in the data folder, all or nothing.

Steps: read the export (required columns or refusal), parse every column (bad cells listed by row),
map codes (``mapping``), check what the validator would refuse (coordinates outside Syria, future
dates, duplicate or already-used ids) on whole columns, then write both files under the folder's
lock with :meth:`geo.store.DataFolder.commit`.
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
from tqdm import tqdm

from geo.core.gazetteer_access import Gazetteer, get_gazetteer
from geo.core.places import PlaceResolver
from geo.core.problems import ProblemLog
from geo.datasets import acled, ged
from geo.datasets import columns as col
from geo.datasets.errors import EventImportError, RowProblem
from geo.datasets.mapping import (
    EventTypes,
    actor_columns,
    alias_table,
    load_event_types,
)
from geo.datasets.reading import read_table
from geo.datasets.records import (
    event_file_text,
    numbered,
    record_ids,
    report_entry_text,
    upsert_report,
)
from geo.store import DataFolder

FORMATS: dict[str, ModuleType] = {"acled": acled, "ged": ged}
#: The event-type table, beside the registries of the data folder.
EVENT_TYPES_FILE = "event_types.yaml"
#: Actor id given to a record none of whose actors is in the registry (their names stay in its notes).
FALLBACK_ACTOR = "unknown"
#: Default confidence of an imported record: a curated dataset coded from several sources, not checked by us.
DEFAULT_CONFIDENCE = 0.7
#: Bad rows listed in a refusal's message (the rest are counted).
MAX_LISTED = 20


@dataclass
class ImportSummary:
    """What an import did (or, with ``written`` False, would have done)."""

    file: str
    format: str
    source_name: str
    rows: int = 0
    imported: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    #: Rows of event types the table maps to no kind: event type → count.
    left_out: dict[str, int] = field(default_factory=dict)
    bad_rows: list[RowProblem] = field(default_factory=list)
    #: Actor names matching no registry actor → number of rows naming them.
    unknown_actors: dict[str, int] = field(default_factory=dict)
    unknown_columns: tuple[str, ...] = ()
    absent_columns: tuple[str, ...] = ()
    event_file: Path | None = None
    report_id: str = ""
    seconds: float = 0.0
    written: bool = False

    def bad_row_numbers(self) -> list[int]:
        return sorted({p.row for p in self.bad_rows})


def slug(text: str) -> str:
    """A file-name and id friendly form of a source name (``ACLED Syria 2024`` → ``acled-syria-2024``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _event_types(folder: DataFolder) -> EventTypes:
    from geo import settings

    own = folder.reports_path.with_name(EVENT_TYPES_FILE)
    return load_event_types(own if own.is_file() else settings.DATA_DIR / EVENT_TYPES_FILE)


def _inside_syria(resolver: PlaceResolver, lon: pd.Series, lat: pd.Series) -> np.ndarray:
    """The validator's own test (the gazetteer's outline of Syria, else its extent box)."""
    ok = lon.notna().to_numpy() & lat.notna().to_numpy()
    out = np.zeros(len(lon), dtype=bool)
    out[ok] = resolver.inside_country(lon.to_numpy()[ok], lat.to_numpy()[ok])
    return out


def _used_ids(folder: DataFolder, own_file: Path) -> dict[str, str]:
    """Record ids already used by the other event files → the file using them."""
    return {raw["id"]: folder.label(path) for path, raw in folder.record_entries()
            if path != own_file and isinstance(raw.get("id"), str)}


def _checks_on_records(out: pd.DataFrame, checks: col.RowChecks, today: date, resolver: PlaceResolver) -> None:
    """What the validator would refuse, found on whole columns before anything is written."""
    lon, lat = out["longitude"], out["latitude"]
    in_range = lon.between(-180, 180) & lat.between(-90, 90)
    checks.add(lon.notna() & lat.notna() & ~in_range, "latitude/longitude",
               "coordinates out of range: " + lat.astype("str") + ", " + lon.astype("str"))
    inside = _inside_syria(resolver, lon.where(in_range), lat.where(in_range))
    swapped = _inside_syria(resolver, lat.where(in_range), lon.where(in_range))
    outside = (in_range & ~inside).to_numpy()
    checks.add(outside & swapped, "latitude/longitude",
               "lies outside Syria but inside it with latitude and longitude swapped: "
               + lat.astype("str") + ", " + lon.astype("str"))
    checks.add(outside & ~swapped, "latitude/longitude",
               "lies outside Syria (this atlas maps Syria only): " + lat.astype("str") + ", " + lon.astype("str"))
    future = pd.Timestamp(today)
    checks.add(out["date_end"] > future, "date", "is in the future: " + out["date_end"].dt.strftime("%Y-%m-%d"))
    checks.add(out["date_end"] < out["date_start"], "date_end", "is before the start date")
    checks.add(out["event"].isna(), "event id", "is empty")
    ids = out["id"]
    dup = ids.notna() & ids.duplicated(keep="first")
    first_row = pd.Series(numbered(out.index), index=out.index).groupby(ids).transform("min")
    checks.add(dup, "event id", "repeats the event of row " + first_row.astype("str"))


def _provenance(module: ModuleType, path: Path, out: pd.DataFrame, fmt: str, name: str, report_id: str
                ) -> tuple[str, dict[str, str]]:
    """The event file's header comment and the report entry naming the dataset, file and licence."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    span = f"{out['date_start'].min():%Y-%m-%d} to {out['date_end'].max():%Y-%m-%d}" if len(out) else "no events"
    header = (f"Imported by `python -m geo import-events {path.name} --format {fmt} --source-name {name}`.\n"
              f"{len(out)} {module.NAME} events ({span}); provenance: report {report_id} in reports.yaml.\n"
              f"{module.LICENCE}\nRe-running the import replaces this file; edit the source, not this file.")
    entry = {
        "id": report_id, "sha256": digest,
        "title": f"{module.NAME} export {path.name} ({len(out)} events imported)",
        "outlet": module.NAME, "url": module.URL,
        "published_text": f"A dataset export, not a dated report; its events run from {span}.",
        "caveat": module.LICENCE + " Each record is one dataset row (its event id in the source); there is "
                                   "no report text to quote.",
    }
    return header, entry


def import_events(path: Path | str, fmt: str, *, source_name: str | None = None,
                  data_dir: Path | str | None = None, confidence: float = DEFAULT_CONFIDENCE,
                  skip_bad_rows: bool = False, dry_run: bool = False, progress: bool = True,
                  today: date | None = None, gazetteer: Gazetteer | None = None) -> ImportSummary:
    """Import one ACLED or GED export into the data folder; see the module docstring.

    Raises :class:`EventImportError` (nothing written) for a missing column, an unreadable file,
    bad rows (unless ``skip_bad_rows``), or ids another event file already uses.  ``gazetteer``
    (default: the project's) supplies Syria's outline, as it does for the validator.
    """
    began = time.perf_counter()
    if fmt not in FORMATS:
        raise EventImportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    module = FORMATS[fmt]
    path = Path(path)
    folder = DataFolder.at(data_dir)
    name = slug(source_name or path.stem)
    if not name:
        raise EventImportError(f"{path}: --source-name gives nothing usable as a name: {source_name!r}")
    label = str(path)
    summary = ImportSummary(file=label, format=fmt, source_name=name)
    types = _event_types(folder)
    log = ProblemLog()
    actors = folder.actors(log)
    log.raise_if_any()

    steps = tqdm(total=4, desc=f"importing {path.name}", unit=" step", disable=not progress, leave=False)
    try:
        table = read_table(path, required=module.REQUIRED, documented=module.DOCUMENTED, progress=progress)
        rows = table.rows
        summary.rows, summary.unknown_columns, summary.absent_columns = len(rows), table.unknown_columns, \
            table.absent_columns
        checks = col.RowChecks(rows.index)
        steps.set_postfix_str("parsing columns")
        out, names = module.convert(rows, types, checks)
        steps.update()
        out["id"] = record_ids(module.ID_PREFIX, out["event"])
        resolver = PlaceResolver(gazetteer if gazetteer is not None else get_gazetteer())
        steps.set_postfix_str("checking rows")
        _checks_on_records(out, checks, today or date.today(), resolver)
        steps.update()

        # Event types mapped to no kind are left out (counted), not errors.
        kept = out["known_type"].to_numpy() & out["kind"].notna().to_numpy()
        left = out["known_type"].to_numpy() & ~kept
        summary.left_out = out.loc[left, "type_label"].fillna("?").value_counts().to_dict()

        # A row left out by its type is not imported, so its other problems do not matter.
        left_rows = set(numbered(rows.index)[left].tolist())
        problems = [p for p in checks.problems(numbered(rows.index)) if p.row not in left_rows]
        summary.bad_rows = problems
        bad = checks.mask
        if problems and not skip_bad_rows:
            shown = [p.line(label) for p in problems[:MAX_LISTED]]
            more = len(problems) - len(shown)
            raise EventImportError(
                f"{label}: {len(summary.bad_row_numbers())} bad row(s); nothing imported "
                "(fix them, or pass --skip-bad-rows to import the others):\n" + "\n".join(shown)
                + (f"\n... and {more} more problem(s)" if more > 0 else ""))
        out, names = out[kept & ~bad], names[kept & ~bad]

        steps.set_postfix_str("matching actors")
        matched = actor_columns(names, alias_table(actors), FALLBACK_ACTOR if FALLBACK_ACTOR in actors else None)
        summary.unknown_actors = {str(k): int(v) for k, v in matched["unmatched"].items()}
        if matched["no_actor"].any() and FALLBACK_ACTOR not in actors:
            first = int(numbered(out.index)[np.flatnonzero(matched["no_actor"])[0]])
            raise EventImportError(f"{label}: row {first}: actors: no name matches the actor registry, and the "
                                   f"registry has no {FALLBACK_ACTOR!r} actor to stand for them; add aliases "
                                   f"to {folder.label(folder.actors_path)}")
        out["actor_ids"] = matched["ids"]
        given = ("Actors as " + module.NAME + " names them: " + matched["given"] + ".").fillna("")
        unknown = (" Not in the actor registry: " + matched["unknown"] + ".").fillna("")
        row_no = pd.Series(numbered(out.index), index=out.index).astype("str")
        out["notes"] = ("Imported from " + module.NAME + " (" + path.name + ", row " + row_no + "): "
                        + out["detail"] + " " + given + unknown).str.strip()
        out["confidence"] = float(confidence)

        event_file = folder.events_dir / f"imported-{fmt}-{name}.yaml"
        report_id = f"{fmt}-{name}"
        summary.event_file, summary.report_id = event_file, report_id
        summary.imported = len(out)
        summary.kinds = {k: int(v) for k, v in out["kind"].value_counts().items()}

        header, entry = _provenance(module, path, out, fmt, name, report_id)
        if dry_run:
            summary.seconds = time.perf_counter() - began
            return summary
        steps.update()
        steps.set_postfix_str("writing")
        text = event_file_text(out, report_id=report_id, header=header)
        with folder.lock():
            used = _used_ids(folder, event_file)
            clash = out["id"][out["id"].isin(used.keys())]
            if len(clash):
                first = clash.iloc[0]
                raise EventImportError(
                    f"{label}: row {int(numbered(clash.index)[0])}: event id: record {first} already exists in "
                    f"{used[first]} ({len(clash)} such row(s)); re-import under that file's source name to replace it")
            registry = folder.reports_path.read_text(encoding="utf-8") if folder.reports_path.is_file() else ""
            folder.commit({
                folder.relative(folder.reports_path): upsert_report(registry, report_id, report_entry_text(entry)),
                folder.relative(event_file): text,
            })
        summary.written = True
        summary.seconds = time.perf_counter() - began
        return summary
    finally:
        steps.close()
