"""The name index: exact lookup on surface forms and normalised keys, then a blocked fuzzy search.

Fuzzy matching never scans every name. Candidates come from three blocking keys: the consonant
skeleton of the normalised key (catches vowel slips such as "Deri Ezzor" or "Koniko"), the
single-deletion neighbourhood (as in SymSpell: a key and the query meet when deleting one letter
from each makes them equal, which covers one insertion, deletion, substitution or transposition),
and, only if those find nothing good, the keys sharing the most character trigrams. Only those
few are scored with rapidfuzz. The naive alternative, ``process.extractOne`` over all names, is kept in
the benchmark as the baseline.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from . import settings
from .normalize import light_key, normalize, skeleton

#: Trigrams shared by more keys than this carry no information for blocking.
_STOP_GRAM = 1_500
#: How many trigram candidates are scored.
_TRIGRAM_TOP = 48
#: A skeleton or neighbourhood candidate scoring at least this ends the search before the trigram
#: stage (one edit in an 8-letter key scores 87.5; two edits in a 12-letter key about 83).
_GOOD_ENOUGH = 80.0
#: A candidate sharing the query's skeleton and scoring this much ends the search at once.
_SKELETON_SURE = 90.0
#: Added to the score of a candidate with the query's consonant skeleton of at least _SKELETON_MIN letters.
_SKELETON_BONUS = 8.0
_SKELETON_MIN = 3


def _grams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _deletes(key: str) -> list[str]:
    """The key and every string one deletion away from it (repeats are harmless)."""
    return [key, *(key[:i] + key[i + 1:] for i in range(len(key)))]


def surface(text: str) -> str:
    """The cheapest key: case-folded, whitespace-collapsed surface form."""
    return " ".join(text.casefold().split())


class NameIndex:
    """Maps names to entry numbers. Entries are whatever the caller indexes (gazetteer places)."""

    def __init__(self) -> None:
        self._surface: dict[str, list[int]] = {}
        self._keys: dict[str, list[int]] = {}
        self._light: dict[str, list[int]] = {}
        self._surface_key: dict[str, str] = {}
        self._key_list: list[str] | None = None
        self._skeletons: dict[str, list[str]] | None = None
        self._neighbours: dict[str, list[str]] | None = None
        self._grams: dict[str, np.ndarray] | None = None

    def add(self, entry: int, names: Iterable[str], *, only_new_keys: bool = False) -> None:
        """Index an entry under its names; ``only_new_keys`` skips keys other entries hold already."""
        for name in names:
            key = normalize(name)
            if not key:
                continue
            if only_new_keys and key in self._keys and entry not in self._keys[key]:
                continue
            self._surface_key.setdefault(surface(name), key)
            for table, k in ((self._surface, surface(name)), (self._keys, key), (self._light, light_key(name))):
                bucket = table.setdefault(k, [])
                if entry not in bucket:
                    bucket.append(entry)
        self._key_list = self._skeletons = self._neighbours = self._grams = None

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def keys(self) -> list[str]:
        if self._key_list is None:
            self._key_list = list(self._keys)
        return self._key_list

    def exact(self, text: str) -> Sequence[int]:
        """Entries whose surface form or normalised key equals the query's."""
        hit = self._surface.get(surface(text))
        if hit is not None:
            return hit
        return self._keys.get(normalize(text), ())

    def lookup(self, text: str) -> tuple[Sequence[int], Sequence[int], str]:
        """(entries spelt as the query up to case, diacritics and articles; entries sharing only its
        normalised key; that key)

        Both matter: the first is the stronger evidence (a normalised key can be lossy), but every
        entry under the key is a homonym the answer must be weighed against.
        """
        form = surface(text)
        key = self._surface_key.get(form)
        if key is None:
            key = normalize(text)
        by_key = self._keys.get(key, ())
        on_surface = self._surface.get(form, ())
        if len(by_key) == len(on_surface):  # the common case: the same entries (keys hold surfaces)
            return by_key, (), key
        strong = set(on_surface) | set(self._light.get(light_key(text), ()))
        return [i for i in by_key if i in strong], [i for i in by_key if i not in strong], key

    def entries_of(self, key: str) -> Sequence[int]:
        return self._keys.get(key, ())

    # --- fuzzy ------------------------------------------------------------------------------
    def _build_blocks(self) -> None:
        skeletons: dict[str, list[str]] = {}
        skeleton_of: dict[str, str] = {}
        neighbours: dict[str, list[str]] = {}
        grams: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            sk = skeleton_of[key] = skeleton(key)
            skeletons.setdefault(sk, []).append(key)
            if len(key) >= settings.FUZZY_MIN_LENGTH:
                for d in set(_deletes(key)):
                    neighbours.setdefault(d, []).append(key)
            for g in _grams(key):
                grams.setdefault(g, []).append(i)
        self._skeletons = skeletons
        self._skeleton_of = skeleton_of
        self._neighbours = neighbours
        self._grams = {g: np.asarray(ids, dtype=np.int32) for g, ids in grams.items() if len(ids) <= _STOP_GRAM}

    def fuzzy(self, text: str, *, limit: int = 5, cutoff: float | None = None) -> list[tuple[str, float]]:
        """Best (key, score 0-100) pairs for a misspelt name, best first."""
        key = normalize(text)
        if len(key) < settings.FUZZY_MIN_LENGTH:
            return []
        if self._skeletons is None:
            self._build_blocks()
        cutoff = settings.FUZZY_CUTOFF if cutoff is None else cutoff
        sk = skeleton(key)
        pool = self._skeletons.get(sk, ())
        found = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit) if pool else []
        if not found or found[0][1] < _SKELETON_SURE:
            pool = set(pool)
            neighbours = self._neighbours
            for d in _deletes(key):
                hit = neighbours.get(d)
                if hit:
                    pool.update(hit)
            found = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        if not found or found[0][1] < _GOOD_ENOUGH:
            found = self._trigram_search(key, limit, cutoff, found)
        # Same consonants, other vowels is the commonest transliteration slip: rank it higher, when
        # the skeleton is long enough to mean something ("hm" fits Hama, Homs, Hamu and Hims alike).
        skeleton_of = self._skeleton_of
        bonus = _SKELETON_BONUS if len(sk) >= _SKELETON_MIN else 0.0
        scored = [(k, min(s + bonus, 99.0) if skeleton_of[k] == sk else s) for k, s, _ in found]
        return sorted(scored, key=lambda ks: -ks[1])

    def _trigram_search(self, key: str, limit: int, cutoff: float, found: list) -> list:
        postings = [self._grams[g] for g in _grams(key) if g in self._grams]
        if not postings:
            return found
        counts = np.bincount(np.concatenate(postings))
        # Keep the keys sharing nearly as many trigrams as the best one; a one-letter slip costs at most 3.
        top = np.flatnonzero(counts >= max(counts.max() - 3, 1))
        if top.size > _TRIGRAM_TOP:
            top = top[np.argpartition(counts[top], -_TRIGRAM_TOP)[-_TRIGRAM_TOP:]]
        keys = self.keys
        pool = {keys[i] for i in top.tolist()} | {k for k, _, _ in found}
        return process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)

    def naive_fuzzy(self, text: str) -> tuple[str, float] | None:
        """The baseline: rapidfuzz over every key. Used by the benchmark, not by the resolver."""
        best = process.extractOne(normalize(text), self.keys, scorer=fuzz.ratio,
                                  score_cutoff=settings.FUZZY_CUTOFF)
        return None if best is None else (best[0], best[1])
