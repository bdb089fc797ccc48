"""Leaflet served from the installed ``xstatic-leaflet`` package, so maps draw with no network.

folium's ``Map`` lists Leaflet, jQuery, Bootstrap and awesome-markers on CDNs (``default_js`` /
``default_css``).  We replace that list, per map instance, with Leaflet alone as ``data:`` URLs:

* a saved/standalone map gets ``<script src="data:...">`` and ``<link href="data:...">`` tags,
  which a browser evaluates without any request;
* streamlit-folium strips ``<script src>``/``<link>`` tags from the header and instead loads each
  element's ``default_js``/``default_css`` inside its iframe with ``script.src = url`` (awaiting
  ``onload``) and ``<link href=url>`` — a ``data:`` URL works there too.  Inline ``<script>``
  would *not*: the component adds the header with ``head.innerHTML +=``, which never runs scripts.

Leaflet's CSS points at ``images/*.png`` (layer-control and marker icons); those are inlined as
``data:`` URIs so the CSS does not depend on where it was loaded from.  Every other element's
CDN resources are dropped (:func:`strip_cdn_resources`); our layers need only Leaflet.
"""
from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Names folium uses for Leaflet in ``default_js``/``default_css`` (kept so nothing re-adds a CDN copy).
LEAFLET_JS_NAME = "leaflet"
LEAFLET_CSS_NAME = "leaflet_css"


def leaflet_dir() -> Path:
    """Folder of the installed Leaflet distribution (``leaflet.js``, ``leaflet.css``, ``images/``)."""
    import xstatic.pkg.leaflet as xleaflet  # lazy: only map building needs it

    return Path(xleaflet.BASE_DIR)


def leaflet_version() -> str:
    import xstatic.pkg.leaflet as xleaflet

    return str(xleaflet.VERSION)


def _data_url(mime: str, payload: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


@lru_cache(maxsize=1)
def leaflet_js_url() -> str:
    """``leaflet.js`` as a ``data:`` URL."""
    return _data_url("text/javascript", (leaflet_dir() / "leaflet.js").read_bytes())


@lru_cache(maxsize=1)
def leaflet_css_text() -> str:
    """``leaflet.css`` with its ``url(images/x.png)`` references inlined as ``data:`` URIs."""
    folder = leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = folder / "images" / match.group(1)
        if not image.is_file():
            return match.group(0)
        return f"url({_data_url('image/png', image.read_bytes())})"

    return re.sub(r"url\(images/([A-Za-z0-9_.-]+)\)", inline, css)


@lru_cache(maxsize=1)
def leaflet_css_url() -> str:
    """The self-contained ``leaflet.css`` as a ``data:`` URL."""
    return _data_url("text/css", leaflet_css_text().encode("utf-8"))


def strip_cdn_resources(root: Any) -> None:
    """Set ``default_js``/``default_css`` to ``[]`` on every element under ``root`` but the map.

    Instance attributes shadow folium's class lists (shared by every map of the process), so
    nothing global is modified.  The map itself gets Leaflet only (see :func:`make_offline`).
    """
    stack = [root]
    while stack:
        element = stack.pop()
        offline_map = getattr(element, "_desert_atlas_offline", False)  # keeps its local Leaflet
        if not offline_map and (hasattr(element, "default_js") or hasattr(element, "default_css")):
            element.default_js = []
            element.default_css = []
        stack.extend(getattr(element, "_children", {}).values())


def make_offline(folium_map: Any) -> Any:
    """Make ``folium_map`` (and everything added to it so far) load Leaflet from local data only."""
    strip_cdn_resources(folium_map)
    folium_map.default_js = [(LEAFLET_JS_NAME, leaflet_js_url())]
    folium_map.default_css = [(LEAFLET_CSS_NAME, leaflet_css_url())]
    folium_map._desert_atlas_offline = True
    return folium_map


def external_urls(html: str) -> list[str]:
    """Every ``http(s)://`` / protocol-relative URL a page would *load* (src/href attributes, CSS url()).

    Used by tests and the benchmark to prove a rendered map needs no network.  Links inside
    popups are data (``href`` inside escaped JSON strings), so only real attributes count.
    """
    attrs = re.findall(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)["']""", html, flags=re.IGNORECASE)
    css = re.findall(r"""url\(\s*["']?((?:https?:)?//[^"')]+)""", html, flags=re.IGNORECASE)
    return attrs + css
