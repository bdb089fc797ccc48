"""Gazetteer speed: exact and fuzzy resolution over >= 100k queries against >= 20k names.

The gazetteer's own names are padded with generated Arabic-like names to reach the size of a
national gazetteer. Queries are exact aliases, case/diacritic/article variants and one-edit
misspellings. The fuzzy baseline is rapidfuzz ``process.extractOne`` over all names for every
query (on a sample, it is slow), measured in the same run.
"""
from __future__ import annotations

import random
import subprocess
import sys
import time

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


def _misspell(name: str, rng: random.Random) -> str:
    chars = list(name)
    i = rng.randrange(1, len(chars) - 1)
    op = rng.choice(["sub", "del", "ins", "swap"])
    if op == "sub":
        chars[i] = rng.choice("aeioukqtsr")
    elif op == "del":
        del chars[i]
    elif op == "ins":
        chars.insert(i, rng.choice("aeiouhy"))
    else:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _cold_load_s() -> float:
    code = ("import time; t=time.perf_counter(); import gazetteer; g=gazetteer.load_gazetteer(); "
            "print(time.perf_counter()-t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(3)]
    return min(runs)


def main(argv: list[str] | None = None) -> int:
    rng = random.Random(7)
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
    fuzzy_q = [(pid, _misspell(n, rng)) for pid, n in (rng.choice(long_names) for _ in range(20_000))]
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
    return 0
