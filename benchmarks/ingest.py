"""Ingestion quality and speed on the five seed reports (``../shared/seeds``).

Quality, per report and overall:

* ``place_recall``: share of the places the curated seed records map (their place ids, or the
  anchors of their relative phrases — "between al-Humaira and al-Hafar" → both villages) that the
  ingester found in the report's body, as an event place, a phrase anchor or a locating context;
* ``place_precision``: share of the places the ingester proposes as event places (a relative
  phrase counts once, by its anchors) that
  some curated record of the same report maps (the seed records map what mattered to their
  author, so a correct mention of, say, Iraq as an origin counts against precision);
* ``agreement``: share of curated records with a candidate of the same kind sharing an actor and
  a place or an evidence span.

Speed: ``ms_per_1000_words`` and ``docs_per_s`` in steady state (the ingester and its scanner
built once, one warm-up pass, best of five passes); ``cold_ms_per_1000_words`` with every
resolution cache emptied before each pass (relative phrases then pay for their geodesic
footprints); ``scan_ms_per_1000_words`` is the name scanner alone, against the baseline measured
in the same run: one case-insensitive regex per gazetteer alias over each text
(``baseline_scan_ms_per_1000_words``), with that baseline's recall/precision.
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any

from ._report import bench, best_of

NAME = "ingest"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FALLBACK = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ingest"


def _keys(gz: Any, query: str, context: str | None = None) -> frozenset[str]:
    from geo.ingest.places import resolution_keys

    res = gz.resolve(query, context=context)
    return resolution_keys(res) if res.resolved else frozenset()


def seed_truth(gz: Any, data_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """Per seed report id: its file name and the curated records with the key sets of their places."""
    from geo import settings
    from geo.core.problems import ProblemLog
    from geo.store.yamlio import read_yaml_list

    root = Path(data_dir) if data_dir is not None else settings.data_dir()
    log = ProblemLog()
    reports = {r["id"]: r for r in read_yaml_list(root / settings.REPORTS_FILE, "reports", log)
               if isinstance(r, dict)}
    truth: dict[str, dict[str, Any]] = {rid: {"file": r.get("file"), "records": []} for rid, r in reports.items()}
    for raw in read_yaml_list(root / settings.EVENTS_SUBDIR / "seed.yaml", "seed", log):
        if not isinstance(raw, dict) or not raw.get("sources"):
            continue
        src = raw["sources"][0]
        rid = src["report"] if isinstance(src, dict) else src
        queries = raw.get("place") or []
        queries = [queries] if isinstance(queries, str) else list(queries)
        queries += [q for q in raw.get("route") or [] if q not in queries]
        if raw.get("place_id"):
            queries.append(raw["place_id"])
        places = [k for k in (_keys(gz, q, raw.get("place_context")) for q in queries) if k]
        truth.setdefault(rid, {"file": None, "records": []})["records"].append({**raw, "_places": places})
    return truth


def evaluate(result: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall, precision and agreement of one ingest result against one report's curated records."""
    found = [m for m in result.mentions if m["zone"] == "body" and m["resolved"]
             and m["role"] in ("place", "anchor", "context")]
    found_keys = {k for m in found for k in m["keys"]}
    truth_places = {p for r in records for p in r["_places"]}
    truth_keys = {k for p in truth_places for k in p}
    missed = sorted(sorted(p) for p in truth_places if not p & found_keys)
    proposed: dict[str, frozenset[str]] = {}
    for m in found:
        if m["role"] == "place":
            proposed.setdefault(m["id"] or m["query"], frozenset(m["keys"]))
    extra = sorted(q for q, ks in proposed.items() if not ks & truth_keys)
    agree = 0
    for r in records:
        spans = [(e["start"], e["end"]) for e in r.get("evidence") or []]
        keys = {k for p in r["_places"] for k in p}
        for c in result.candidates:
            ckeys = {k for p in c["review"]["places"] for k in _place_keys(p)}
            overlap = any(a < d and c0 < b for a, b in spans for c0, d in ((e["start"], e["end"]) for e in c["evidence"]))
            if c["kind"] == r["kind"] and set(c["actors"]) & set(r.get("actors") or []) and (overlap or ckeys & keys):
                agree += 1
                break
    return {
        "recall": 1.0 - len(missed) / len(truth_places) if truth_places else 1.0,
        "precision": 1.0 - len(extra) / len(proposed) if proposed else 1.0,
        "agreement": agree / len(records) if records else 1.0,
        "truth": len(truth_places), "missed": missed, "proposed": len(proposed), "extra": extra,
        "records": len(records), "agreeing": agree,
    }


def _place_keys(info: dict[str, Any]) -> set[str]:
    return set(info.get("keys") or ()) | ({info["id"]} if info.get("id") else set())


class NaiveScanner:
    """The baseline: one case-insensitive word-bounded regex per gazetteer name, run over the text."""

    def __init__(self, gz: Any):
        self.patterns = []
        for p in gz.places:
            for name in dict.fromkeys((p.name, *p.aliases)):
                if len(name) >= 2:
                    self.patterns.append((p.id, re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)))

    def scan(self, text: str) -> set[str]:
        return {pid for pid, rx in self.patterns if rx.search(text)}


def main() -> int:
    from gazetteer import find_in_text, load_gazetteer
    from gazetteer import geodesy
    from geo.ingest.ingester import Ingester

    gz = load_gazetteer()
    t0 = time.perf_counter()
    ingester = Ingester(gazetteer=gz)
    bench(NAME, "build_s", time.perf_counter() - t0)
    have_seeds = SEEDS.is_dir() and any(SEEDS.glob("*.txt"))
    truth = seed_truth(gz) if have_seeds else {}
    docs: list[tuple[str, str]] = []
    if have_seeds:
        for rid, info in sorted(truth.items()):
            path = SEEDS / str(info["file"])
            if path.is_file():
                docs.append((rid, path.read_text(encoding="utf-8")))
    else:
        print(f"seed reports not found at {SEEDS}: quality not measured, speed measured on {FALLBACK}",
              file=sys.stderr)
        docs = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(FALLBACK.glob("*.txt"))]

    naive = NaiveScanner(gz)
    if have_seeds:
        totals = {"truth": 0, "missed": 0, "proposed": 0, "extra": 0, "records": 0, "agreeing": 0}
        base = {"truth": 0, "hit": 0, "found": 0, "right": 0}
        for rid, text in docs:
            result = ingester.ingest_text(text, name=rid, report_id=rid)
            score = evaluate(result, truth[rid]["records"])
            bench(NAME, f"{rid}.place_recall", score["recall"])
            bench(NAME, f"{rid}.place_precision", score["precision"])
            bench(NAME, f"{rid}.agreement", score["agreement"])
            if score["missed"] or score["extra"]:
                print(f"# {rid}: missed {score['missed']}; proposed but not in the curated records: {score['extra']}",
                      file=sys.stderr)
            for key in ("truth", "proposed", "records", "agreeing"):
                totals[key] += score[key]
            totals["missed"] += len(score["missed"])
            totals["extra"] += len(score["extra"])
            places = {p for r in truth[rid]["records"] for p in r["_places"]}
            ids = naive.scan(text)
            keys = {k for p in places for k in p}
            base["truth"] += len(places)
            base["hit"] += sum(1 for p in places if p & ids)
            base["found"] += len(ids)
            base["right"] += len(ids & keys)
        bench(NAME, "place_recall", 1 - totals["missed"] / max(totals["truth"], 1))
        bench(NAME, "place_precision", 1 - totals["extra"] / max(totals["proposed"], 1))
        bench(NAME, "agreement", totals["agreeing"] / max(totals["records"], 1))
        bench(NAME, "baseline_place_recall", base["hit"] / max(base["truth"], 1))
        bench(NAME, "baseline_place_precision", base["right"] / max(base["found"], 1))

    words = sum(len(text.split()) for _, text in docs)
    per_k = 1000.0 / words

    def full_pass() -> None:
        for rid, text in docs:
            ingester.ingest_text(text, name=rid)

    full_pass()  # warm-up: caches filled as in a long-running session
    steady = best_of(full_pass, repeat=5)
    bench(NAME, "ms_per_1000_words", steady * 1000 * per_k)
    bench(NAME, "docs_per_s", len(docs) / steady)

    def cold_pass() -> None:
        ingester.places.clear_cache()
        geodesy._aeqd.cache_clear()
        full_pass()

    bench(NAME, "cold_ms_per_1000_words", best_of(cold_pass, repeat=3) * 1000 * per_k)

    def scan_pass() -> None:
        for _, text in docs:
            find_in_text(gz, text, fuzzy=False)

    bench(NAME, "scan_ms_per_1000_words", best_of(scan_pass, repeat=5) * 1000 * per_k)
    bench(NAME, "baseline_scan_ms_per_1000_words",
          best_of(lambda: [naive.scan(text) for _, text in docs], repeat=3) * 1000 * per_k)
    bench(NAME, "words", words)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
