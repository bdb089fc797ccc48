"""Finding place names in running text: ``find_in_text(gazetteer, text) -> [TextMention, ...]``.

Scanning never loops over the gazetteer's names. Every name is cut into word tokens, each token
reduced to its normalised key (articles dropped, Abu/Albu forms merged), and the joined keys of a
name's first 1..n tokens go into a prefix set; the full joined key maps to its places. A text's
tokens are keyed the same way (each distinct word once, cached) and slid over: at each token the
scan extends while the joined key is a known prefix and keeps the longest full match. So
"al-Bukamal", "Albu Kamal", "Abu Kamal" and "البوكمال" are found at the cost of a few dict look-ups
per word, whatever the gazetteer's size. Which place a name stands for is the gazetteer's own
index's business: a name is indexed for a place only when ``gazetteer.index`` holds that place
under it (so a bare "Homs" is the city, as for ``Gazetteer.resolve``).

Arabic words that start no name are tried again without a glued proclitic ("والجلاء", "بالبوكمال").
Hits then pass filters against false friends (common English and Arabic words that are also GeoNames
aliases, generic words such as "Tal" on their own, lower-case matches, the Arabic article on a name
the gazetteer never writes with it, outlet names such as "تلفزيون سوريا"), and are grouped into the
relative phrases :mod:`gazetteer.phrases` understands, read with the same building blocks as
:func:`gazetteer.phrases.parse`: "the eastern countryside of Homs", "between X and Y", "30 km away
from the area known as 55", "near Homs' Rastan and Talbisah". Nothing is resolved here except
misspelt names the words around them vouch for ("Deri Ezzor countryside"): the caller resolves
``TextMention.query`` (see ``Gazetteer.resolve_many`` for a whole report at once).
"""
from __future__ import annotations

import bisect
import re
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .gazetteer import Gazetteer
from .model import Place
from .normalize import (
    ABU_FORMS,
    ARTICLES,
    arabic_bare_forms,
    arabic_written,
    has_arabic_article,
    is_arabic,
    normalize,
)
from .phrases import COORDINATION, GOVERNORATE_WORDS, HEAD, PLACE_NOUN, TAIL, parse

__all__ = ["ARABIC_COMMON_WORDS", "ARABIC_OUTLETS", "COMMON_WORDS", "LEVEL_OF_TYPE", "MAX_NGRAM", "TextMention", "Tokens", "feature_level", "find_in_text",
           "tokenize"]

# --- tokens ------------------------------------------------------------------------------------
#: A word: letters/digits (Arabic short vowels included) with apostrophes inside ("Ma'arrat").
_TOKEN = re.compile(r"(?:[^\W_]|[\u064B-\u065F\u0670])+(?:['’ʼʿ`](?:[^\W_]|[\u064B-\u065F\u0670])+)*")
_POSSESSIVE = ("'s", "’s", "ʼs")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Word tokens of a text as parallel lists (cheap to build, cheap to slide over)."""

    starts: list[int]
    ends: list[int]
    words: list[str]

    def __len__(self) -> int:
        return len(self.words)

    def index_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self.starts, offset)


def tokenize(text: str, start: int = 0, end: int | None = None) -> Tokens:
    """Word tokens of ``text[start:end]`` with offsets into ``text``; a possessive "'s" is cut off
    its word ("Hama's" → "Hama")."""
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        s, e, w = m.start(), m.end(), m.group()
        if len(w) > 3 and w.endswith(_POSSESSIVE):
            e -= 2
            w = w[:-2]
        starts.append(s)
        ends.append(e)
        words.append(w)
    return Tokens(starts, ends, words)


# --- what a text mention is ---------------------------------------------------------------------
#: Feature types by level: a place of a higher level can locate (be the context of) a lower one.
LEVEL_OF_TYPE = {"country": 5, "country_part": 4, "governorate": 3, "governorate_part": 3,
                 "region": 2, "desert": 2, "mountain_range": 2, "zone": 2, "area": 2, "footprint": 2}


def feature_level(feature_type: str | None) -> int:
    """1 for a point-like place … 5 for a country (see :data:`LEVEL_OF_TYPE`)."""
    return LEVEL_OF_TYPE.get(feature_type or "", 1)


@dataclass(frozen=True, slots=True)
class TextMention:
    """A name or relative phrase found in a text, ready for ``Gazetteer.resolve(query)``.

    ``relation`` is the phrase's kind as :func:`gazetteer.phrases.parse` reads it ("near",
    "between", "distance", "countryside", "outskirts", "direction_of", "part_of", "possessive"
    for "Homs' Rastan"), ``None`` for a name; a name may still have ``parts`` when the text names a
    governorate through its capital ("the province of Homs" → query "Homs governorate").
    ``parts`` are the mentions the phrase was built from (its anchors, in text order).
    ``place_ids`` are the places the name index holds under a name, likeliest first.
    """

    start: int
    end: int
    query: str
    relation: str | None = None
    parts: tuple[TextMention, ...] = ()
    #: A locating name the phrase itself gives ("Homs" for "Homs' Rastan").
    context: str | None = None
    place_ids: tuple[str, ...] = ()
    #: Found by a fuzzy look-up (resolve it with ``fuzzy=True``).
    fuzzy: bool = False

    def names(self) -> Iterator[TextMention]:
        """The plain names this mention is built from, in text order (itself for a name)."""
        if not self.parts:
            yield self
        for p in self.parts:
            yield from p.names()


# --- false friends ------------------------------------------------------------------------------
#: Longest place name, in content tokens, the scanner tries ("Jisr ash-Shughur crossing" is 3).
MAX_NGRAM = 6
#: Common English words that are also place aliases somewhere; never a place on their own.
COMMON_WORDS = frozenset("""
a about above across after again against all also am among an and another any are around as at away back
be because been before being below between both but by can come could day days did do does down during each
east either even every few first for from further get give go good had has have he her here him his how however
i if in into is it its just know last later least less like long look made make man many may me might more most
much must my near neither never new next no nor north not now of off often old on once one only or other our out
over own part people per perhaps said same see several she should since so some south still such take than that
the their them then there these they this those though through thus time to today too two under until up upon us
use used very was way we well were west what when where whether which while who whom why will with within without
would year years yet you your army base camp city town village central border area region desert capital state
forces force group front field road river mount mountain hill valley plain lake sea port airport upper lower great
little big small high red white black green sun moon star gate bridge tower castle market mosque church school
hospital palace station dam farm spring source center centre union liberation victory peace freedom hope
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday islam muslim arab arabic english news report reports media
share read also more print email like follow home back next previous page article story comment comments reply
post posted says said told added according sources source local local government security defence defense
military officials official minister president leader leaders commander commanders forces troops fighters
militia militias units brigade division regiment battalion council committee ministry office agency observatory
coalition alliance opposition regime rebels army navy air land water oil gas power energy food aid relief camp
people children women men family families house houses farm farms bank banks gold silver iron stone rock sand
salt palm olive rose lion tiger eagle falcon wolf horse camel cat dog bird fish snake king queen prince princess
saint holy mercy grace faith light dark night morning evening summer winter spring autumn rain snow wind storm
""".split())
#: Common Arabic words that are also place aliases somewhere (as written, article included: "جديدة" is
#: "new", not Jdeidet Yabous; "البادية" stays the Syrian Desert). Never a place on their own.
ARABIC_COMMON_WORDS = frozenset(arabic_written(w) for w in """
جديدة جديد الجديدة الجديد مدينة المدينة بادية قرية القرية بلدة البلدة منطقة المنطقة ريف حي شارع مطار قاعدة
معبر حقل جبل تل عين دير بئر نهر وادي سد باب سوق مركز مخيم حدود الحدود ساحل الساحل شرق غرب شمال جنوب
سوري السوري السورية سوريين السوريين
""".split())
#: Outlet names that contain a place name ("تلفزيون سوريا" is a channel, not Syria): hits inside are dropped.
ARABIC_OUTLETS = ("تلفزيون سوريا", "تلفزيون سورية", "سوريا الآن", "السورية نت", "عنب بلدي", "بلدي نيوز",
                  "دير الزور 24", "أورينت", "المرصد السوري لحقوق الإنسان")
_AR_OUTLET = re.compile("|".join(
    r"\s*".join(re.escape(part) for part in name.split()) for name in sorted(ARABIC_OUTLETS, key=len, reverse=True)))

#: Generic toponym words: a place only as part of a longer name ("Tal Abyad", "Deir Hafer"), or
#: with an article glued on ("al-Bab").
_GENERIC_WORDS = ("tal", "tel", "tell", "tall", "deir", "dayr", "kafr", "kfar", "ain", "ayn", "ein", "jabal", "jebel",
                  "wadi", "khirbet", "khirbat", "beit", "bayt", "umm", "bir", "ras", "qasr", "sheikh", "shaykh",
                  "khan", "nahr", "bab", "hay", "haret", "harat", "souk", "suq", "mazraat", "madinat", "sahl",
                  "jisr", "marj", "rif", "reef", "qalaat", "maarat", "qaryat", "kherbet", "abu", "bu")
#: Articles that never glue to the name after them ("the Homs road", "at Tanf").
_LOOSE_ARTICLES = frozenset({"the", "at", "as", "an", "en", "es", "et", "er"})

_KEY_CACHE: dict[str, str] = {}
_KEY_CACHE_MAX = 200_000


def _token_key(word: str) -> str:
    """Normalised key of one word ('' for an article): the unit both names and texts are cut into."""
    key = _KEY_CACHE.get(word)
    if key is None:
        low = word.casefold()
        if low in ARTICLES:
            key = ""
        elif low in ABU_FORMS:
            key = "bu"
        else:
            key = normalize(word)
        if len(_KEY_CACHE) < _KEY_CACHE_MAX:
            _KEY_CACHE[word] = key
    return key


_GENERIC_KEYS = frozenset(_token_key(w) for w in _GENERIC_WORDS)

# --- the phrase grammar as contexts around a name (built from gazetteer.phrases' blocks) -------
_THE = r"(?:the\s+)?"
#: "the area known as", "the town of": between a relation's head and its anchor.
_NAMED = _THE + r"(?:" + PLACE_NOUN + r"\s+(?:known\s+as|called|of)\s+)?" + _THE


def _left(head: str, named: str = _THE) -> re.Pattern:
    return re.compile(r"(?<!\w)" + head + named + r"$", re.IGNORECASE)


def _right(tail: str) -> re.Pattern:
    return re.compile(r"^" + tail + r"\b", re.IGNORECASE)


_L_GOV = _left(HEAD["governorate"])
_R_GOV = _right(TAIL["governorate"])
#: Left contexts making a relative phrase of the name after them, tried in order; the query is the
#: phrase's own text, except where a template gives a plainer one.
_L_RELATIONS: tuple[tuple[re.Pattern, str | None], ...] = (
    (_left(HEAD["distance_dir"], _NAMED), None),
    (_left(HEAD["distance"], _NAMED), None),
    (_left(HEAD["near_border"]), "near {anchor}"),
    (_left(HEAD["near"], _NAMED), None),
    (_left(HEAD["outskirts"], _NAMED), None),
    (_left(HEAD["countryside"]), None),
    (_left(HEAD["direction_of"], _NAMED), "{direction} of {anchor}"),
)
_L_PART = _left(HEAD["part_of"])
_R_RELATIONS = (_right(TAIL["countryside_post"]), _right(TAIL["outskirts_post"]))
_L_BETWEEN = _left(HEAD["between"])
_GAP_AND = re.compile(r"^\s+and\s+" + _THE + r"$")
_GAP_COORD = re.compile(r"^" + COORDINATION + _THE + r"$")
_GAP_POSSESSIVE = re.compile(r"^['’ʼ]s?\s+$")
#: What may separate the words of one name ("Deir ez-Zor", "Tal  Abyad"); used with match(pos, endpos).
_NAME_GAP = re.compile(r"[ \t]*[-‐‑–]?[ \t]*$")
_APOSTROPHE = re.compile(r"[’ʼ‘`]")
#: One of these is near every relative phrase (a cheap test before the regexes above).
_RELATION_WORDS = ("governorate", "province", "km", "kilomet", "mile", "near", "vicinity", "around", "outskirts",
                   "close to", "next to", "countryside", "rural", "rif ", "reef", "north", "south", "east", "west",
                   "central", "border", "frontier", "line", "edge", "periphery")

# --- misspelt names the words around them vouch for --------------------------------------------
#: Right and left contexts after/before which an unknown capitalised name is worth a fuzzy look.
_R_FUZZY = re.compile(r"['’]?\s+(?:countryside|" + "|".join(GOVERNORATE_WORDS) + r"|desert|badia)\b", re.I)
_L_FUZZY = re.compile(r"\b(?:city|town|village)\s+of\s+$", re.I)
_FUZZY_WORDS = ("countryside", *GOVERNORATE_WORDS, "desert", "badia", "city of", "town of", "village of")
_FUZZY_MIN_CONFIDENCE = 0.75
_FUZZY_MIN_KEY = 5
_FUZZY_MAX_WORDS = 3


@dataclass
class _Hit:
    """A name during the scan (mutable while phrases are formed; frozen into a TextMention)."""

    start: int
    end: int
    entries: tuple[int, ...]
    fuzzy_id: str | None = None
    #: The name as the gazetteer reads it when the text glues a clitic on ("للبوكمال" -> "البوكمال").
    query: str | None = None


class _NameScan:
    """The token-key index of one gazetteer's names (see the module docstring); built once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gz = gazetteer
        self.places = gazetteer.places
        table: dict[str, list[int]] = {}
        prefixes: set[str] = set()
        for i, place in enumerate(self.places):
            for name in self._names_of(place):
                if i in gazetteer.index.exact(name):  # the gazetteer's own index decides who holds a name
                    self._add(table, prefixes, i, name)
        self._curated = frozenset(i for i, p in enumerate(self.places) if ":" not in str(p.id))
        self._ar_article_keys = self._arabic_article_keys(table)
        self.table = {k: tuple(self._likeliest_first(v)) for k, v in table.items()}
        self.prefixes = frozenset(prefixes)

    def _arabic_article_keys(self, table: dict[str, list[int]]) -> frozenset[str]:
        """Keys of Arabic names the gazetteer writes with the article ("الجلاء"): a text writing the
        article vouches for a short key, and one writing it where the gazetteer never does is an
        adjective ("السورية") or a common word ("الجديدة"), not the article-less name."""
        out: set[str] = set()
        for place in self.places:
            for name in place.aliases:
                if not is_arabic(name):
                    continue
                words = tokenize(name).words
                if words and has_arabic_article(arabic_written(words[0])):
                    key = "".join(k for k in map(_token_key, words) if k)
                    if key in table:
                        out.add(key)
        return frozenset(out)

    @staticmethod
    def _names_of(place: Place) -> tuple[str, ...]:
        if place.feature_type == "governorate":
            return (place.name, *place.aliases, *(f"{place.name} {w}" for w in GOVERNORATE_WORDS))
        return (place.name, *place.aliases)

    @staticmethod
    def _add(table: dict[str, list[int]], prefixes: set[str], entry: int, name: str) -> None:
        keys = [k for k in map(_token_key, tokenize(name).words) if k]
        if not keys or len(keys) > MAX_NGRAM:
            return
        bucket = table.setdefault("".join(keys), [])
        if entry not in bucket:
            bucket.append(entry)
        acc = ""
        for k in keys:
            acc += k
            prefixes.add(acc)

    def _likeliest_first(self, entries: list[int]) -> list[int]:
        """Curated places before imported ones, then by population (the order a fallback picks in)."""
        return sorted(entries, key=lambda e: (not self.curated(e), -(self.places[e].population or 0)))

    def curated(self, entry: int) -> bool:
        """Curated place ids are plain words; imported ones carry their source ("gn:123")."""
        return entry in self._curated

    def level(self, entries: Sequence[int]) -> int:
        return feature_level(self.places[entries[0]].feature_type) if entries else 1

    def governorate_named(self, name: str) -> int | None:
        """The governorate the index holds under "<name> governorate", if any."""
        for word in GOVERNORATE_WORDS:
            for e in self.gz.index.exact(f"{name} {word}"):
                if self.places[e].feature_type == "governorate":
                    return e
        return None

    # --- the scan --------------------------------------------------------------------------------
    def hits(self, text: str, toks: Tokens) -> list[_Hit]:
        """Longest-match name hits that pass the false-friend filters."""
        words, starts, ends = toks.words, toks.starts, toks.ends
        keys = [_token_key(w) for w in words]
        out = []
        i, n = 0, len(words)
        while i < n:
            best = self._longest(text, toks, keys, i)
            if best < 0:
                hit, best = self._bare_hit(text, toks, keys, i)
                if hit is not None:
                    out.append(hit)
                i = max(i, best) + 1
                continue
            entries = self.table["".join(keys[i:best + 1])]
            glued = self._glued_article(text, toks, keys, i)
            if self._plausible(words[i:best + 1], keys[i:best + 1], entries, glued):
                out.append(_Hit(starts[i - 1] if glued else starts[i], ends[best], entries))
            i = best + 1
        return out

    def _bare_hit(self, text: str, toks: Tokens, keys: list[str], i: int) -> tuple[_Hit | None, int]:
        """A name with Arabic proclitics glued on ("والجلاء", "بالبوكمال"), tried only when the whole
        word starts no name, so a name's own first letter is never cut. Returns the hit (or None)
        and the index of its last token (``i`` - 1 when no bare form starts a name)."""
        word = toks.words[i]
        if not is_arabic(word):
            return None, i - 1
        for cut, form in arabic_bare_forms(word):
            first = _token_key(form)
            best = self._longest(text, toks, keys, i, first)
            if best < 0:
                continue
            entries = self.table[first + "".join(keys[i + 1:best + 1])]
            words = [form, *toks.words[i + 1:best + 1]]
            if not self._plausible(words, [first, *keys[i + 1:best + 1]], entries, False):
                return None, best
            start = toks.starts[i] + cut
            query = form + text[toks.ends[i]:toks.ends[best]]
            return _Hit(start, toks.ends[best], entries, query=None if query == text[start:toks.ends[best]] else query), best
        return None, i - 1

    def _longest(self, text: str, toks: Tokens, keys: list[str], i: int, first: str | None = None) -> int:
        """Index of the last token of the longest name starting at token ``i`` (-1: none); ``first``
        stands for the first token's key (a word read without its clitic)."""
        key = keys[i] if first is None else first
        prefixes, table = self.prefixes, self.table
        if not key or key not in prefixes:
            return -1
        joined, j, best, count = key, i, (i if key in table else -1), 1
        while count < MAX_NGRAM and j + 1 < len(keys) and _NAME_GAP.match(text, toks.ends[j], toks.starts[j + 1]):
            j += 1
            if not keys[j]:
                continue
            joined += keys[j]
            count += 1
            if joined not in prefixes:
                break
            if joined in table:
                best = j
        return best

    @staticmethod
    def _glued_article(text: str, toks: Tokens, keys: list[str], i: int) -> bool:
        """An article written onto the name ("al-Bab", "Al Bab") belongs to it; "the" never does."""
        if i == 0 or keys[i - 1]:
            return False
        article = toks.words[i - 1]
        low = article.casefold()
        gap = text[toks.ends[i - 1]:toks.starts[i]]
        return (low != "the" and gap in ("-", "‐", "‑")) or (
            gap == " " and (article[:1].isupper() or low in ("al", "el")) and low not in _LOOSE_ARTICLES)

    def _plausible(self, words: Sequence[str], keys: Sequence[str], entries: Sequence[int], glued: bool) -> bool:
        """False friends out: lower-case Latin hits, common words, bare generic words, tiny keys."""
        content = [w for w, k in zip(words, keys) if k]
        if not content:
            return False
        curated = any(self.curated(e) for e in entries)
        if any(is_arabic(w) for w in content):
            return self._plausible_arabic(content, "".join(k for k in keys if k), curated)
        if not any(w[:1].isupper() or w[:1].isdigit() for w in content):
            return False
        if len(content) > 1:
            return True
        word, key = content[0], next(k for k in keys if k)
        if word.casefold() in COMMON_WORDS or (key in _GENERIC_KEYS and not glued):
            return False
        if any(ch.isdigit() for ch in word):
            return curated
        return len(key) >= (3 if curated else 4)

    def _plausible_arabic(self, content: Sequence[str], key: str, curated: bool) -> bool:
        """Arabic false friends out: common words alone, the article where the name has none (the
        nisba "السورية" is Syrian, not Syria), tiny keys unless the gazetteer writes them so ("الجلاء")."""
        first = arabic_written(content[0])
        if len(content) == 1 and first in ARABIC_COMMON_WORDS:
            return False
        article = has_arabic_article(first)
        if article and key not in self._ar_article_keys:
            return False
        return len(key) >= (3 if curated else 4) or (article and len(key) >= 2)

    def fuzzy_hits(self, text: str, toks: Tokens, hits: list[_Hit]) -> list[_Hit]:
        """Misspelt names ("Deri Ezzor") where the words around them say a place must be.

        A run of capitalised words before "countryside"/"governorate"/... (or after "the town of")
        that the exact scan did not cover as a whole is looked up fuzzily; a confident answer
        replaces the exact hits inside the run ("Deri" alone is another town).
        """
        if not toks.words:
            return hits
        low = text[toks.starts[0]:toks.ends[-1]].casefold()
        if not any(word in low for word in _FUZZY_WORDS):
            return hits
        hits = list(hits)
        i, n = 0, len(toks.words)
        while i < n:
            j = self._capitalised_run(text, toks, hits, i)
            if j >= i:
                found = self._fuzzy_run(text, toks, hits, i, j)
                if found is not None:
                    hits = [h for h in hits if not (h.start < found.end and found.start < h.end)] + [found]
            i = max(i, j) + 1
        return hits

    @staticmethod
    def _capitalised_run(text: str, toks: Tokens, hits: list[_Hit], i: int) -> int:
        """Last token of the capitalised run starting at ``i`` (-1 when none starts there)."""
        word = toks.words[i]
        covering = next((h for h in hits if h.start <= toks.starts[i] < h.end), None)
        if not word[:1].isupper() or is_arabic(word) or (
                covering is not None and " " in text[covering.start:covering.end].strip()):
            return -1
        j = i
        while j + 1 < len(toks.words) and j - i < _FUZZY_MAX_WORDS - 1 and toks.words[j + 1][:1].isupper() and \
                _NAME_GAP.match(text, toks.ends[j], toks.starts[j + 1]):
            j += 1
        return j

    def _fuzzy_run(self, text: str, toks: Tokens, hits: list[_Hit], i: int, j: int) -> _Hit | None:
        s, e = toks.starts[i], toks.ends[j]
        if any(h.start <= s and h.end >= e for h in hits):
            return None
        if not (_R_FUZZY.match(text, e) or _L_FUZZY.search(text, max(0, s - 20), s)):
            return None
        name = text[s:e]
        if name.casefold() in COMMON_WORDS or len(normalize(name)) < _FUZZY_MIN_KEY:
            return None
        res = self.gz.resolve(name, fuzzy=True)
        if not res.resolved or res.id is None or res.confidence < _FUZZY_MIN_CONFIDENCE:
            return None
        return _Hit(s, e, (), fuzzy_id=res.id)


_SCANS: weakref.WeakKeyDictionary[Gazetteer, _NameScan] = weakref.WeakKeyDictionary()


def _scan_of(gazetteer: Gazetteer) -> _NameScan:
    """The gazetteer's token-key index, built on first use and kept as long as the gazetteer lives."""
    scan = _SCANS.get(gazetteer)
    if scan is None:
        scan = _SCANS[gazetteer] = _NameScan(gazetteer)
    return scan


# --- phrases --------------------------------------------------------------------------------------
@dataclass
class _Unit:
    """A mention while phrases are being formed."""

    mention: TextMention
    level: int = 1
    governorate: bool = False


class _Phrases:
    """Groups one text's names into the relative phrases of :mod:`gazetteer.phrases`."""

    def __init__(self, scan: _NameScan, text: str, start: int, end: int):
        self.scan, self.text, self.start, self.end = scan, text, start, end

    def name(self, hit: _Hit) -> _Unit:
        query = hit.query or self.text[hit.start:hit.end]
        if hit.fuzzy_id is not None:
            place = self.scan.gz[hit.fuzzy_id]
            return _Unit(TextMention(hit.start, hit.end, query, place_ids=(hit.fuzzy_id,), fuzzy=True),
                         feature_level(place.feature_type), place.feature_type == "governorate")
        ids = tuple(self.scan.places[e].id for e in hit.entries)
        top = self.scan.places[hit.entries[0]].feature_type
        return _Unit(TextMention(hit.start, hit.end, query, place_ids=ids), feature_level(top), top == "governorate")

    def possessives(self, units: list[_Unit]) -> list[_Unit]:
        """"Homs' Rastan": one mention the gazetteer reads as Rastan in Homs."""
        out: list[_Unit] = []
        for u in units:
            prev = out[-1].mention if out else None
            m = u.mention
            if prev is not None and not prev.parts and _GAP_POSSESSIVE.match(self.text[prev.end:m.start]):
                merged = TextMention(prev.start, m.end, self.text[prev.start:m.end], "possessive", (prev, m),
                                     context=prev.query, place_ids=m.place_ids)
                out[-1] = _Unit(merged, u.level, u.governorate)
                continue
            out.append(u)
        return out

    def relation(self, u: _Unit) -> _Unit:
        """Extend one mention into the relative phrase around it, if any."""
        m, text = u.mention, self.text
        left = text[max(self.start, m.start - 100):m.start]
        right = text[m.end:min(self.end, m.end + 40)]
        low = (left[-60:] + " " + right).casefold()
        if not any(word in low for word in _RELATION_WORDS):  # most names stand alone
            return u
        lm, rm = _L_GOV.search(left), _R_GOV.match(right)
        if lm or rm:
            return self._governorate(u, left, lm, rm)
        for rx, template in _L_RELATIONS:
            lm = rx.search(left)
            if lm:
                s = m.start - (len(left) - lm.start())
                direction = " ".join((lm.groupdict().get("direction") or "").split())
                query = template.format(anchor=m.query, direction=direction) if template else text[s:m.end]
                return self._phrase(s, m.end, query, u)
        rm = next((r for rx in _R_RELATIONS if (r := rx.match(right))), None)
        lm = _L_PART.search(left)
        if rm:
            s = m.start - (len(left) - lm.start()) if lm else m.start
            return self._phrase(s, m.end + rm.end(), text[s:m.end + rm.end()], u)
        if lm and (u.level >= 3 or "countryside" in m.query.casefold()):
            s = m.start - (len(left) - lm.start())
            return self._phrase(s, m.end, text[s:m.end], u)
        return u

    def _governorate(self, u: _Unit, left: str, lm: re.Match | None, rm: re.Match | None) -> _Unit:
        """"the province of Homs", "Homs governorate": the governorate, when the index has one of that name."""
        m = u.mention
        entry = self.scan.governorate_named(m.query)
        if entry is None:
            return u
        s = m.start - (len(left) - lm.start()) if lm else m.start
        e = m.end + (rm.end() if rm and not lm else 0)
        gov = TextMention(s, e, f"{m.query} {GOVERNORATE_WORDS[0]}", None, (m,),
                          place_ids=(self.scan.places[entry].id,))
        return _Unit(gov, 3, True)

    @staticmethod
    def _phrase(start: int, end: int, query: str, u: _Unit) -> _Unit:
        query = _APOSTROPHE.sub("'", " ".join(query.split()))  # the gazetteer reads "Homs' Rastan", not "Homs’ Rastan"
        rel = parse(query)
        if rel is None or rel.kind == "possessive":
            return u
        return _Unit(TextMention(start, end, query, rel.kind, (u.mention,)), 2)

    def between(self, units: list[_Unit]) -> list[_Unit]:
        """"between X and Y" (two names, one phrase)."""
        out: list[_Unit] = []
        i = 0
        while i < len(units):
            a = units[i].mention
            b = units[i + 1].mention if i + 1 < len(units) else None
            if b is not None and _GAP_AND.match(self.text[a.end:b.start]):
                left = self.text[max(self.start, a.start - 60):a.start]
                lm = _L_BETWEEN.search(left)
                if lm:
                    s = a.start - (len(left) - lm.start())
                    query = _APOSTROPHE.sub("'", " ".join(self.text[s:b.end].split()))
                    rel = parse(query)
                    if rel is not None and rel.kind == "between":
                        out.append(_Unit(TextMention(s, b.end, query, "between", (a, b)), 2))
                        i += 2
                        continue
            out.append(units[i])
            i += 1
        return out

    def distribute(self, units: list[_Unit]) -> list[_Unit]:
        """"near Homs' Rastan and Talbisah": a name coordinated with a phrase shares its relation."""
        out = list(units)
        for k in range(1, len(out)):
            a, b = out[k - 1], out[k]
            am, bm = a.mention, b.mention
            if bm.relation or bm.parts or am.relation in ("between", "possessive"):
                continue
            if not _GAP_COORD.match(self.text[am.end:bm.start]):
                continue
            kind = am.relation
            if kind is None and a.governorate and "countryside" in am.query.casefold():
                kind = "countryside"
            query = self._shared(kind, bm.query, b.level)
            if query is not None:
                out[k] = _Unit(TextMention(bm.start, bm.end, query, kind, (bm,)), 2)
        return out

    @staticmethod
    def _shared(kind: str | None, name: str, level: int) -> str | None:
        """The phrase a coordinated name is read as, when it shares ``kind``."""
        if kind == "near":
            return f"near {name}"
        if kind == "countryside" and level == 1:
            return f"the countryside of {name}"
        if kind == "outskirts":
            return f"outskirts of {name}"
        return None


def _outside_outlets(text: str, hits: list[_Hit], start: int, end: int) -> list[_Hit]:
    """Hits outside outlet names: "تلفزيون سوريا" credits a channel, it does not place the report."""
    if not hits or not is_arabic(text[start:end]):
        return hits
    spans = [(m.start(), m.end()) for m in _AR_OUTLET.finditer(text, start, end)]
    if not spans:
        return hits
    return [h for h in hits if not any(s < h.end and h.start < e for s, e in spans)]


def find_in_text(gazetteer: Gazetteer, text: str, *, start: int = 0, end: int | None = None,
                 fuzzy: bool = True) -> list[TextMention]:
    """Place names and relative phrases in ``text[start:end]``, in text order.

    Longest match over the gazetteer's names (Latin and Arabic script), false friends filtered
    out, relative phrases grouped; ``fuzzy`` also looks up misspelt names where the words around
    them say a place must be. Offsets index ``text`` itself. Nothing but those misspellings is
    resolved: give each mention's ``query`` to ``Gazetteer.resolve`` (or a report's to
    ``Gazetteer.resolve_many``).
    """
    end = len(text) if end is None else end
    scan = _scan_of(gazetteer)
    toks = tokenize(text, start, end)
    hits = _outside_outlets(text, scan.hits(text, toks), start, end)
    if fuzzy:
        hits = scan.fuzzy_hits(text, toks, hits)
    if not hits:
        return []
    phrases = _Phrases(scan, text, start, end)
    units = [phrases.name(h) for h in sorted(hits, key=lambda h: h.start)]
    units = phrases.possessives(units)
    units = [phrases.relation(u) for u in units]
    units = phrases.between(units)
    units = phrases.distribute(units)
    return [u.mention for u in units]
