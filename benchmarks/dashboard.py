"""Dashboard map on 100k synthetic records: slider step time, bytes sent, and one-Marker-per-event.

* ``slider_step_s``: the slowest (over several windows, best of ``--repeat`` each) of what one
  slider move costs the server: ``filter_records`` + ``layer_geojson`` + encoding the layers
  for the browser.  Windows: the default view (whole span), a year, a quarter and a month.
* ``payload_bytes``: the whole map page at the default view (``build_map`` rendered: Leaflet
  inlined, background, legend, layers) — everything the browser receives for the map.
* ``speedup_vs_markers``: the naive folium page (one ``folium.Marker`` with popup per event),
  timed on ``--marker-rows`` events and scaled linearly to ``--rows`` (folium renders one
  template per marker, so its cost is linear; the run prints the measured per-event time at two
  sizes to show it), divided by our full default-view pipeline (filter + layers + map + HTML).
"""
from __future__ import annotations

import argparse
import html
import time
from datetime import timedelta

from benchmarks._report import bench, best_of


def _markers_page(frame) -> str:
    import folium

    m = folium.Map(location=[34.8, 38.9], zoom_start=7, tiles=None)
    for lat, lon, title, summary in zip(frame["latitude"], frame["longitude"], frame["title"], frame["summary"]):
        folium.Marker([lat, lon], tooltip=html.escape(str(title)),
                      popup=folium.Popup(html.escape(str(summary)))).add_to(m)
    return m.get_root().render()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks dashboard")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--marker-rows", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from geo.outputs.webmap import mapping
    from geo.outputs.webmap.js import js_literal
    from geo.core.filtering import filter_records
    from geo.synthetic import synthetic_frame
    from geo.core.timeline import dataset_span

    frame = synthetic_frame(args.rows, seed=args.seed)
    lo, hi = dataset_span(frame)
    mid = lo + (hi - lo) / 2
    windows = {"default": (lo, hi), "year": (mid, mid + timedelta(days=364)),
               "quarter": (mid, mid + timedelta(days=91)), "month": (mid, mid + timedelta(days=30))}

    def step(window):
        visible = filter_records(frame, start=window[0], end=window[1])
        layers = mapping.layer_geojson(visible)
        return layers, sum(len(js_literal(c)) for c in layers.values())

    times = {}
    for name, window in windows.items():
        times[name] = best_of(lambda w=window: step(w), args.repeat)
        layers, _ = step(window)
        drawn = sum(len(c["features"]) for c in layers.values())
        print(f"# window {name} {window[0]}..{window[1]}: {sum(c['records'] for c in layers.values()):,} "
              f"mapped records, {drawn:,} features sent, {times[name]:.3f} s", flush=True)
    bench("dashboard", "slider_step_s", max(times.values()))
    bench("dashboard", "slider_step_default_s", times["default"])

    background = mapping.background_geojson(None)

    def ours() -> str:
        visible = filter_records(frame, start=lo, end=hi)
        layers = mapping.layer_geojson(visible)
        return mapping.build_map(visible, background=background, layers=layers).get_root().render()

    ours_s = best_of(ours, args.repeat)
    page = ours()
    bench("dashboard", "payload_bytes", len(page.encode("utf-8")))
    layers, layer_bytes = step(windows["default"])
    bench("dashboard", "layer_bytes", layer_bytes)

    half = frame.head(args.marker_rows // 2)
    sample = frame.head(args.marker_rows)
    t0 = time.perf_counter()
    _markers_page(half)
    t_half = time.perf_counter() - t0
    t0 = time.perf_counter()
    marker_page = _markers_page(sample)
    t_full = time.perf_counter() - t0
    per_event = t_full / len(sample)
    print(f"# markers: {len(half):,} in {t_half:.2f} s ({t_half / len(half) * 1e3:.3f} ms/event), "
          f"{len(sample):,} in {t_full:.2f} s ({per_event * 1e3:.3f} ms/event); scaled linearly to "
          f"{args.rows:,}: {per_event * args.rows:.1f} s and "
          f"{len(marker_page.encode('utf-8')) / len(sample) * args.rows / 1e6:.0f} MB of HTML", flush=True)
    print(f"# ours at the default view: {ours_s:.3f} s for {args.rows:,} events, page {len(page) / 1e6:.2f} MB",
          flush=True)
    bench("dashboard", "speedup_vs_markers", per_event * args.rows / ours_s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
