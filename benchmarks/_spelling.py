"""Misspelling names the way reports do, for the gazetteer benchmarks (seeded, reproducible)."""
from __future__ import annotations

import random


def misspell(name: str, rng: random.Random, *, substitutes: str = "aeioukqtsr", inserts: str = "aeiouhy") -> str:
    """``name`` with one edit inside it: a letter replaced, dropped, inserted or swapped with the next."""
    chars = list(name)
    i = rng.randrange(1, len(chars) - 1)
    op = rng.choice(["sub", "del", "ins", "swap"])
    if op == "sub":
        chars[i] = rng.choice(substitutes)
    elif op == "del":
        del chars[i]
    elif op == "ins":
        chars.insert(i, rng.choice(inserts))
    else:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)
