"""A KML 2.2 writer (Google Earth) built from whole columns at once.

GDAL's LIBKML driver crashed the interpreter in our tests, so KML is written here: every text is
XML-escaped, each layer becomes a Folder with its own Style, records carry a TimeSpan (Google
Earth's time slider) and all properties as ExtendedData.

A ``<description>`` is HTML once the XML is parsed (Google Earth renders it in the balloon), so
its data parts are HTML-escaped *before* XML escaping: report text such as ``<img onerror=…>``
shows as those characters.  Each Style's BalloonStyle shows only that description (which starts
with the escaped name), so no viewer's default balloon puts the raw name or ExtendedData values
into HTML.  ``<name>`` and ExtendedData stay plain text (XML-escaped once), as GIS readers expect.
"""
from __future__ import annotations

import re
from typing import TextIO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.outputs.geometry import round_coordinates

KML_NS = "http://www.opengis.net/kml/2.2"
#: Layer → KML colour (aabbggrr).  Areas get a translucent fill of the same hue.
LAYER_COLORS: dict[str, str] = {
    "facilities": "ff1c1cd6",
    "deployments": "ff0080ff",
    "movements": "ffb0279c",
    "strikes": "ff00008b",
    "operations": "ffc06515",
    "statements": "ff808080",
    "zones": "ff00d7ff",
    "places": "ff202020",
}
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SEP = "\x1e"  # never in our output (illegal in XML, stripped from values; NUL would be lost by numpy)


def xml_escape(values: pd.Series) -> pd.Series:
    """Text safe inside XML elements and attributes (``None`` stays ``None``)."""
    s = values.astype("str")
    s = s.str.replace(_ILLEGAL_XML, "", regex=True)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        s = s.str.replace(char, entity, regex=False)
    return s.astype(object).where(values.notna().to_numpy(), None)


def html_escape(values: pd.Series) -> pd.Series:
    """Plain text as HTML text (``&<>"'`` escaped, line breaks as ``<br>``); ``None`` stays ``None``."""
    s = values.astype("str")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"),
                         ("\r\n", "\n"), ("\n", "<br>")):
        s = s.str.replace(char, entity, regex=False)
    return s.astype(object).where(values.notna().to_numpy(), None)


def _numbers(values: np.ndarray) -> np.ndarray:
    """Plain decimal strings (no exponent), trailing zeros trimmed."""
    text = np.char.mod("%.6f", values)
    return np.char.rstrip(np.char.rstrip(text, "0"), ".")


def _joined_by_group(items: np.ndarray, groups: np.ndarray, sep: str) -> np.ndarray:
    """``sep``-join the strings of each run of equal, sorted ``groups`` (one string per run)."""
    if not len(items):
        return np.array([], dtype=object)
    ends = np.r_[groups[1:] != groups[:-1], True]
    glue = np.full(len(items), sep, dtype=object)
    glue[ends] = _SEP
    return np.array("".join((items.astype(object) + glue).tolist()).split(_SEP)[:-1], dtype=object)


def _coordinate_runs(geoms: np.ndarray) -> np.ndarray:
    """KML ``lon,lat lon,lat ...`` for each simple geometry or ring."""
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    pairs = np.char.add(np.char.add(_numbers(coords[:, 0]), ","), _numbers(coords[:, 1]))
    return _joined_by_group(pairs, owner, " ")


def kml_geometries(geoms: np.ndarray) -> np.ndarray:
    """KML geometry element per geometry (``""`` for missing); multi-parts become MultiGeometry."""
    n = len(geoms)
    geoms = np.where(pd.isna(geoms), None, geoms)
    geoms = round_coordinates(np.asarray(geoms, dtype=object), settings.COORD_DECIMALS)
    owner = np.arange(n)
    parts = geoms
    # Flatten Multi* and collections (possibly nested) into simple parts, remembering the owner.
    while True:
        parts, idx = shapely.get_parts(parts, return_index=True)
        owner = owner[idx]
        if not np.isin(shapely.get_type_id(parts), (4, 5, 6, 7)).any():
            break
    keep = ~shapely.is_empty(parts)
    parts, owner = parts[keep], owner[keep]
    types = shapely.get_type_id(parts)
    xml = np.empty(len(parts), dtype=object)

    points = types == 0
    if points.any():
        xml[points] = "<Point><coordinates>" + _coordinate_runs(parts[points]) + "</coordinates></Point>"
    lines = np.isin(types, (1, 2))
    if lines.any():
        xml[lines] = ("<LineString><tessellate>1</tessellate><coordinates>"
                      + _coordinate_runs(parts[lines]) + "</coordinates></LineString>")
    polys = types == 3
    if polys.any():
        rings, ring_owner = shapely.get_rings(parts[polys], return_index=True)
        first = np.r_[True, ring_owner[1:] != ring_owner[:-1]]
        body = "<LinearRing><coordinates>" + _coordinate_runs(rings) + "</coordinates></LinearRing>"
        ring_xml = np.where(first, "<outerBoundaryIs>" + body + "</outerBoundaryIs>",
                            "<innerBoundaryIs>" + body + "</innerBoundaryIs>")
        xml[polys] = "<Polygon>" + _joined_by_group(ring_xml, ring_owner, "") + "</Polygon>"

    out = np.full(n, "", dtype=object)
    if len(parts):
        joined = _joined_by_group(xml, owner, "")
        owners = owner[np.r_[owner[1:] != owner[:-1], True]]
        counts = np.bincount(owner, minlength=n)[owners]
        out[owners] = np.where(counts > 1, "<MultiGeometry>" + joined + "</MultiGeometry>", joined)
    return out


def _display(values: pd.Series) -> pd.Series:
    """Column values as display text (booleans lower-case, dates ISO), not escaped.

    List columns must already be joined into strings by the caller.
    """
    if pd.api.types.is_bool_dtype(values):
        values = values.map({True: "true", False: "false"})
    elif pd.api.types.is_datetime64_any_dtype(values):
        arr = values.to_numpy(dtype="datetime64[ns]")
        text = np.datetime_as_string(arr, unit="D").astype(object)
        text[np.isnat(arr)] = None
        values = pd.Series(text, index=values.index)
    return values


def _text_of(values: pd.Series) -> pd.Series:
    """Column values as XML text (see :func:`_display`)."""
    return xml_escape(_display(values))


def description_html(names: pd.Series, texts: pd.Series) -> pd.Series:
    """The balloon's HTML: the name as a heading, then the plain-text description, both escaped."""
    heading = ("<h3>" + html_escape(_display(names)) + "</h3>").fillna("")
    return heading + html_escape(_display(texts)).fillna("")


def _element(tag: str, values: pd.Series) -> pd.Series:
    """``<tag>value</tag>`` or ``""`` when missing."""
    return ("<" + tag + ">" + values + "</" + tag + ">").fillna("")


def _kml_type(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "bool"
    if pd.api.types.is_integer_dtype(values):
        return "int"
    if pd.api.types.is_float_dtype(values):
        return "double"
    return "string"


def schema(layer: str, props: pd.DataFrame) -> str:
    """A typed ``<Schema>`` for a layer's ExtendedData (GIS readers get real field types)."""
    fields = "".join(f'<SimpleField type="{_kml_type(props[c])}" name="{c}"/>' for c in props.columns)
    return f'<Schema name="{layer}" id="{layer}_schema">{fields}</Schema>'


def placemarks(gdf: gpd.GeoDataFrame, *, layer: str, name_column: str, description: pd.Series | None,
               begin: pd.Series | None = None, end: pd.Series | None = None) -> tuple[pd.Series, str]:
    """``(<Placemark> string per row with a geometry, the layer's <Schema>)``.

    ``description`` is plain text (it becomes escaped HTML, see :func:`description_html`).  Rows
    without a geometry are skipped (an unmapped statement is not a placemark).
    """
    geom_xml = kml_geometries(gdf.geometry.to_numpy())
    has_geom = geom_xml != ""
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).loc[has_geom].reset_index(drop=True)
    out = pd.Series(["<Placemark>"] * len(props), dtype=object)
    out = out + _element("name", _text_of(props[name_column]))
    if description is not None:
        html = description_html(props[name_column], description.loc[has_geom].reset_index(drop=True))
        out = out + _element("description", xml_escape(html))
    if begin is not None and end is not None:
        b = _element("begin", _text_of(begin.loc[has_geom].reset_index(drop=True)))
        e = _element("end", _text_of(end.loc[has_geom].reset_index(drop=True)))
        out = out + "<TimeSpan>" + b + e + "</TimeSpan>"
    out = out + f'<styleUrl>#{layer}</styleUrl><ExtendedData><SchemaData schemaUrl="#{layer}_schema">'
    for column in props.columns:
        value = _text_of(props[column])
        out = out + ('<SimpleData name="' + column + '">' + value + "</SimpleData>").fillna("")
    marks = out + "</SchemaData></ExtendedData>" + pd.Series(geom_xml[has_geom], dtype=object) + "</Placemark>"
    return marks, schema(layer, props)


def _style(layer: str) -> str:
    color = LAYER_COLORS.get(layer, "ff808080")
    fill = "55" + color[2:]
    return (f'<Style id="{layer}"><IconStyle><color>{color}</color><scale>0.9</scale></IconStyle>'
            f"<LineStyle><color>{color}</color><width>2</width></LineStyle>"
            f"<PolyStyle><color>{fill}</color></PolyStyle>"
            "<BalloonStyle><text>$[description]</text></BalloonStyle></Style>")


def write_document(folders: dict[str, tuple[pd.Series, str]], fh: TextIO, *, title: str) -> int:
    """Write a KML document with one Folder per layer (from :func:`placemarks`); returns the count."""
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    fh.write(f'<kml xmlns="{KML_NS}"><Document><name>{xml_escape(pd.Series([title]))[0]}</name>\n')
    for layer, (_, layer_schema) in folders.items():
        fh.write(layer_schema + "\n" + _style(layer) + "\n")
    count = 0
    for layer, (marks, _) in folders.items():
        fh.write(f"<Folder><name>{layer}</name>\n")
        fh.write("\n".join(marks.tolist()))
        fh.write("\n</Folder>\n")
        count += len(marks)
    fh.write("</Document></kml>\n")
    return count
