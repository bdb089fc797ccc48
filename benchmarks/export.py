"""GeoJSON export of 100k synthetic records: our writer against geopandas ``to_file``.

Both write the same prepared layer (export properties, ``start``/``end`` included) to a temp
folder in the same run; the speedup is geopandas' time over ours (best of ``--repeat`` runs each).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from benchmarks import bench


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks export")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from geo.outputs.export.geojson import write_feature_collection
    from geo.outputs.export.writers import record_layer
    from geo.synthetic import synthetic_frame

    layer = record_layer(synthetic_frame(args.rows, seed=args.seed))
    ours, theirs = [], []
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        ours_path, theirs_path = Path(tmp) / "ours.geojson", Path(tmp) / "geopandas.geojson"
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            with open(ours_path, "wb") as fh:
                count = write_feature_collection(layer, fh, extra={"name": "bench"})
            ours.append(time.perf_counter() - t0)
            theirs_path.unlink(missing_ok=True)
            t0 = time.perf_counter()
            layer.to_file(theirs_path, driver="GeoJSON")
            theirs.append(time.perf_counter() - t0)
        # Not timed: the output must be a full, parseable FeatureCollection.
        with open(ours_path, encoding="utf-8") as fh:
            parsed = json.load(fh)
        if len(parsed["features"]) != count or count != len(layer):
            raise SystemExit(f"bench export: wrote {len(parsed['features'])} features, expected {len(layer)}")
    suffix = f"{args.rows // 1000}k" if args.rows % 1000 == 0 else str(args.rows)
    bench(f"export.geojson_{suffix}_s", min(ours))
    bench(f"export.geopandas_{suffix}_s", min(theirs))
    bench("export.speedup_vs_geopandas", min(theirs) / min(ours))
    return 0
