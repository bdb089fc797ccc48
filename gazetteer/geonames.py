"""Importing the files GeoNames publishes: a country dump (SY.zip, SY.txt, allCountries.zip with a
country filter) and, optionally, the alternate names (alternateNamesV2.zip / .txt).

Files are read as bytes line by line (fast enough for 2 million alternate names in a few seconds,
with a progress bar on a terminal), zipped or not, with or without a BOM or a trailing blank line.
Only the feature classes and codes reports name are kept (see ``classify``); every row problem is
gathered with its line number and field, and nothing is written unless the whole file is good.
"""
from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from . import loading, settings, sources
from .errors import SourceFileError

#: Columns of a GeoNames dump (geonames.org/export: readme.txt).
DUMP_COLUMNS = ("geonameid name asciiname alternatenames latitude longitude feature_class feature_code "
                "country_code cc2 admin1 admin2 admin3 admin4 population elevation dem timezone "
                "modified").split()
#: alternateNamesV2 has 10 columns (alternateNameId, geonameid, isolanguage, alternate name,
#: isPreferredName, isShortName, isColloquial, isHistoric, from, to); the older file has 8.
ALT_COLUMNS = (8, 10)
LICENCE = "CC BY 4.0, geonames.org"
#: Alternate-name "languages" that are codes or links, not names.
SKIP_LANGS = frozenset({b"link", b"post", b"iata", b"icao", b"faac", b"tcid", b"unlc", b"wkdt", b"fr_1793",
                        b"abbr", b"phon", b"piny"})
#: Populated places GeoNames marks as no longer what they were, and how provenance says so.
STATUS = {"PPLQ": "abandoned", "PPLW": "destroyed", "PPLH": "historical"}
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$|^\d+$|://")
_MAX_PROBLEMS = 50

#: (class, code) -> (feature type, uncertainty in metres). Codes not listed are dropped, except
#: populated places (P), whose type follows their population.
_CODES: dict[str, dict[str, tuple[str, float]]] = {
    "P": {"PPLC": ("capital", 2_000.0), "PPLX": ("neighbourhood", 1_000.0)},
    "A": {"ADM1": ("governorate", 0.0), "ADM2": ("district", 15_000.0), "ADM3": ("subdistrict", 7_000.0)},
    "S": {"AIRB": ("airbase", 2_000.0), "AIRF": ("airbase", 2_000.0), "AIRP": ("airport", 2_000.0),
          "AIRH": ("heliport", 500.0), "MILB": ("base", 2_000.0), "INSM": ("base", 2_000.0),
          "OILF": ("oil_field", 8_000.0), "GASF": ("gas_field", 8_000.0), "OILW": ("oil_well", 500.0),
          "OILR": ("refinery", 1_500.0), "OILP": ("oil_pipeline", 5_000.0), "PS": ("power_station", 1_000.0),
          "PSTB": ("crossing", 1_000.0), "PSTC": ("crossing", 1_000.0), "CMP": ("camp", 2_000.0),
          "CMPRF": ("camp", 2_000.0), "DAM": ("dam", 1_500.0), "BDG": ("bridge", 300.0), "PRN": ("prison", 500.0),
          "RUIN": ("ruin", 1_000.0), "ANS": ("ruin", 1_000.0), "CSTL": ("castle", 500.0), "FT": ("castle", 500.0),
          "STNR": ("station", 500.0), "RSTN": ("station", 500.0), "FRM": ("farm", 1_000.0)},
    "H": {"STM": ("river", 20_000.0), "STMI": ("wadi", 10_000.0), "STMS": ("river", 20_000.0),
          "WAD": ("wadi", 10_000.0), "WADS": ("wadi", 10_000.0), "LK": ("lake", 5_000.0), "LKI": ("lake", 5_000.0),
          "LKS": ("lake", 5_000.0), "RSV": ("lake", 10_000.0), "CNL": ("canal", 10_000.0),
          "SPNG": ("spring", 500.0), "OAS": ("oasis", 3_000.0), "WLL": ("well", 300.0)},
    "T": {"MT": ("mountain", 3_000.0), "MTS": ("mountain_range", 20_000.0), "HLL": ("hill", 1_000.0),
          "HLLS": ("hill", 2_000.0), "PK": ("mountain", 2_000.0), "PKS": ("mountain", 3_000.0),
          "RDGE": ("ridge", 5_000.0), "PLAT": ("plateau", 15_000.0), "PLN": ("plain", 15_000.0),
          "DSRT": ("desert", 50_000.0), "VAL": ("valley", 8_000.0), "PASS": ("pass", 1_000.0),
          "MND": ("hill", 500.0), "TLL": ("hill", 500.0)},
    "L": {"RGN": ("region", 25_000.0), "AREA": ("area", 10_000.0), "OILF": ("oil_field", 8_000.0)},
}


def classify(feature_class: str, code: str, population: int) -> tuple[str, float] | None:
    """(feature type, uncertainty) of a GeoNames row, or None for the codes reports do not name."""
    table = _CODES.get(feature_class)
    if table is None:
        return None
    if code in table:
        return table[code]
    if feature_class == "P":
        return loading._geonames_type(population)
    return None


@contextlib.contextmanager
def _open(path: Path) -> Iterator[tuple[IO[bytes], int, str]]:
    """(binary handle, size in bytes, name) of a .txt file or of the data file inside a .zip."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                members = [i for i in zf.infolist() if i.filename.endswith(".txt")
                           and not re.match(r"(readme|iso-languagecodes)", Path(i.filename).name, re.I)]
                same = [i for i in members if Path(i.filename).stem.lower() == path.stem.lower()]
                if not (same or len(members) == 1):
                    raise SourceFileError(f"{path}: cannot tell which file of the zip holds the data "
                                          f"({', '.join(i.filename for i in zf.infolist())})")
                info = (same or members)[0]
                with zf.open(info) as fh:
                    yield fh, info.file_size, f"{path.name}:{info.filename}"
        else:
            with open(path, "rb") as fh:
                yield fh, path.stat().st_size, path.name
    except (OSError, zipfile.BadZipFile) as exc:
        raise SourceFileError(f"{path}: cannot be read: {exc}") from exc


def _lines(fh: IO[bytes], size: int, desc: str) -> Iterator[tuple[int, bytes]]:
    """(line number, line without end of line) for every non-blank line; BOM removed; progress shown."""
    with tqdm(total=size, desc=desc, unit="B", unit_scale=True, disable=None, leave=False) as bar:
        done = 0
        for n, line in enumerate(fh, start=1):
            done += len(line)
            if n & 0xFFFF == 0:
                bar.update(done)
                done = 0
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            line = line.rstrip(b"\r\n")
            if line.strip():
                yield n, line
        bar.update(done)


def _problem(problems: list[str], text: str) -> None:
    if len(problems) < _MAX_PROBLEMS:
        problems.append(text)
    elif len(problems) == _MAX_PROBLEMS:
        problems.append("... (more problems not shown)")


def _aliases(value: str, name: str) -> list[str]:
    return [a for a in dict.fromkeys(v.strip() for v in value.split(","))
            if len(a) >= 2 and a != name and not _CODE_LIKE.search(a)]


def read_dump(path: Path, *, country: str | None) -> dict[int, dict[str, Any]]:
    """Kept rows of a dump by geonameid; ``country`` filters a multi-country dump."""
    rows: dict[int, dict[str, Any]] = {}
    problems: list[str] = []
    needle = f"\t{country}\t".encode() if country else None
    ncol = len(DUMP_COLUMNS)
    seen = 0
    with _open(path) as (fh, size, name):
        for n, line in _lines(fh, size, f"GeoNames {path.name}"):
            found = line.count(b"\t") + 1
            if found != ncol:
                _problem(problems, f"{name}: line {n}: expected {ncol} tab-separated columns (a GeoNames dump), "
                                   f"found {found}")
                if n == 1:
                    break  # not a dump at all: one line says so
                continue
            if needle is not None and needle not in line:
                continue
            rec = line.decode("utf-8", errors="replace").split("\t")
            r = dict(zip(DUMP_COLUMNS, rec))
            if country and r["country_code"] != country:
                continue
            seen += 1
            try:
                gid = int(r["geonameid"])
            except ValueError:
                _problem(problems, f"{name}: line {n}: field 'geonameid': not an integer: {r['geonameid']!r}")
                continue
            try:
                lat, lon = float(r["latitude"]), float(r["longitude"])
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError("out of range")
            except ValueError:
                _problem(problems, f"{name}: line {n}: field 'latitude'/'longitude': not a coordinate: "
                                   f"{r['latitude']!r}, {r['longitude']!r}")
                continue
            try:
                pop = int(r["population"] or 0)
            except ValueError:
                _problem(problems, f"{name}: line {n}: field 'population': not an integer: {r['population']!r}")
                continue
            kind = classify(r["feature_class"], r["feature_code"], pop)
            if kind is None:
                continue
            code = r["feature_code"]
            rows[gid] = {"id": f"gn:{gid}", "name": r["name"], "aliases": _aliases(r["alternatenames"], r["name"]),
                         "type": kind[0], "lat": lat, "lon": lon, "uncertainty_m": kind[1],
                         "governorate": loading.GEONAMES_ADMIN1_SY.get(r["admin1"]) if r["country_code"] == "SY"
                         else None, "admin1": None, "admin2": None, "admin3": None, "population": pop or None,
                         "status": STATUS.get(code), "code": f"{r['feature_class']}.{code}",
                         "country": r["country_code"]}
    if problems:
        raise SourceFileError("\n".join([f"{path}: not imported ({len(problems)} problem(s)):", *problems]))
    if not rows:
        where = f" of country {country}" if country else ""
        raise SourceFileError(f"{path}: no places{where} found among {seen} rows (is this a GeoNames dump?)")
    return rows


def add_alternate_names(path: Path, rows: dict[int, dict[str, Any]]) -> int:
    """Add the names of ``rows``' places from an alternate-names file; returns how many were added."""
    wanted = {str(g).encode(): r for g, r in rows.items()}
    problems: list[str] = []
    added = 0
    with _open(path) as (fh, size, name):
        for n, line in _lines(fh, size, f"GeoNames {path.name}"):
            tabs = line.count(b"\t")
            if tabs + 1 not in ALT_COLUMNS:
                hint = " (this looks like a GeoNames dump; give it first)" if tabs + 1 == len(DUMP_COLUMNS) else ""
                _problem(problems, f"{name}: line {n}: expected {' or '.join(map(str, ALT_COLUMNS))} tab-separated "
                                   f"columns of an alternate-names file, found {tabs + 1}{hint}")
                if n <= 2:
                    break
                continue
            alt_id, gid, lang, alt = line.split(b"\t", 4)[:4]
            if not (alt_id.isdigit() and gid.isdigit()):
                bad = "alternateNameId" if not alt_id.isdigit() else "geonameid"
                _problem(problems, f"{name}: line {n}: field {bad!r}: not an integer "
                                   f"(is this an alternate-names file?)")
                if n <= 2:
                    break
                continue
            row = wanted.get(gid)
            if row is None or lang in SKIP_LANGS or not alt:
                continue
            text = alt.decode("utf-8", errors="replace").strip()
            if text and text != row["name"] and text not in row["aliases"] and not _CODE_LIKE.search(text):
                row["aliases"].append(text)
                added += 1
    if problems:
        raise SourceFileError("\n".join([f"{path}: not imported ({len(problems)} problem(s)):", *problems]))
    return added


def import_geonames(dump: Path, alternate_names: Path | None = None, *, country: str | None = None,
                    source: str | None = None) -> sources.SourceInfo:
    """Import a GeoNames dump (and its alternate names) as one source; returns its info.

    ``country`` defaults to ``settings.GEONAMES_IMPORT_COUNTRY``; give "" to keep every country.
    """
    country = settings.GEONAMES_IMPORT_COUNTRY if country is None else country
    rows = read_dump(Path(dump), country=country.upper() or None)
    if alternate_names is not None:
        add_alternate_names(Path(alternate_names), rows)
    name = source or "GeoNames"
    path = sources.save(name, licence=LICENCE, kind="geonames", file=Path(dump).name, places=list(rows.values()),
                        extra={"country": country or "all"})
    return next(s for s in sources.list_sources() if s.path == path)

