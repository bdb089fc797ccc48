"""The few folium elements the dashboard map is made of, and the small JS/CSS they need.

``Helpers`` defines ``window.DesertAtlas`` once per map: ``layer(geojson, options)`` draws a
FeatureCollection (shape markers for exact points, styled lines and areas, popups/tooltips
bound from feature properties), ``legend(map, html)`` adds the legend control.  ``DataLayer``
is one such GeoJSON layer.  Nothing here loads a resource from the network.

Data reaches JS through :func:`js_literal`: JSON in which ``</`` is written ``<\\/`` and ``<!--``,
``_``, the two JS line separators and streamlit-folium's ``alert(coords);`` as ``\\uXXXX``
escapes.  They decode to the same strings, but the source text can no longer end a
``<script>`` element, nor be rewritten by streamlit-folium, which renames ``_<id>`` variable
suffixes and deletes ``alert(coords);`` throughout the generated JS.
"""
from __future__ import annotations

import json
from typing import Any

import folium
from folium.map import Layer
from folium.template import Template

#: (raw, escaped) pairs applied with ``str.replace`` (much faster than ``str.translate`` on MBs).
_JS_ESCAPES = (("</", "<\\/"), ("<!--", "\\u003c!--"), ("alert(coords)", "alert\\u0028coords)"),
               ("_", "\\u005f"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def js_literal(value: Any) -> str:
    """``value`` as a JS expression that is safe inside ``<script>`` and streamlit-folium's rewrites.

    Every rewritten sequence can only occur inside JSON strings, so the result is still JSON.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _JS_ESCAPES:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


HELPERS_JS = r"""
(function () {
  if (window.DesertAtlas) { return; }
  var ShapeMarker = L.CircleMarker.extend({
    options: {shape: "circle"},
    _updatePath: function () {
      var shape = this.options.shape, r = this._radius, x = this._point.x, y = this._point.y, d;
      if (!this._renderer || !this._renderer._setPath || shape === "circle" || shape === "ring") {
        return L.CircleMarker.prototype._updatePath.call(this);
      }
      if (shape === "square") {
        var s = r * 0.85;
        d = "M" + (x - s) + "," + (y - s) + "H" + (x + s) + "V" + (y + s) + "H" + (x - s) + "Z";
      } else if (shape === "triangle") {
        d = "M" + x + "," + (y - r * 1.15) + "L" + (x + r) + "," + (y + r * 0.75) + "L" + (x - r) + "," + (y + r * 0.75) + "Z";
      } else if (shape === "diamond") {
        d = "M" + x + "," + (y - r * 1.25) + "L" + (x + r) + "," + y + "L" + x + "," + (y + r * 1.25) + "L" + (x - r) + "," + y + "Z";
      } else {
        d = "";
        for (var i = 0; i < 10; i++) {
          var a = Math.PI * i / 5 - Math.PI / 2, q = (i % 2 ? r * 0.5 : r * 1.25);
          d += (i ? "L" : "M") + (x + q * Math.cos(a)) + "," + (y + q * Math.sin(a));
        }
        d += "Z";
      }
      this._renderer._setPath(this, d);
    }
  });
  // Panes keep big, coarse shapes under precise ones whatever the layer order, so a
  // country-wide statement never swallows the clicks meant for a pin.  Land fills sit under
  // web tiles (turning tiles on shows them); outlines and records sit above.
  var PANES = {daLand: 150, daContext: 380, daCountry: 402, daAreas: 404, daLines: 406,
               daPoints: 408, daSearch: 409};
  function setup(map) {
    Object.keys(PANES).forEach(function (name) {
      if (!map.getPane(name)) { map.createPane(name).style.zIndex = PANES[name]; }
    });
  }
  function paneOf(f, opts) {
    if (opts.pane) { return opts.pane; }
    var type = (f.geometry && f.geometry.type) || "";
    var p = f.properties || {};
    if (/Point/.test(type)) { return "daPoints"; }
    if (/LineString/.test(type)) { return "daLines"; }
    return p.q === 0 ? "daCountry" : "daAreas";
  }
  function styleOf(f, opts) {
    var p = f.properties || {}, line = f.geometry && /LineString/.test(f.geometry.type);
    var country = p.q === 0;
    return {
      color: p.s || p.c || opts.color || "#555",
      weight: p.w !== undefined ? p.w : (country ? 1 : (opts.weight !== undefined ? opts.weight : (line ? 3 : 1.5))),
      stroke: opts.stroke !== false,
      opacity: country ? 0.45 : (opts.opacity === undefined ? 0.95 : opts.opacity),
      fillColor: p.c || opts.fillColor || opts.color || "#555",
      fillOpacity: p.o === undefined ? (opts.fillOpacity === undefined ? 0.2 : opts.fillOpacity) : p.o,
      fill: !line && opts.fill !== false,
      dashArray: p.d ? "5 4" : (opts.dashArray || null),
      className: opts.className || "",
      interactive: opts.interactive !== false
    };
  }
  function layer(data, opts) {
    opts = opts || {};
    var buckets = {}, order = [];
    (data.features || []).forEach(function (f) {
      var pane = paneOf(f, opts);
      if (!buckets[pane]) { buckets[pane] = []; order.push(pane); }
      buckets[pane].push(f);
    });
    var group = L.featureGroup();
    order.forEach(function (pane) {
      L.geoJSON({type: "FeatureCollection", features: buckets[pane]}, {
        pane: pane,
        style: function (f) { return styleOf(f, opts); },
        pointToLayer: function (f, latlng) {
          var p = f.properties || {}, o = styleOf(f, opts);
          o.pane = pane;
          o.radius = p.r || opts.radius || 6;
          o.shape = p.k || opts.shape || "circle";
          return new ShapeMarker(latlng, o);
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties || {};
          if (p.p) { lyr.bindPopup(p.p, {maxWidth: 380, minWidth: 220, className: "da-popup-wrap"}); }
          if (p.t) { lyr.bindTooltip(p.t, {sticky: true, className: "da-tip"}); }
          if (p.l) { lyr.bindTooltip(p.l, {permanent: true, direction: "right", offset: [5, 0], className: "da-label"}); }
        }
      }).addTo(group);
    });
    return group;
  }
  function legend(map, html, position) {
    var control = L.control({position: position || "bottomleft"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "da-legend");
      div.innerHTML = '<details open><summary>Legend</summary>' + html + '</details>';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(map);
    return control;
  }
  window.DesertAtlas = {ShapeMarker: ShapeMarker, layer: layer, legend: legend, setup: setup};
})();
"""

MAP_CSS = """
.leaflet-container { background: #dfe6ea; font: 12px/1.4 "Helvetica Neue", Arial, sans-serif; }
.da-popup { max-height: 360px; overflow-y: auto; }
.da-popup .da-title { font-weight: bold; font-size: 13px; margin-bottom: 2px; }
.da-popup .da-kind { color: #555; margin-bottom: 4px; }
.da-popup table { border-collapse: collapse; margin: 2px 0 4px; }
.da-popup th { text-align: left; vertical-align: top; padding: 1px 6px 1px 0; color: #555; font-weight: normal; }
.da-popup td { padding: 1px 0; }
.da-popup .da-summary { margin: 4px 0; }
.da-popup .da-quote { margin: 4px 0; padding: 2px 6px; border-left: 3px solid #bbb; color: #333; font-style: italic; }
.da-popup .da-cite { display: block; font-style: normal; color: #777; font-size: 11px; }
.da-popup .da-unverified { color: #8a4b00; background: #fff3d6; padding: 2px 4px; margin: 4px 0; }
.da-popup .da-caveat { color: #555; margin: 4px 0; }
.da-popup .da-id { color: #999; font-size: 10px; }
.da-label { background: transparent; border: 0; box-shadow: none; padding: 0; color: #333;
            font-weight: bold; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.da-label:before { display: none; }
.da-legend { background: rgba(255,255,255,0.92); padding: 6px 8px; border-radius: 4px;
             box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-height: 280px; overflow-y: auto; line-height: 1.3; }
.da-legend h4 { margin: 4px 0 2px; font-size: 12px; }
.da-legend summary { cursor: pointer; font-weight: bold; }
.da-legend .da-row { white-space: nowrap; }
.da-legend svg { vertical-align: middle; margin-right: 4px; }
"""


class Helpers(folium.MacroElement):
    """``window.DesertAtlas`` (JS) and the map's CSS; add it to the map before any ``DataLayer``."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.js }}
            DesertAtlas.setup({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "DesertAtlasHelpers"
        self.js = HELPERS_JS
        self.css = MAP_CSS


class DataLayer(Layer):
    """One GeoJSON FeatureCollection drawn by ``DesertAtlas.layer`` (styles/popups from properties)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = DesertAtlas.layer({{ this.data_js }}, {{ this.options_js }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], *, name: str | None = None, options: dict[str, Any] | None = None,
                 show: bool = True, control: bool = False, overlay: bool = True) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "DataLayer"
        self.data_js = js_literal(data)
        self.options_js = js_literal(options or {})


class Legend(folium.MacroElement):
    """The legend control; ``html`` must already be escaped (see ``geo.outputs.webmap.legend``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            DesertAtlas.legend({{ this._parent.get_name() }}, {{ this.html_js }}, {{ this.position_js }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "Legend"
        self.html_js = js_literal(html)
        self.position_js = js_literal(position)
