"""The name index: exact lookup on surface forms and normalised keys, then a blocked fuzzy search.

Fuzzy matching never scans every name. Candidates come from three blocking keys: the consonant
skeleton of the normalised key (catches vowel slips such as "Deri Ezzor" or "Koniko"), the
single-deletion neighbourhood (as in SymSpell: a key and the query meet when deleting one letter
from each makes them equal, which covers one insertion, deletion, substitution or transposition),
and, only if those find nothing good, the keys sharing the most character trigrams. Only those
few are scored with rapidfuzz. The naive alternative, ``process.extractOne`` over all names, is kept in
the benchmark as the baseline.

Storage is compact because the index is unpickled at every cold start (see ``gazetteer.compiled``):
after ``freeze()`` every table is one joined string plus ``array``/numpy buffers, not hundreds of
thousands of dict entries and lists. Exact tables are found by CRC-32 and checked against the stored
string (so they answer exactly as a dict would); the blocking tables hold 64-bit hashes computed with
numpy over whole groups of keys, sorted for ``searchsorted``.
"""
from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import accumulate

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


def surface(text: str) -> str:
    """The cheapest key: case-folded, whitespace-collapsed surface form."""
    return " ".join(text.casefold().split())


# --- packed exact tables -------------------------------------------------------------------------
def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


class _Table:
    """Distinct strings numbered in the order given, each with a list of entry numbers.

    Stored as one joined text and ``array`` buffers, which unpickle in a few milliseconds where a
    dict of lists costs one object per string, list and number. ``find`` is an open-addressing
    hash table on the CRC-32 that compares the stored text, so it answers exactly as a dict would.
    """

    __slots__ = ("_bucket_off", "_buckets", "_mask", "_off", "_slot_crc", "_slots", "_text")

    def __init__(self, table: dict[str, list[int]]) -> None:
        items = list(table)
        self._text = "".join(items)
        off = np.zeros(len(items) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, items), dtype=np.int64, count=len(items)), out=off[1:])
        self._off = array("q", off.tobytes())
        size = 1 << max(3, (2 * len(items)).bit_length())  # at most half full: probes stay short
        self._mask = size - 1
        slots, slot_crc = array("i", [-1]) * size, array("I", [0]) * size
        for number, item in enumerate(items):
            h = _crc(item)
            at = h & self._mask
            while slots[at] >= 0:
                at = (at + 1) & self._mask
            slots[at], slot_crc[at] = number, h
        self._slots, self._slot_crc = slots, slot_crc
        sizes = np.fromiter(map(len, table.values()), dtype=np.int64, count=len(items))
        bucket_off = np.zeros(len(items) + 1, dtype=np.int64)
        np.cumsum(sizes, out=bucket_off[1:])
        self._bucket_off = array("q", bucket_off.tobytes())
        self._buckets = array("i", [i for bucket in table.values() for i in bucket])

    def __len__(self) -> int:
        return len(self._off) - 1

    def __getitem__(self, number: int) -> str:
        return self._text[self._off[number]:self._off[number + 1]]

    def find(self, text: str) -> int:
        """The string's number, -1 if absent."""
        h = _crc(text)
        mask, slots, slot_crc = self._mask, self._slots, self._slot_crc
        at = h & mask
        while True:
            number = slots[at]
            if number < 0:
                return -1
            if slot_crc[at] == h and self._text[self._off[number]:self._off[number + 1]] == text:
                return number
            at = (at + 1) & mask

    def bucket(self, number: int) -> list[int]:
        lo, hi = self._bucket_off[number], self._bucket_off[number + 1]
        return [self._buckets[lo]] if hi - lo == 1 else self._buckets[lo:hi].tolist()

    def get(self, text: str) -> list[int] | tuple[()]:
        number = self.find(text)
        return () if number < 0 else self.bucket(number)


# --- 64-bit hashes of many strings at once, for the blocking tables ---------------------------------
_MASK = (1 << 64) - 1
_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64 (used to hash deletions)
_BASE_INV = pow(_BASE, -1, 1 << 64)
_LENGTH = 0xD6E8FEB86659FD93
_POWERS = np.array([pow(_BASE, j, 1 << 64) for j in range(256)], dtype=np.uint64)


def _powers(n: int) -> np.ndarray:
    """The first ``n`` powers of the base modulo 2**64 (names longer than 256 letters grow the table)."""
    global _POWERS
    if n > _POWERS.size:
        _POWERS = np.array([pow(_BASE, j, 1 << 64) for j in range(2 * n)], dtype=np.uint64)
    return _POWERS[:n]


def _weights(strings: Sequence[str], length: int) -> np.ndarray:
    """Code points + 1 of strings all ``length`` long, one row each (uint64)."""
    if length == 0:
        return np.zeros((len(strings), 0), dtype=np.uint64)
    codes = np.array(strings, dtype=f"<U{length}").view(np.uint32).reshape(len(strings), length)
    return codes.astype(np.uint64) + np.uint64(1)


def _finish(core: np.ndarray, length: int) -> np.ndarray:
    """The hash of strings ``length`` long: their polynomial core (code point + 1 times base ** position,
    modulo 2**64) plus a length term. No mixing step: the tables are searched by value, and a
    bijective mixer would remove no collision. Keys never hold NUL, which numpy strings would drop."""
    return core + np.uint64(length * _LENGTH & _MASK)


def _finish_int(core: int, length: int) -> int:
    """``_finish`` on one Python int (a query's few hashes cost less without numpy's call overhead)."""
    return (core + length * _LENGTH) & _MASK


_POWER_INTS = [int(x) for x in _POWERS]


def _terms(text: str) -> list[int]:
    """The polynomial terms of one string, as Python ints (reduced modulo 2**64 by the caller)."""
    if len(text) > len(_POWER_INTS):
        _POWER_INTS.extend(pow(_BASE, j, 1 << 64) for j in range(len(_POWER_INTS), 2 * len(text)))
    return [(ord(ch) + 1) * p for ch, p in zip(text, _POWER_INTS)]


def _hash_one(text: str) -> int:
    """The hash ``_hashes`` gives this string."""
    return _finish_int(sum(_terms(text)) & _MASK, len(text))


def _probe_neighbourhood(key: str) -> list[int]:
    """The hashes ``_neighbourhood`` gives the key and its single deletions."""
    terms = _terms(key)
    upto = list(accumulate(terms))
    total, n = upto[-1], len(key)
    out = [_finish_int(total & _MASK, n)]
    for term, through in zip(terms, upto):
        out.append(_finish_int((through - term + (total - through) * _BASE_INV) & _MASK, n - 1))
    return out


def _probe_trigrams(key: str) -> list[int]:
    """The distinct trigram hashes ``_trigrams`` gives the key."""
    w = [ord(ch) + 1 for ch in f" {key} "]
    b1, b2 = _POWER_INTS[1], _POWER_INTS[2]
    return list(dict.fromkeys(_finish_int((w[i] + w[i + 1] * b1 + w[i + 2] * b2) & _MASK, 3)
                              for i in range(len(w) - 2)))


def _by_length(strings: Sequence[str]) -> Iterable[tuple[int, np.ndarray]]:
    """(length, positions of the strings that long): rows of one matrix share a length."""
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    for length in np.unique(lengths).tolist():
        yield length, np.flatnonzero(lengths == length)


def _hashes(strings: Sequence[str]) -> np.ndarray:
    """The 64-bit hash of each string."""
    out = np.zeros(len(strings), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for length, at in _by_length(strings):
            w = _weights([strings[i] for i in at], length)
            out[at] = _finish((w * _powers(length)).sum(axis=1, dtype=np.uint64), length)
    return out


def _neighbourhood(keys: Sequence[str], ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hash, key id) of every key and every string one deletion away from it, without repeats.

    A deletion's hash comes from the key's prefix sums: the letters after position i move down one
    power of the base, which is a multiplication by its inverse."""
    hashes, owners = [], []
    with np.errstate(over="ignore"):
        for length, at in _by_length(keys):
            terms = _weights([keys[i] for i in at], length) * _powers(length)
            upto = np.cumsum(terms, axis=1, dtype=np.uint64)
            total = upto[:, -1:]
            cores = (upto - terms) + (total - upto) * np.uint64(_BASE_INV)
            hashes += [_finish(total[:, 0], length), _finish(cores, length - 1).ravel()]
            owners += [ids[at], np.repeat(ids[at], length)]
    return _unique_pairs(np.concatenate(hashes or [np.zeros(0, np.uint64)]),
                         np.concatenate(owners or [np.zeros(0, np.int32)]))


def _trigrams(keys: Sequence[str], ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hash, key id) of the distinct trigrams of every key padded with a space at both ends."""
    hashes, owners = [], []
    with np.errstate(over="ignore"):
        for length, at in _by_length(keys):
            w = _weights([f" {keys[i]} " for i in at], length + 2)
            core = w[:, :-2] + w[:, 1:-1] * _POWERS[1] + w[:, 2:] * _POWERS[2]
            hashes.append(_finish(core, 3).ravel())
            owners.append(np.repeat(ids[at], length))
    return _unique_pairs(np.concatenate(hashes or [np.zeros(0, np.uint64)]),
                         np.concatenate(owners or [np.zeros(0, np.int32)]))


def _unique_pairs(hashes: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs sorted by hash then owner, repeats dropped (a key's set of deletions or trigrams)."""
    order = np.lexsort((owners, hashes))
    hashes, owners = hashes[order], owners[order].astype(np.int32)
    keep = np.ones(hashes.size, dtype=bool)
    keep[1:] = (hashes[1:] != hashes[:-1]) | (owners[1:] != owners[:-1])
    return hashes[keep], owners[keep]


class _Blocks:
    """The fuzzy search's blocking tables over key numbers (see the module docstring)."""

    def __init__(self, keys: Sequence[str]) -> None:
        ids = np.arange(len(keys), dtype=np.int32)
        hashes = _hashes([skeleton(k) for k in keys])
        order = np.argsort(hashes, kind="stable")
        # Plain arrays: a query reads a few items, which numpy would box one by one.
        self.skeleton = array("Q", hashes.tobytes())
        self.skeleton_order = array("i", order.astype(np.int32).tobytes())
        self.skeleton_sorted = array("Q", hashes[order].tobytes())
        long_keys = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)) >= settings.FUZZY_MIN_LENGTH
        long_ids = ids[long_keys]
        hashes, owners = _neighbourhood([keys[i] for i in long_ids.tolist()], long_ids)
        self.neighbour_hash, start = np.unique(hashes, return_index=True)
        self.neighbour_off = array("q", np.append(start, hashes.size).astype(np.int64).tobytes())
        self.neighbour_ids = array("i", owners.tobytes())
        hashes, owners = _trigrams(keys, ids)
        grams, start, count = np.unique(hashes, return_index=True, return_counts=True)
        informative = count <= _STOP_GRAM
        self.gram_hash = grams[informative]
        self.gram_ids = owners[np.repeat(informative, count)]
        self.gram_off = np.zeros(self.gram_hash.size + 1, dtype=np.int64)
        np.cumsum(count[informative], out=self.gram_off[1:])

    def same_skeleton(self, sk_hash: int) -> list[int]:
        """Key numbers with this skeleton hash, ascending."""
        hashes = self.skeleton_sorted
        lo = hi = bisect_left(hashes, sk_hash)
        while hi < len(hashes) and hashes[hi] == sk_hash:
            hi += 1
        return self.skeleton_order[lo:hi].tolist()

    def neighbours(self, key: str) -> set[int]:
        """Key numbers sharing the key or one of its single deletions."""
        probe = np.array(_probe_neighbourhood(key), dtype=np.uint64)
        hashes = self.neighbour_hash
        at = hashes.searchsorted(probe)
        off, ids = self.neighbour_off, self.neighbour_ids
        out: set[int] = set()
        for i in at[hashes.take(at, mode="clip") == probe].tolist():
            out.update(ids[off[i]:off[i + 1]])
        return out

    def postings(self, key: str) -> list[np.ndarray]:
        """Key numbers holding each informative trigram of the key, one array per trigram."""
        probe = np.array(_probe_trigrams(key), dtype=np.uint64)
        at = self.gram_hash.searchsorted(probe)
        found = at < self.gram_hash.size
        found[found] = self.gram_hash[at[found]] == probe[found]
        off = self.gram_off
        return [self.gram_ids[off[i]:off[i + 1]] for i in at[found].tolist()]


class NameIndex:
    """Maps names to entry numbers. Entries are whatever the caller indexes (gazetteer places).

    Built with ``add``, then packed by ``freeze`` (done by the first lookup if not before); a
    packed index takes no more names.
    """

    def __init__(self) -> None:
        self._surface: dict[str, list[int]] | None = {}
        self._keys: dict[str, list[int]] | None = {}
        self._light: dict[str, list[int]] | None = {}
        self._surface_key: dict[str, str] | None = {}
        self._forms: _Table | None = None
        self._form_key: array | None = None
        self._key_table: _Table | None = None
        self._light_table: _Table | None = None
        self._blocks: _Blocks | None = None
        self._key_list: list[str] | None = None

    def add(self, entry: int, names: Iterable[str], *, only_new_keys: bool = False) -> None:
        """Index an entry under its names; ``only_new_keys`` skips keys other entries hold already."""
        if self._keys is None:
            raise RuntimeError("the name index is frozen: build a new one to add names")
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

    def freeze(self) -> None:
        """Pack the tables for lookups and for the compiled cache (see the module docstring)."""
        if self._keys is None:
            return
        key_number = {k: i for i, k in enumerate(self._keys)}
        self._key_table = _Table(self._keys)
        self._forms = _Table(self._surface)
        self._form_key = array("i", [key_number[self._surface_key[f]] for f in self._surface])
        self._light_table = _Table(self._light)
        self._surface = self._keys = self._light = self._surface_key = None

    def prepare_fuzzy(self) -> None:
        """Build the fuzzy search's blocking tables now (the compiled cache keeps them)."""
        self._fuzzy_blocks()

    def __getstate__(self) -> dict:
        self.freeze()
        return {**self.__dict__, "_key_list": None}

    def __len__(self) -> int:
        return len(self._keys) if self._keys is not None else len(self._key_table)

    @property
    def keys(self) -> list[str]:
        """Every normalised key, in the order entries were added."""
        if self._key_list is None:
            self.freeze()
            table = self._key_table
            self._key_list = [table[i] for i in range(len(table))]
        return self._key_list

    def exact(self, text: str) -> Sequence[int]:
        """Entries whose surface form or normalised key equals the query's."""
        if self._forms is None:
            self.freeze()
        form = self._forms.find(surface(text))
        if form >= 0:
            return self._forms.bucket(form)
        return self._key_table.get(normalize(text))

    def lookup(self, text: str) -> tuple[Sequence[int], Sequence[int], str]:
        """(entries spelt as the query up to case, diacritics and articles; entries sharing only its
        normalised key; that key)

        Both matter: the first is the stronger evidence (a normalised key can be lossy), but every
        entry under the key is a homonym the answer must be weighed against.
        """
        if self._forms is None:
            self.freeze()
        forms, keys = self._forms, self._key_table
        form = forms.find(surface(text))
        if form >= 0:
            number = self._form_key[form]
            key = keys[number]
            lo, hi = keys._bucket_off[number], keys._bucket_off[number + 1]
            if hi - lo == 1 and forms._bucket_off[form + 1] - forms._bucket_off[form] == 1:
                return [keys._buckets[lo]], (), key  # one entry under both: most names (inlined, the hot path)
            by_key, on_surface = keys.bucket(number), forms.bucket(form)
        else:
            key = normalize(text)
            by_key, on_surface = keys.get(key), ()
        if len(by_key) == len(on_surface):  # the common case: the same entries (keys hold surfaces)
            return by_key, (), key
        strong = set(on_surface) | set(self._light_table.get(light_key(text)))
        return [i for i in by_key if i in strong], [i for i in by_key if i not in strong], key

    def entries_of(self, key: str) -> Sequence[int]:
        if self._key_table is None:
            self.freeze()
        return self._key_table.get(key)

    # --- fuzzy ------------------------------------------------------------------------------
    def _fuzzy_blocks(self) -> _Blocks:
        if self._blocks is None:
            self._blocks = _Blocks(self.keys)
        return self._blocks

    def _extract(self, key: str, numbers: list[int], cutoff: float, limit: int) -> list[tuple[str, float, int]]:
        """(key, score, key number) of the best candidates; ties keep the order of key numbers."""
        keys = self.keys
        found = process.extract(key, [keys[i] for i in numbers], scorer=fuzz.ratio, score_cutoff=cutoff,
                                limit=limit)
        return [(k, s, numbers[at]) for k, s, at in found]

    def fuzzy(self, text: str, *, limit: int = 5, cutoff: float | None = None) -> list[tuple[str, float]]:
        """Best (key, score 0-100) pairs for a misspelt name, best first."""
        key = normalize(text)
        if len(key) < settings.FUZZY_MIN_LENGTH:
            return []
        blocks = self._fuzzy_blocks()
        cutoff = settings.FUZZY_CUTOFF if cutoff is None else cutoff
        sk = skeleton(key)
        sk_hash = _hash_one(sk)
        pool = blocks.same_skeleton(sk_hash)
        found = self._extract(key, pool, cutoff, limit) if pool else []
        if not found or found[0][1] < _SKELETON_SURE:
            found = self._extract(key, sorted(blocks.neighbours(key).union(pool)), cutoff, limit)
        if not found or found[0][1] < _GOOD_ENOUGH:
            found = self._trigram_search(key, limit, cutoff, found)
        # Same consonants, other vowels is the commonest transliteration slip: rank it higher, when
        # the skeleton is long enough to mean something ("hm" fits Hama, Homs, Hamu and Hims alike).
        skeleton_of = blocks.skeleton
        bonus = _SKELETON_BONUS if len(sk) >= _SKELETON_MIN else 0.0
        scored = [(k, min(s + bonus, 99.0) if skeleton_of[i] == sk_hash else s) for k, s, i in found]
        return sorted(scored, key=lambda ks: -ks[1])

    def _trigram_search(self, key: str, limit: int, cutoff: float, found: list) -> list:
        postings = self._fuzzy_blocks().postings(key)
        if not postings:
            return found
        counts = np.bincount(np.concatenate(postings))
        # Keep the keys sharing nearly as many trigrams as the best one; a one-letter slip costs at most 3.
        top = np.flatnonzero(counts >= max(counts.max() - 3, 1))
        if top.size > _TRIGRAM_TOP:
            top = top[np.argpartition(counts[top], -_TRIGRAM_TOP)[-_TRIGRAM_TOP:]]
        pool = set(top.tolist()).union(i for _, _, i in found)
        return self._extract(key, sorted(pool), cutoff, limit)

    def naive_fuzzy(self, text: str) -> tuple[str, float] | None:
        """The baseline: rapidfuzz over every key. Used by the benchmark, not by the resolver."""
        best = process.extractOne(normalize(text), self.keys, scorer=fuzz.ratio,
                                  score_cutoff=settings.FUZZY_CUTOFF)
        return None if best is None else (best[0], best[1])
