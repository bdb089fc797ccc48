"""Gazetteer speed: exact and fuzzy resolution over >= 100k queries against >= 20k names.

``--imported``: the same on an imported source of >= 30,000 places / >= 100,000 aliases, written to
a temporary ``DESERT_ATLAS_HOME``: compile time (the baseline a cold start would pay without the
cache), cold load from the compiled cache, exact and fuzzy throughput, naive fuzzy baseline.

The gazetteer's own names are padded with generated Arabic-like names to reach the size of a
national gazetteer. Queries are exact aliases, case/diacritic/article variants and one-edit
misspellings. The fuzzy baseline is rapidfuzz ``process.extractOne`` over all names for every
query (on a sample, it is slow), measured in the same run.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._spelling import misspell
from gazetteer import Gazetteer, Place, load_gazetteer
from gazetteer.normalize import normalize, skeleton

from ._report import bench

NAME = "gazetteer"
PREFIXES = ["Tal", "Kafr", "Ayn", "Deir", "Jabal", "Khirbet", "Beit", "Umm", "Bir", "Qasr", "Maarat", "Ras", "", "", ""]
SYLLABLES = ["ba", "da", "ha", "ka", "ma", "na", "ra", "sa", "ta", "za", "qa", "la", "wa", "ya", "fa", "ja", "sha",
             "kha", "gha", "bi", "di", "hi", "ki", "mi", "ni", "ri", "si", "ti", "zi", "bu", "du", "hu", "ku", "mu",
             "nu", "ru", "su", "tu", "zu", "an", "al", "ar", "ir", "un", "ah", "iyah", "un", "at", "ish", "ur"]
ACCENTS = str.maketrans({"a": "ā", "i": "ī", "u": "ū", "h": "ḥ", "s": "ṣ"})


def _synthetic_places(n: int, rng: random.Random) -> list[Place]:
    places, seen = [], set()
    while len(places) < n:
        core = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        name = f"{rng.choice(PREFIXES)} {core}".strip()
        if normalize(name) in seen:
            continue
        seen.add(normalize(name))
        places.append(Place(id=f"syn:{len(places)}", name=name, feature_type="village",
                            lat=rng.uniform(32.5, 37.0), lon=rng.uniform(35.8, 42.0),
                            governorate=f"SY{rng.randint(1, 14):02d}", country="SY", uncertainty_m=1000.0,
                            source="generated for the benchmark"))
    return places


def _variant(name: str, rng: random.Random) -> str:
    v = rng.choice([name.upper(), name.lower(), name.title(), name.translate(ACCENTS)])
    return rng.choice(["al-", "Al ", "el-", ""]) + v


def _cold_load_s() -> float:
    code = ("import time; t=time.perf_counter(); import gazetteer; g=gazetteer.load_gazetteer(); "
            "print(time.perf_counter()-t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(3)]
    return min(runs)


_AR_LETTERS = str.maketrans({"b": "ب", "d": "د", "h": "ح", "k": "ك", "m": "م", "n": "ن", "r": "ر", "s": "س",
                             "t": "ت", "z": "ز", "q": "ق", "l": "ل", "w": "و", "y": "ي", "f": "ف", "j": "ج",
                             "g": "غ", "a": "ا", "i": "ي", "u": "و", " ": " "})


def _imported_rows(n: int, rng: random.Random) -> list[dict]:
    """Synthetic source rows: a name, its Arabic spelling, an article variant, an old name, a respelling."""
    rows = []
    for p in _synthetic_places(n, rng):
        old = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        arabic = "".join(ch for ch in p.name.lower().translate(_AR_LETTERS) if not ch.isascii() or ch == " ")
        rows.append({"id": f"bench:{p.id}", "name": p.name, "aliases": [arabic, f"al-{p.name}", f"Khirbat {old}",
                                                                 p.name.replace("a", "e", 1)],
                     "type": "village", "lat": p.lat, "lon": p.lon, "uncertainty_m": 1_000.0,
                     "governorate": p.governorate, "admin1": None, "admin2": None, "admin3": None,
                     "population": None, "status": None})
    return rows


def _load_in_fresh_process(home: Path) -> tuple[float, float]:
    """(load_gazetteer() seconds, import + load seconds) in a new interpreter, best of three."""
    code = ("import time; t0=time.perf_counter(); import gazetteer; t1=time.perf_counter(); "
            "g=gazetteer.load_gazetteer(); t2=time.perf_counter(); print(t2-t1, t2-t0, len(g))")
    env = {**os.environ, "DESERT_ATLAS_HOME": str(home)}
    env.pop("DESERT_ATLAS_CACHE", None)
    runs = [tuple(map(float, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                            check=True).stdout.split()[:2])) for _ in range(3)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def _first_fuzzy_in_fresh_process(home: Path) -> float:
    """Seconds of the first misspelt-name query after a cold load (the fuzzy blocking tables come
    from the compiled cache), best of three fresh interpreters."""
    code = ("import time, gazetteer; g=gazetteer.load_gazetteer(); t=time.perf_counter(); "
            "g.resolve('Kafr Nabudah village'); g.index.fuzzy('Tal Hamidiyeh'); print(time.perf_counter()-t)")
    env = {**os.environ, "DESERT_ATLAS_HOME": str(home)}
    env.pop("DESERT_ATLAS_CACHE", None)
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                    check=True).stdout) for _ in range(3))


def imported(rng: random.Random) -> int:
    """The ``--imported`` run (see the module docstring)."""
    from gazetteer import build, settings, sources

    name = f"{NAME}.imported"
    with tempfile.TemporaryDirectory(prefix="desert-atlas-bench-") as tmp:
        home = Path(tmp)
        settings.LOCAL_DIR, settings.CACHE_DIR = home, home / "cache"  # the defaults (no $DESERT_ATLAS_HOME here)
        rows = _imported_rows(30_000, rng)
        sources.save("benchmark villages", licence="generated", kind="places", file="synthetic", places=rows)
        bench(name, "source_places", len(rows))
        bench(name, "source_aliases", sum(len(r["aliases"]) for r in rows))
        t0 = time.perf_counter()
        gz = build()
        bench(name, "compile_s", time.perf_counter() - t0)  # the baseline: a cold start without the cache
        bench(name, "places", len(gz))
        bench(name, "names", gz.name_count)
        load_s, start_s = _load_in_fresh_process(home)
        bench(NAME, "imported_cold_load_s", load_s)
        bench(name, "cold_start_with_imports_s", start_s)
        bench(name, "first_fuzzy_after_cold_load_s", _first_fuzzy_in_fresh_process(home))
        t0 = time.perf_counter()
        gz.index.fuzzy("warm up the blocking tables")
        bench(name, "fuzzy_blocks_build_s", time.perf_counter() - t0)
        exact_q = [rng.choice([r["name"], *r["aliases"]]) for r in rng.choices(rows, k=30_000)]
        normalize.cache_clear()
        t0 = time.perf_counter()
        hits = sum(gz.resolve(q).resolved for q in exact_q)
        bench(name, "exact_per_s", len(exact_q) / (time.perf_counter() - t0))
        bench(name, "exact_resolved_share", hits / len(exact_q))
        long_rows = [r for r in rows if len(r["name"]) >= 8]
        fuzzy_q = [(r["id"], misspell(r["name"], rng)) for r in rng.choices(long_rows, k=5_000)]
        normalize.cache_clear()
        skeleton.cache_clear()
        t0 = time.perf_counter()
        answers = [gz.resolve(q) for _, q in fuzzy_q]
        fuzzy_s = (time.perf_counter() - t0) / len(fuzzy_q)
        bench(name, "fuzzy_per_s", 1 / fuzzy_s)
        bench(name, "fuzzy_top_correct_share", sum(
            (a.id if a.resolved else (a.alternatives[0].id if a.alternatives else None)) == pid
            for a, (pid, _) in zip(answers, fuzzy_q)) / len(fuzzy_q))
        sample = fuzzy_q[:200]
        t0 = time.perf_counter()
        for _, q in sample:
            gz.index.naive_fuzzy(q)
        naive_s = (time.perf_counter() - t0) / len(sample)
        bench(name, "naive_fuzzy_per_s", 1 / naive_s)
        bench(name, "speedup_vs_naive", naive_s / fuzzy_s)
        find_in_text_speed(name, gz, [r["name"] for r in rows], rng)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks gazetteer", description=__doc__)
    parser.add_argument("--imported", action="store_true", help="benchmark an imported source of 30,000 places")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    rng = random.Random(7)
    if args.imported:
        return imported(rng)
    base = load_gazetteer()
    synthetic = _synthetic_places(20_000, rng)
    t0 = time.perf_counter()
    gz = Gazetteer([*base.places, *synthetic], attribution=base.attribution)
    build_s = time.perf_counter() - t0
    bench(NAME, "names", gz.name_count)
    bench(NAME, "index_build_s", build_s)
    # A long-running process (the dashboard, an ingest batch) has built these once already.
    t0 = time.perf_counter()
    gz.index.fuzzy("warm up the blocking tables")
    bench(NAME, "fuzzy_blocks_build_s", time.perf_counter() - t0)
    for place in gz.places:
        place.footprint_radius_m

    latin = [(p.id, n) for p in gz.places for n in (p.name, *p.aliases) if n.isascii() and len(n) >= 4]
    exact_q = [rng.choice(latin) for _ in range(60_000)]
    variant_q = [(pid, _variant(n, rng)) for pid, n in (rng.choice(latin) for _ in range(25_000))]
    long_names = [(p.id, p.name) for p in synthetic if len(p.name) >= 8]
    fuzzy_q = [(pid, misspell(n, rng)) for pid, n in (rng.choice(long_names) for _ in range(20_000))]
    bench(NAME, "queries", len(exact_q) + len(variant_q) + len(fuzzy_q))

    normalize.cache_clear()
    t0 = time.perf_counter()
    for _, q in exact_q:
        gz.resolve(q)
    bench(NAME, "exact_per_s", len(exact_q) / (time.perf_counter() - t0))

    normalize.cache_clear()
    t0 = time.perf_counter()
    hits = sum(gz.resolve(q).resolved for _, q in variant_q)
    bench(NAME, "variant_per_s", len(variant_q) / (time.perf_counter() - t0))
    bench(NAME, "variant_resolved_share", hits / len(variant_q))

    normalize.cache_clear()
    skeleton.cache_clear()
    t0 = time.perf_counter()
    answers = [gz.resolve(q) for _, q in fuzzy_q]
    fuzzy_s = (time.perf_counter() - t0) / len(fuzzy_q)
    bench(NAME, "fuzzy_per_s", 1 / fuzzy_s)
    bench(NAME, "fuzzy_correct_share", sum(a.id == pid for a, (pid, _) in zip(answers, fuzzy_q)) / len(fuzzy_q))

    sample = fuzzy_q[:300]
    index = gz.index
    t0 = time.perf_counter()
    naive = [index.naive_fuzzy(q) for _, q in sample]
    naive_s = (time.perf_counter() - t0) / len(sample)
    key_of = {pid: normalize(name) for pid, name in long_names}
    bench(NAME, "naive_per_s", 1 / naive_s)
    bench(NAME, "naive_correct_share", sum(n is not None and n[0] == key_of[pid] for n, (pid, _) in zip(naive, sample))
          / len(sample))
    bench(NAME, "speedup_vs_naive", naive_s / fuzzy_s)
    bench(NAME, "cold_load_s", _cold_load_s())
    find_in_text_speed(NAME, gz, [p.name for p in synthetic], rng)
    reliability()
    return 0


_FILLER = ("Militias reinforced their positions near", "Shelling was reported between", "A convoy left",
           "Activists said drones struck the eastern countryside of", "Fighters gathered about 20 km from",
           "the army said on Monday, while talks went on in", "Residents of", "fled toward")


def _report_texts(names: list[str], count: int, rng: random.Random) -> list[str]:
    """Report-like texts of about 2 kB naming a few places each, some in relative phrases."""
    texts = []
    for _ in range(count):
        sentences = [f"{rng.choice(_FILLER)} {rng.choice(names)} and {rng.choice(names)}." for _ in range(25)]
        texts.append(" ".join(sentences))
    return texts


def find_in_text_speed(name: str, gz: Gazetteer, names: list[str], rng: random.Random) -> None:
    """``find_in_text`` throughput (texts/s, kB/s), with the naive baseline in the same run: one
    case-insensitive word-bounded regex per alias over each text (on a sample of texts)."""
    import re

    from gazetteer import find_in_text

    texts = _report_texts(names, 200, rng)
    kb = sum(len(t) for t in texts) / 1000
    t0 = time.perf_counter()
    find_in_text(gz, texts[0])  # the token-key index is built once per gazetteer
    bench(name, "find_in_text_index_build_s", time.perf_counter() - t0)
    t0 = time.perf_counter()
    found = sum(len(find_in_text(gz, t, fuzzy=False)) for t in texts)
    scan_s = time.perf_counter() - t0
    bench(name, "find_in_text_per_s", len(texts) / scan_s)
    bench(name, "find_in_text_kb_per_s", kb / scan_s)
    bench(name, "find_in_text_mentions_per_text", found / len(texts))
    aliases = {a for p in gz.places for a in (p.name, *p.aliases) if len(a) >= 2}
    patterns = [re.compile(r"(?<!\w)" + re.escape(a) + r"(?!\w)", re.IGNORECASE) for a in aliases]
    sample = texts[:3]
    t0 = time.perf_counter()
    for t in sample:
        [rx for rx in patterns if rx.search(t)]
    naive_s = (time.perf_counter() - t0) / len(sample)
    bench(name, "find_in_text_aliases", len(aliases))
    bench(name, "naive_scan_per_s", 1 / naive_s)
    bench(name, "find_in_text_speedup_vs_naive", naive_s / (scan_s / len(texts)))


def reliability() -> None:
    """Calibration: confidence bin -> share correct on the shared village file (see ``_reliability``)."""
    from . import _reliability

    _reliability.report(NAME, bench)
