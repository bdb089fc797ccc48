"""Other conflict datasets (ACLED, UCDP GED) brought in as records of a layer of their own.

``import_events`` reads an export, maps its codes onto ours (precision → footprints, never a false
pin; date precision → date ranges; event types → kinds through ``data/event_types.yaml``; actor
names → the actor registry through aliases) and writes one event file plus one report entry per
imported file, so every reader of the data folder sees them through ``geo.store.load_dataset``.
Nothing below this package imports it.
"""
from geo.datasets.errors import EventImportError, RowProblem
from geo.datasets.importer import FORMATS, ImportSummary, import_events

__all__ = ["FORMATS", "EventImportError", "ImportSummary", "RowProblem", "import_events"]
