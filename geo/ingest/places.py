"""Finding the places a report names: an n-gram scanner over the gazetteer, then relations.

Scanning never loops over the gazetteer's names.  Every name is cut into word tokens, each token
reduced to the gazetteer's own normalised key (:func:`gazetteer.normalize`, articles dropped), and
the joined keys of a name's first 1..n tokens go into a prefix set; the full joined key maps to
its places.  A report's tokens are keyed the same way (each distinct word once, cached) and slid
over: at each token the scanner extends while the joined key is a known prefix and keeps the
longest full match.  So "al-Bukamal", "Albu Kamal" and "Abu Kamal" meet on one key, and the cost
is a few dict look-ups per word, whatever the gazetteer's size.

Hits then pass filters against false friends (common English words that are also GeoNames
aliases, generic words such as "Tal" on their own, lower-case matches), and are grouped into the
relative phrases the gazetteer understands ("the eastern countryside of Homs", "between X and Y",
"30 km away from the area known as 55", "near Homs' Rastan and Talbisah").  Roles say how a place
is used in its sentence: the place of the event, the context locating another place ("al-Bukamal
in Deir ez-Zor"), an anchor of a relative phrase, a dateline.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from gazetteer import normalize
from gazetteer.normalize import ABU_FORMS, ARTICLES, is_arabic  # the gazetteer's own vocabulary
from gazetteer.phrases import DIRECTION, DIRECTION_ADJ, parse

from geo.ingest.text import Tokens

#: Longest place name, in content tokens, the scanner tries ("Jisr ash-Shughur crossing" is 3).
MAX_NGRAM = 6
#: Feature types by level: a place of a higher level can locate (be the context of) a lower one.
_LEVEL_OF_TYPE = {"country": 5, "country_part": 4, "governorate": 3, "governorate_part": 3,
                  "region": 2, "desert": 2, "mountain_range": 2, "zone": 2, "area": 2, "footprint": 2}

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
#: Generic toponym words: a place only as part of a longer name ("Tal Abyad", "Deir Hafer"), or
#: with an article glued on ("al-Bab").
_GENERIC_WORDS = ("tal", "tel", "tell", "tall", "deir", "dayr", "kafr", "kfar", "ain", "ayn", "ein", "jabal", "jebel",
                  "wadi", "khirbet", "khirbat", "beit", "bayt", "umm", "bir", "ras", "qasr", "sheikh", "shaykh",
                  "khan", "nahr", "bab", "hay", "haret", "harat", "souk", "suq", "mazraat", "madinat", "sahl",
                  "jisr", "marj", "tell", "rif", "reef", "qalaat", "maarat", "qaryat", "kherbet", "abu", "bu")

#: What may separate the words of one name ("Deir ez-Zor", "Tal  Abyad"); used with match(pos, endpos).
_NAME_GAP = re.compile(r"[ \t]*[-‐‑–]?[ \t]*$")

# Left contexts (the text just before a name) that turn it into a relative phrase.
_ABOUT = (r"(?:\b(?:about|approximately|approx\.?|around|roughly|some|nearly|almost|less\s+than|more\s+than|over|"
          r"up\s+to)\s+)?")
_L_GOV = re.compile(r"(?:\bthe\s+)?(?:\b(?:" + DIRECTION_ADJ + r")\s+)?\b(?:governorate|province)\s+of\s+(?:the\s+)?$", re.I)
_L_DIST = re.compile(_ABOUT + r"\b\d+(?:[.,]\d+)?\s*-?\s*(?:km|kms|kilomet(?:er|re)s?|miles?)\s+(?:away\s+)?"
                     r"(?:(?:to\s+the\s+)?(?:" + DIRECTION + r")\s+of|from|of|off|outside)\s+(?:the\s+)?"
                     r"(?:(?:area|region|town|village|city|base|camp)\s+(?:known\s+as|called|of)\s+)?$", re.I)
_L_NEAR_BORDER = re.compile(r"\bnear\s+(?:the\s+)?(?:borders?|frontier|front\s*lines?|line)\s+(?:with|of)\s+"
                            r"(?:the\s+)?(?:occupied\s+)?$", re.I)
_L_NEAR = re.compile(r"\b(?:near|nearby|close\s+to|next\s+to|(?:in\s+)?the\s+vicinity\s+of|vicinity\s+of|around|"
                     r"(?:on\s+)?the\s+outskirts\s+of|outskirts\s+of)\s+(?:the\s+)?"
                     r"(?:(?:village|town|city|area|region)\s+of\s+)?(?:the\s+)?$", re.I)
_L_COUNTRYSIDE = re.compile(r"(?:\bthe\s+)?(?:\b(?:" + DIRECTION_ADJ + r")\s+)?\b(?:countryside|countrysides|rural\s+areas?|"
                            r"rif|reef)\s+of\s+(?:the\s+)?$", re.I)
_L_DIRECTION = re.compile(r"(?:\b(?:a|an|the)\s+)?(?:\b(?:region|area|areas|villages?|towns?|positions?|parts?)\s+)?"
                          r"(?:\bto\s+the\s+)?\b(" + DIRECTION + r")\s+of\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$",
                          re.I)
_L_DIRADJ = re.compile(r"(?:\bthe\s+)?\b(?:" + DIRECTION_ADJ + r")\s+(?:part\s+of\s+(?:the\s+)?)?$", re.I)
_R_COUNTRYSIDE = re.compile(r"^['’]?\s+(?:(?:" + DIRECTION_ADJ + r")\s+)?countryside\b", re.I)
_R_OUTSKIRTS = re.compile(r"^(?:['’]s?)?\s+outskirts\b", re.I)
_R_GOV = re.compile(r"^\s+(?:governorate|province)\b", re.I)
_L_BETWEEN = re.compile(r"\b(?:between|connecting)\s+(?:the\s+(?:towns?|villages?|cities|areas?)\s+of\s+)?(?:the\s+)?$",
                        re.I)
_GAP_AND = re.compile(r"^\s+and\s+(?:the\s+)?$")
_GAP_COORD = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*,\s*as\s+well\s+as\s+)(?:the\s+)?$")
_GAP_POSSESSIVE = re.compile(r"^['’ʼ]s?\s+$")
_GAP_CONTAINED = re.compile(r"^(?:\s*,\s*(?:in\s+)?|\s+in\s+|\s+of\s+|\s+inside\s+)(?:the\s+)?$")
_GAP_APPOSITION = re.compile(r"^(?:\s+(?:area|village|town|city|region|district|base|camp))?\s*,\s*"
                             r"(?:(?:located|situated|lying|which\s+is|that\s+is)\s+)?$")
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|into|inside|to|from|across|through|throughout|toward|towards|within|via|"
                              r"out\s+of|over|at|near|around|entered|reached|left|visit(?:ed)?|via)\s+(?:the\s+)?$",
                              re.I)
_CAPITAL_ACTS = re.compile(r"\s+(?:has|had|have|is|was|announced|said|says|decided|declared|denied|insisted|claimed|"
                           r"warned|accused|agreed|coordinating|sent|wants|rejected|confirmed)\b", re.I)
_SOURCE_CLAUSE = re.compile(r"\baccording\s+to\b[^,;.()“”\"]*$", re.I)
_SAYS_AFTER = re.compile(r"\s+(?:said|say|says|told|reported)\b", re.I)
_CAPITAL_OF = re.compile(r"\bthe\s+(Iraqi|Syrian|Lebanese|Iranian|Jordanian|Turkish|Russian|Israeli)\s+capital\b")
_DEMONYM_COUNTRY = {"iraqi": "Iraq", "syrian": "Syria", "lebanese": "Lebanon", "iranian": "Iran",
                    "jordanian": "Jordan", "turkish": "Turkey", "russian": "Russia", "israeli": "Israel"}
#: Right contexts after which an unknown capitalised name is worth a fuzzy look ("Deri Ezzor countryside").
_R_FUZZY = re.compile(r"['’]?\s+(?:countryside|governorate|province|desert|badia)\b", re.I)
_L_FUZZY = re.compile(r"\b(?:city|town|village)\s+of\s+$", re.I)
_FUZZY_MIN_CONFIDENCE = 0.75

_APOSTROPHE = re.compile(r"[’ʼ‘`]")

#: Words one of which is near every relative phrase (a prefilter before the regexes above).
_RELATION_WORDS = ("governorate", "province", "km", "kilomet", "mile", "near", "vicinity", "around", "outskirts",
                   "close to", "next to", "countryside", "rural", "rif ", "reef", "north", "south", "east", "west",
                   "central", "border", "frontier", "line")
_FUZZY_WORDS = ("countryside", "governorate", "province", "desert", "badia", "city of", "town of", "village of")

_KEY_CACHE: dict[str, str] = {}
_ARTICLE = ""


def token_key(word: str) -> str:
    """Normalised key of one word ('' for an article): the unit both names and texts are cut into."""
    key = _KEY_CACHE.get(word)
    if key is None:
        low = word.casefold()
        if low in ARTICLES:
            key = _ARTICLE
        elif low in ABU_FORMS:
            key = "bu"
        else:
            key = normalize(word) or _ARTICLE
        if len(_KEY_CACHE) < 200_000:
            _KEY_CACHE[word] = key
    return key


_GENERIC_KEYS = frozenset(token_key(w) for w in _GENERIC_WORDS)


def _name_keys(name: str) -> list[str]:
    from geo.ingest.text import tokenize

    keys = [token_key(w) for w in tokenize(name).words]
    return [k for k in keys if k]


def _descendants(m: Mention) -> list[Mention]:
    """The name units a phrase was built from, depth first (anchors, contexts, fallbacks)."""
    out: list[Mention] = []
    for p in m.parts:
        if p.role != "unresolved":
            out.append(p)
        out.extend(_descendants(p))
    return out


def resolution_keys(res: Any) -> frozenset[str]:
    """Identities a resolved place stands for: its place id, or for a relative phrase its anchors
    (and, for "the countryside of X", the governorate it is cut from)."""
    if res.id:
        return frozenset({res.id})
    parse_ = res.parse or {}
    keys = {str(a) for a in parse_.get("anchors", ())}
    if parse_.get("relation") == "countryside":
        keys.update(g for g in parse_.get("governorates", ()) if g)
    return frozenset(keys)


def level_of(res: Any) -> int:
    """1 for a point-like place … 5 for a country (see ``_LEVEL_OF_TYPE``)."""
    ftype = getattr(res, "feature_type", None)
    if ftype == "country_part" or (ftype == "footprint" and (res.parse or {}).get("relation") == "part_of"):
        return 4
    return _LEVEL_OF_TYPE.get(ftype or "", 1)


#: What a name does in its sentence: the place of the event; the context locating another place
#: ("al-Bukamal in Deir ez-Zor"); an anchor of a relative phrase; a dateline; an actor ("Iraq
#: sent"); a possessor ("Homs' Rastan"); where the story came from ("activists in Deir Ezzour
#: said"); or a phrase that did not resolve (its parts stand in for it).
MentionRole = Literal["place", "context", "anchor", "dateline", "actor", "possessor", "source", "unresolved"]


@dataclass(eq=False)
class Mention:
    """A place named in the report: its span, the query given to the gazetteer and its answer."""

    start: int
    end: int
    query: str
    res: Any = None
    role: MentionRole = "place"
    context: str | None = None
    relation: str | None = None
    sentence: int = -1
    #: Name units this phrase was built from (for "between X and Y", the X and Y mentions).
    parts: list[Mention] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def level(self) -> int:
        if self.res is not None and self.res.resolved:
            return level_of(self.res)
        return {"countryside": 3, "part_of": 4}.get(self.relation or "", 2 if self.relation else 1)

    @property
    def resolved(self) -> bool:
        return self.res is not None and self.res.resolved

    @property
    def place_id(self) -> str | None:
        return self.res.id if self.resolved else None

    def keys(self) -> frozenset[str]:
        """Identities a mention stands for (see :func:`resolution_keys`)."""
        return resolution_keys(self.res) if self.resolved else frozenset()

    @property
    def record_place(self) -> str:
        """What a record's ``place`` field should hold: the place id, else the phrase."""
        return self.res.id if self.resolved and self.res.id else self.query


class PlaceFinder:
    """Finds and resolves place mentions; build once per gazetteer (the index is the costly part)."""

    def __init__(self, gazetteer: Any):
        self.gz = gazetteer
        places = list(gazetteer.places)
        self._places = places
        self._curated = frozenset(i for i, p in enumerate(places) if not str(p.id).startswith("gn:"))
        table: dict[str, list[int]] = {}
        prefixes: set[str] = set()

        def add(i: int, names: Sequence[str], only_new: bool = False) -> None:
            for name in names:
                keys = _name_keys(name)
                if not keys or len(keys) > MAX_NGRAM:
                    continue
                joined = "".join(keys)
                if only_new and joined in table and i not in table[joined]:
                    continue
                bucket = table.setdefault(joined, [])
                if i not in bucket:
                    bucket.append(i)
                acc = ""
                for k in keys:
                    acc += k
                    prefixes.add(acc)

        # Same precedence as the gazetteer's own index: a bare "Homs" is the city, not the governorate.
        for i, p in enumerate(places):
            if p.feature_type != "governorate":
                add(i, (p.name, *p.aliases))
        for i, p in enumerate(places):
            if p.feature_type == "governorate":
                add(i, (f"{p.name} governorate", f"{p.name} province"))
                add(i, (p.name, *p.aliases), only_new=True)
        self._table = {k: tuple(v) for k, v in table.items()}
        self._prefixes = frozenset(prefixes)
        self._cache: dict[tuple[str, str | None, bool], Any] = {}
        self._capitals = {p.country: p for p in places if p.feature_type == "capital" and p.country}

    @property
    def name_count(self) -> int:
        return len(self._table)

    def clear_cache(self) -> None:
        """Forget resolved answers (the benchmark measures cold documents with it)."""
        self._cache.clear()

    def resolve(self, query: str, context: str | None = None, *, fuzzy: bool = False) -> Any:
        """The gazetteer's answer, cached per (query, context) across documents."""
        key = (" ".join(query.split()), context, fuzzy)
        hit = self._cache.get(key)
        if hit is None:
            hit = self.gz.resolve(key[0], context=context, fuzzy=fuzzy)
            self._cache[key] = hit
        return hit

    # --- the scan ----------------------------------------------------------------------------
    def hits(self, text: str, toks: Tokens, lo: int, hi: int) -> list[tuple[int, int, tuple[int, ...]]]:
        """Longest-match name hits ``(start, end, place indices)`` among tokens ``lo``..``hi``."""
        words, starts, ends = toks.words, toks.starts, toks.ends
        keys = [token_key(w) for w in words[lo:hi]]
        prefixes, table = self._prefixes, self._table
        out = []
        i = 0
        n = hi - lo
        while i < n:
            key = keys[i]
            if not key or key not in prefixes:
                i += 1
                continue
            joined, j, best, count = key, i, (i if key in table else -1), 1
            while count < MAX_NGRAM and j + 1 < n and _NAME_GAP.match(text, ends[lo + j], starts[lo + j + 1]):
                j += 1
                if not keys[j]:
                    continue
                joined += keys[j]
                count += 1
                if joined not in prefixes:
                    break
                if joined in table:
                    best = j
            if best < 0:
                i += 1
                continue
            entries = table["".join(k for k in keys[i:best + 1] if k)]
            start = starts[lo + i]
            glued = False
            if i > 0 and not keys[i - 1]:
                article = words[lo + i - 1]
                gap = text[ends[lo + i - 1]:start]
                if article.casefold() != "the" and gap in ("-", "‐", "‑") or (
                        gap == " " and (article[:1].isupper() or article.casefold() in ("al", "el"))
                        and article.casefold() not in ("the", "at", "as", "an", "en", "es", "et", "er")):
                    start = starts[lo + i - 1]
                    glued = True
            if self._plausible(words[lo + i:lo + best + 1], keys[i:best + 1], entries, glued):
                out.append((start, ends[lo + best], entries))
            i = best + 1
        return out

    def _plausible(self, words: Sequence[str], keys: Sequence[str], entries: Sequence[int], glued: bool) -> bool:
        """False friends out: lower-case Latin hits, common words, bare generic words, tiny keys."""
        content = [w for w, k in zip(words, keys) if k]
        if not content:
            return False
        if any(is_arabic(w) for w in content):
            return len("".join(k for k in keys if k)) >= (3 if any(e in self._curated for e in entries) else 4)
        if not any(w[:1].isupper() or w[:1].isdigit() for w in content):
            return False
        if len(content) > 1:
            return True
        word, key = content[0], [k for k in keys if k][0]
        curated = any(e in self._curated for e in entries)
        if word.casefold() in COMMON_WORDS:
            return False
        if key in _GENERIC_KEYS and not glued:
            return False
        if any(ch.isdigit() for ch in word):
            return curated
        return len(key) >= (3 if curated else 4)

    # --- one sentence ------------------------------------------------------------------------
    def mentions(self, text: str, toks: Tokens, start: int, end: int, *, sentence: int = -1,
                 datelines: Sequence[tuple[int, int]] = (),
                 actor_spans: Sequence[tuple[int, int]] = ()) -> list[Mention]:
        """Place mentions of ``text[start:end]`` with relations and roles worked out.

        ``actor_spans`` are the sentence's actor names: a country or capital standing for its
        government ("Iran and Russia are preparing ...", "Moscow announced") is an actor there.
        """
        lo, hi = toks.index_at(start), toks.index_at(end)
        units: list[Mention] = []
        for hs, he, _entries in self.hits(text, toks, lo, hi):
            res = self.resolve(text[hs:he])
            if not res.resolved:
                res = self._by_entries(_entries)
            if res is not None and res.resolved:
                units.append(Mention(hs, he, text[hs:he], res, sentence=sentence))
        units.extend(self._capital_of(text, start, end, sentence, units))
        units.extend(self._fuzzy(text, toks, lo, hi, units, sentence))
        if not units:
            return []
        units.sort(key=lambda m: m.start)
        for m in units:
            if any(a <= m.start < b for a, b in datelines):
                m.role = "dateline"
        for m in units:  # "according to activists in Deir Ezzour": where the story came from
            if m.role == "place" and (_SOURCE_CLAUSE.search(text, start, m.start) or _SAYS_AFTER.match(text, m.end, end)):
                m.role = "source"
        live = [m for m in units if m.role == "place"]
        self._actor_roles(text, start, live, actor_spans)
        live = [m for m in live if m.role == "place"]
        live = self._possessives(text, live)
        live = [self._relation(text, start, m) for m in live]
        live = self._between(text, start, live)
        self._distribute(text, end, live)
        self._coordinate_levels(text, live)
        self._contexts(text, live)
        self._resolve_phrases(live)
        out: list[Mention] = []
        for m in sorted(live + [u for u in units if u.role in ("dateline", "actor", "source")], key=lambda m: m.start):
            if m.role != "unresolved":
                out.append(m)
            parts = _descendants(m)
            if m.role == "context":  # what locates a place is context all the way down
                for p in parts:
                    p.role = "context" if p.role == "anchor" else p.role
            out.extend(parts)
        return [m for m in out if m.resolved]

    def _actor_roles(self, text: str, sent_start: int, units: list[Mention],
                     actor_spans: Sequence[tuple[int, int]]) -> None:
        """Countries and capitals used as actors, not as places (see :meth:`mentions`)."""
        located: list[Mention] = []
        for k, m in enumerate(units):
            ftype = m.res.feature_type
            if ftype not in ("country", "capital"):
                continue
            left = text[max(sent_start, m.start - 40):m.start]
            prev = units[k - 1] if k else None
            if _LOCATIVE_BEFORE.search(left) or (
                    prev is not None and prev in located and _GAP_COORD.match(text[prev.end:m.start])):
                located.append(m)
                continue
            overlaps = any(a < m.end and m.start < b for a, b in actor_spans)
            near_actor = any(_GAP_COORD.match(text[b:m.start]) or _GAP_COORD.match(text[m.end:a])
                             for a, b in actor_spans if b <= m.start or a >= m.end) or (
                prev is not None and prev.role == "actor" and _GAP_COORD.match(text[prev.end:m.start]))
            if ftype == "capital":
                acts = _CAPITAL_ACTS.match(text, m.end) or re.search(r"\bwith\s+$", left)
                if acts or overlaps:
                    m.role = "actor"
            elif overlaps or near_actor:
                m.role = "actor"

    def country_name(self, res: Any) -> str | None:
        """The country a country or capital answer stands for (to name the actor behind it)."""
        if res.feature_type == "country":
            return res.name
        code = getattr(res.place, "country", None)
        if code is None:
            return None
        country = next((p for p in self._places if p.feature_type == "country" and p.country == code), None)
        return country.name if country is not None else None

    def _by_entries(self, entries: Sequence[int]) -> Any:
        ranked = sorted(entries, key=lambda e: (e not in self._curated, -(self._places[e].population or 0)))
        return self.resolve(self._places[ranked[0]].id) if ranked else None

    def _capital_of(self, text: str, start: int, end: int, sentence: int, units: list[Mention]) -> list[Mention]:
        """ "the Iraqi capital" → the capital of Iraq (when the gazetteer has both)."""
        out = []
        for m in _CAPITAL_OF.finditer(text, start, end):
            country = self.resolve(_DEMONYM_COUNTRY[m.group(1).casefold()])
            capital = self._capitals.get(getattr(country.place, "country", None)) if country.resolved else None
            if capital is not None and not any(u.start < m.end() and m.start() < u.end for u in units):
                res = self.resolve(capital.id)
                out.append(Mention(m.start(), m.end(), m.group(), res, sentence=sentence))
        return out

    def _fuzzy(self, text: str, toks: Tokens, lo: int, hi: int, units: list[Mention], sentence: int) -> list[Mention]:
        """Misspelt names ("Deri Ezzor") where the words around them say a place must be.

        A run of capitalised words before "countryside"/"governorate"/... (or after "the town of")
        that the exact scan did not cover as a whole is looked up fuzzily; a confident answer
        replaces a one-word exact hit inside the run ("Deri" alone is another town).
        """
        low = text[toks.starts[lo]:toks.ends[hi - 1]].casefold() if hi > lo else ""
        if not any(word in low for word in _FUZZY_WORDS):
            return []

        def covering(offset: int) -> Mention | None:
            return next((u for u in units if u.start <= offset < u.end), None)

        out = []
        i = lo
        while i < hi:
            word = toks.words[i]
            hit = covering(toks.starts[i])
            if not word[:1].isupper() or is_arabic(word) or (hit is not None and " " in hit.query.strip()):
                i += 1
                continue
            j = i
            while j + 1 < hi and j - i < 2 and toks.words[j + 1][:1].isupper() and \
                    _NAME_GAP.match(text, toks.ends[j], toks.starts[j + 1]):
                j += 1
            s, e = toks.starts[i], toks.ends[j]
            inside = {id(u): u for k in range(i, j + 1) if (u := covering(toks.starts[k])) is not None}
            whole = any(u.start <= s and u.end >= e for u in inside.values())
            if not whole and (_R_FUZZY.match(text, e) or _L_FUZZY.search(text, max(0, s - 20), s)):
                name = text[s:e]
                if name.casefold() not in COMMON_WORDS and len(normalize(name)) >= 5:
                    res = self.resolve(name, fuzzy=True)
                    if res.resolved and res.confidence >= _FUZZY_MIN_CONFIDENCE:
                        for u in inside.values():
                            units.remove(u)
                        out.append(Mention(s, e, name, res, sentence=sentence, fuzzy=True))
            i = j + 1
        return out

    # --- relations ---------------------------------------------------------------------------
    def _possessives(self, text: str, units: list[Mention]) -> list[Mention]:
        """"Homs' Rastan": one unit whose query the gazetteer reads as Rastan in Homs."""
        out: list[Mention] = []
        for m in units:
            prev = out[-1] if out else None
            if prev is not None and not prev.parts and _GAP_POSSESSIVE.match(text[prev.end:m.start]):
                prev.role = "context"
                out[-1] = Mention(prev.start, m.end, text[prev.start:m.end], m.res, sentence=m.sentence,
                                  context=prev.query, parts=[prev])
                continue
            if m.level >= 4 and re.match(r"^['’ʼ]s\s+[a-z]", text[m.end:m.end + 4]):
                m.role = "possessor"  # "Lebanon's ally Hezbollah": not where anything happened
            out.append(m)
        return out

    def _relation(self, text: str, sent_start: int, m: Mention) -> Mention:
        """Extend one unit into the relative phrase around it, if any (resolved later)."""
        if m.role != "place":
            return m
        left = text[max(sent_start, m.start - 100):m.start]
        right = text[m.end:m.end + 40]
        low = (left[-60:] + " " + right).casefold()
        if not any(word in low for word in _RELATION_WORDS):  # the cheap test first: most names stand alone
            return m
        if _L_GOV.search(left) or _R_GOV.match(right):
            gov = self.resolve(f"{m.query} governorate")
            if gov.resolved and gov.feature_type == "governorate":
                lm = _L_GOV.search(left)
                s = m.start - (len(left) - lm.start()) if lm else m.start
                e = m.end + (_R_GOV.match(right).end() if not lm else 0)
                m.role = "anchor"
                return Mention(s, e, f"{m.query} governorate", gov, sentence=m.sentence, parts=[m])
            return m
        for rx, template in ((_L_DIST, None), (_L_NEAR_BORDER, "near {}"), (_L_NEAR, None), (_L_COUNTRYSIDE, None),
                             (_L_DIRECTION, "{dir} of {}")):
            lm = rx.search(left)
            if lm:
                s = m.start - (len(left) - lm.start())
                if template:
                    query = template.format(m.query, dir=" ".join(lm.group(1).split()) if lm.groups() else "")
                else:
                    query = " ".join(text[s:m.end].split())
                return self._phrase(s, m.end, query, m)
        rm = _R_COUNTRYSIDE.match(right) or _R_OUTSKIRTS.match(right)
        if rm:
            lm = _L_DIRADJ.search(left)
            s = m.start - (len(left) - lm.start()) if lm else m.start
            return self._phrase(s, m.end + rm.end(), " ".join(text[s:m.end + rm.end()].split()), m)
        lm = _L_DIRADJ.search(left)
        if lm and (m.level >= 3 or "countryside" in m.query.casefold()):
            s = m.start - (len(left) - lm.start())
            return self._phrase(s, m.end, " ".join(text[s:m.end].split()), m)
        return m

    @staticmethod
    def _phrase(start: int, end: int, query: str, part: Mention) -> Mention:
        query = _APOSTROPHE.sub("'", query)  # the gazetteer reads "Homs' Rastan", not "Homs’ Rastan"
        rel = parse(query)
        if rel is None or rel.kind == "possessive":
            return part
        part.role = "anchor"
        return Mention(start, end, query, None, sentence=part.sentence, relation=rel.kind, parts=[part])

    def _between(self, text: str, sent_start: int, units: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        i = 0
        while i < len(units):
            a = units[i]
            b = units[i + 1] if i + 1 < len(units) else None
            if b is not None and a.role == "place" and b.role == "place" and _GAP_AND.match(text[a.end:b.start]):
                left = text[max(sent_start, a.start - 60):a.start]
                lm = _L_BETWEEN.search(left)
                if lm:
                    s = a.start - (len(left) - lm.start())
                    query = _APOSTROPHE.sub("'", " ".join(text[s:b.end].split()))
                    rel = parse(query)
                    if rel is not None and rel.kind == "between":
                        a.role = b.role = "anchor"
                        out.append(Mention(s, b.end, query, None, sentence=a.sentence, relation="between",
                                           parts=[a, b]))
                        i += 2
                        continue
            out.append(a)
            i += 1
        return out

    def _distribute(self, text: str, sent_end: int, units: list[Mention]) -> None:
        """"near Homs' Rastan and Talbisah": the second name shares the first one's relation."""
        for k in range(1, len(units)):
            a, b = units[k - 1], units[k]
            if b.role != "place" or b.relation or b.parts or a.role != "place":
                continue
            if not _GAP_COORD.match(text[a.end:b.start]):
                continue
            kind = a.relation
            if kind is None and a.resolved and a.res.feature_type == "governorate" and "countryside" in a.query.casefold():
                kind = "countryside"
            if kind == "near":
                query = f"near {b.query}"
            elif kind == "countryside" and b.level == 1:
                query = f"the countryside of {b.query}"
            elif kind == "outskirts":
                query = f"outskirts of {b.query}"
            else:
                continue
            anchor = Mention(b.start, b.end, b.query, b.res, role="anchor", sentence=b.sentence)
            b.query, b.res, b.relation, b.parts = query, None, kind, [anchor]
            b.context = b.context or (a.context if kind == "near" else None)

    def _coordinate_levels(self, text: str, units: list[Mention]) -> None:
        """"from Deir ez-Zor and the countryside of Damascus": a bare name coordinated with a
        governorate-level place is read at that level when a governorate bears its name."""
        for k in range(1, len(units)):
            a, b = units[k - 1], units[k]
            if not _GAP_COORD.match(text[a.end:b.start]):
                continue
            for plain, other in ((a, b), (b, a)):
                if plain.relation or plain.parts or plain.level != 1 or other.level != 3:
                    continue
                gov = self.resolve(f"{plain.query} governorate")
                if gov.resolved and gov.feature_type == "governorate":
                    anchor = Mention(plain.start, plain.end, plain.query, plain.res, role="anchor",
                                     sentence=plain.sentence)
                    plain.query, plain.res, plain.parts = f"{plain.query} governorate", gov, [anchor]

    def _contexts(self, text: str, units: list[Mention]) -> None:
        """Containment and apposition: "al-Bukamal in Deir ez-Zor", "Lataminah, a town northwest of Hama"."""
        for k in range(1, len(units)):
            a, b = units[k - 1], units[k]
            if a.role != "place" or b.role != "place":
                continue
            gap = text[a.end:b.start]
            if b.relation in ("direction_of", "distance") and _GAP_APPOSITION.match(gap):
                b.role = "context"
                self._set_context(text, units, k - 1, b.query)
                continue
            if not _GAP_CONTAINED.match(gap):
                continue
            if b.level == 1 and a.level == 1 and not b.relation and not b.parts:
                gov = self.resolve(f"{b.query} governorate")  # "al-Bukamal in Deir-ez-Zor"
                if gov.resolved and gov.feature_type == "governorate":
                    anchor = Mention(b.start, b.end, b.query, b.res, role="anchor", sentence=b.sentence)
                    b.query, b.res, b.parts = f"{b.query} governorate", gov, [anchor]
            if b.level > a.level:
                b.role = "context"
                self._set_context(text, units, k - 1, b.query)

    @staticmethod
    def _set_context(text: str, units: list[Mention], k: int, context: str) -> None:
        """Give ``context`` to unit ``k`` and to the units coordinated with it before it."""
        while k >= 0:
            if units[k].context is None:
                units[k].context = context
            if k == 0 or not _GAP_COORD.match(text[units[k - 1].end:units[k].start]):
                break
            k -= 1

    def _resolve_phrases(self, units: list[Mention]) -> None:
        """Resolve every relative phrase once, with the sentence's other places as context."""
        for m in units:
            if m.res is not None or not m.relation:
                continue
            context = m.context
            if context is None:
                others = [u for u in units if u is not m and u.role in ("place", "context") and u.level > m.level]
                if others:
                    context = max(others, key=lambda u: u.level).query
            m.context = context
            m.res = self.resolve(m.query, context)
            if not m.resolved:  # the phrase did not resolve: fall back to the names it was built from
                for p in m.parts:
                    if p.role == "anchor":
                        p.role = "place"
                m.role = "unresolved"
        for m in units:
            if m.res is not None and m.context and not m.relation and m.resolved and m.res.id and \
                    m.role == "place" and m.res.confidence < 0.9:
                m.res = self.resolve(m.query, m.context)
