"""Desert Atlas geo package: the event model, loading/validation, filtering and export.

Entry points: :func:`geo.core.dataset.load_dataset`, :func:`geo.core.filtering.filter_records`,
:func:`geo.outputs.export.writers.export_dataset` and the ``python -m geo`` CLI (:mod:`geo.cli`).
"""
