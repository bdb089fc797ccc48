"""Desert Atlas geo package: the event model, loading/validation, filtering and export.

Entry points: :func:`geo.dataset.load_dataset`, :func:`geo.filtering.filter_records`,
:func:`geo.export.export_dataset` and the ``python -m geo`` CLI (:mod:`geo.cli`).
"""
