"""Reading a dataset export into text columns, checking its header against the documented schema.

Every cell is read as text (``None`` when empty) so that each column is parsed once, vectorised,
by the format module, and a bad cell becomes a listed row problem instead of a silent NaN.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.datasets.errors import EventImportError

#: Bytes parsed per block (the progress bar advances by block).
BLOCK_BYTES = 4 << 20


@dataclass(frozen=True)
class Table:
    """The rows of an export (text columns, lower-case names) and what its header held."""

    rows: pd.DataFrame
    #: Columns present that the format does not document (ignored, listed as a note).
    unknown_columns: tuple[str, ...]
    #: Documented optional columns this version of the export lacks.
    absent_columns: tuple[str, ...]


def _count_rows(path: Path) -> int:
    """Line count minus the header: the progress bar's total (cells with line breaks overcount)."""
    lines = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def _header(path: Path) -> list[str]:
    """Column names of the first line, stripped and lower-cased (older ACLED exports are upper-case)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            first = next(csv.reader(fh), None)
    except FileNotFoundError as exc:
        raise EventImportError(f"{path}: file not found") from exc
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        raise EventImportError(f"{path}: not a readable CSV file ({type(exc).__name__}: {exc})") from exc
    if not first:
        raise EventImportError(f"{path}: empty file (no header row)")
    return [c.strip().lower() for c in first]


def read_table(path: Path, *, required: Iterable[str], documented: Iterable[str], progress: bool = True,
               what: str = "rows") -> Table:
    """Read ``path`` (CSV, UTF-8 with or without BOM); refuse it when a required column is missing.

    Parsed by Arrow's multi-threaded CSV reader in blocks (the progress bar advances per block).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from tqdm import tqdm

    required, documented = tuple(required), frozenset(documented)
    names = _header(path)
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise EventImportError(f"{path}: header: column {duplicated[0]!r} appears more than once")
    missing = [c for c in required if c not in names]
    if missing:
        raise EventImportError(f"{path}: header: required column {missing[0]!r} is missing"
                               + (f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""))
    batches = []
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK_BYTES,
                                           encoding="utf-8"),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True,
                                                 null_values=[""]),
        )
        with tqdm(total=_count_rows(path), unit=" " + what, desc=f"reading {path.name}", disable=not progress,
                  leave=False) as bar:
            for batch in reader:
                batches.append(batch)
                bar.update(batch.num_rows)
        table = pa.Table.from_batches(batches, schema=reader.schema)
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
        raise EventImportError(f"{path}: not a readable CSV file: {exc}") from exc
    rows = table.to_pandas()
    for column in rows.columns:  # stray spaces around cells are not data
        rows[column] = rows[column].astype("str").str.strip().replace("", None)
    return Table(
        rows=rows,
        unknown_columns=tuple(n for n in names if n not in documented and n not in required),
        absent_columns=tuple(sorted(c for c in documented if c not in names)),
    )


def text_column(rows: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as text, or all-missing when this version of the export lacks it."""
    if name in rows.columns:
        return rows[name].astype("str")
    return pd.Series(pd.NA, index=rows.index, dtype="str")
