"""Normalisation of place names as reports write them, in Latin transliteration and Arabic script.

``normalize`` maps spelling variants of one name to one key: "al-Bukamal", "Abu Kamal",
"Albu Kamal" and "Al-Bu Kamal" all become ``bukamal``; "Deir ez-Zor", "Dayr az-Zawr" and
"Deir Ezzor" become ``dayrzur``. It is idempotent: ``normalize(normalize(s)) == normalize(s)``.
``skeleton`` is a coarser key (consonants only) used to find candidates for misspellings.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["arabic_bare_forms", "arabic_written", "clear_caches", "has_arabic_article", "is_arabic", "light_key",
           "normalize", "skeleton", "tokens"]

#: Memo sizes: a compile normalises every name of an imported gazetteer (150,000 and more) twice,
#: in merging and in the index; smaller memos would forget each name before its second use.
#: ``clear_caches`` gives the memory back once the compile is done.
_MEMO = 1 << 18

# --- Arabic script -----------------------------------------------------------------------
_AR_RANGE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_AR_HARAKAT = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")  # + tatweel
_AR_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",  # alef forms
    "ة": "ه",  # ta marbuta
    "ى": "ي", "ی": "ي", "ئ": "ي",  # alef maqsura, Persian yeh, hamza on yeh
    "ؤ": "و",  # hamza on waw
    "ء": None,  # lone hamza
    "ک": "ك",
})
_AR_ARTICLE = re.compile(r"(?:(?<=\s)|^)ال(?=\S{2,})")

# --- Latin transliteration ---------------------------------------------------------------
_APOSTROPHES = re.compile(r"[\u02BB\u02BC\u02BE\u02BF\u2018\u2019\u201B\u0060\u00B4'ʿʾ]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
#: Articles written as a separate token ("al-", "el ", "ash-" ...) or glued with a hyphen.
ARTICLES = frozenset("al el il ul ad ed ash esh as es at et ath az ez an en ar er adh the".split())
#: A sun-letter article glued to its word: "Ezzor" -> "zor", "Arraqqa" -> "raqqa".
_GLUED_ARTICLE = re.compile(r"^(?:a|e)(sh|th|dh|[tdszrnl])(?=\1)")
ABU_FORMS = frozenset({"abu", "abou", "albu", "bu", "abo", "ebu", "aboo"})
_TOKEN_MAP = {"deir": "dayr", "dair": "dayr", "dier": "dayr", "der": "dayr", "dayr": "dayr",
              "tal": "tal", "tel": "tal", "tell": "tal", "tall": "tal",
              "jabal": "jabal", "jebel": "jabal", "jbel": "jabal",
              "ain": "ayn", "ein": "ayn", "ayn": "ayn",
              "ras": "ras", "raas": "ras",
              "beit": "bayt", "bait": "bayt", "bayt": "bayt"}
# Letter-level rules, applied in order to each token (after article handling). Each regex runs
# only when the letters it needs are present: normalisation is on the hot path of every lookup.
_FINAL_H = re.compile(r"(?<=[aeiou])e?h$")          # final -eh / -ah: Salamiyeh, Salamiyah
_CH = re.compile(r"ch(?!$)")                         # French "ch" as in Cheikh
_C = re.compile(r"c(?!h)")                           # Conoco -> konoko
_U = re.compile(r"ou|oo|aw(?![aeiou])|o")            # Qalamoun, Zawr, Homs
_I = re.compile(r"ee|ie|iy(?=[aeiou])|y(?=[aeiou])(?<=i.)")  # Deri, Salamiyeh
_AY = re.compile(r"ei|ai|ey")                        # Deir/Dair/Dayr
_DOUBLE = re.compile(r"([a-z])\1+")                  # doubled letters (not digits): Ezzor, Raqqa
_DROP_VOWELS = str.maketrans("", "", "aeiouy")


def is_arabic(text: str) -> bool:
    """True when the text contains Arabic-script letters."""
    return bool(_AR_RANGE.search(text))


#: One-letter proclitics Arabic writes onto the next word: "and", "so", "in/with", "to/for", "like".
AR_PROCLITICS = "وفبلك"
#: Proclitics that may stand before another one ("وبالبوكمال": and + in + the).
_AR_OUTER_PROCLITICS = "وف"
_AR_INNER_PROCLITICS = "بلك"


def arabic_written(word: str) -> str:
    """A word as written, with only the spelling noise removed (marks, alef/ya/ta marbuta forms).

    Unlike ``normalize`` it keeps the article, because "السورية" (Syrian) and "سورية" (Syria) differ
    only by it.
    """
    return _AR_HARAKAT.sub("", unicodedata.normalize("NFKC", word)).translate(_AR_MAP)


def has_arabic_article(word: str) -> bool:
    """True when a written Arabic word starts with the article ال and has a name after it."""
    return word.startswith("ال") and len(word) > 3


def _skip_marks(word: str, pos: int) -> int:
    """Index of the first letter at or after ``pos`` (short vowels on a clitic belong to it)."""
    while pos < len(word) and _AR_HARAKAT.match(word, pos):
        pos += 1
    return pos


def arabic_bare_forms(word: str) -> list[tuple[int, str]]:
    """The word without its glued proclitics, as ``(letters cut from its start, bare form)``.

    Reports write "and", "in", "to" onto names ("والجلاء", "بالبوكمال", "لإيران"); a scanner tries
    these forms only when the whole word is no name, so a name that starts with one of these
    letters (بلودان، كفر، وادي) keeps its first letter. "ل" before the article eats its alef
    ("للبوكمال" is "ل" + "البوكمال"), which the bare form puts back.
    """
    out: list[tuple[int, str]] = []
    if len(word) < 3 or word[0] not in AR_PROCLITICS:
        return out
    cut = _skip_marks(word, 1)
    out.extend(_after_clitic(word, cut, word[0]))
    if word[0] in _AR_OUTER_PROCLITICS and cut < len(word) and word[cut] in _AR_INNER_PROCLITICS:
        cut2 = _skip_marks(word, cut + 1)
        out.extend(_after_clitic(word, cut2, word[cut]))
    return [(c, f) for c, f in out if len(f) >= 2]


def _after_clitic(word: str, cut: int, clitic: str) -> list[tuple[int, str]]:
    rest = word[cut:]
    if clitic == "ل" and rest.startswith("ل") and not rest.startswith("ال"):
        return [(cut, "ا" + rest), (cut, rest)]  # لل + name: the article's alef is elided
    return [(cut, rest)]


def _normalize_arabic(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _AR_HARAKAT.sub("", text).translate(_AR_MAP)
    text = re.sub(r"[^\w\s]", " ", text)
    text = _AR_ARTICLE.sub("", " ".join(text.split()))
    return text.replace(" ", "")


def _fold_latin(text: str) -> str:
    """Strip diacritics and apostrophes, lower-case: "Ḩamāh" -> "hamah", "Ma'arrat" -> "maarrat"."""
    if text.isascii():  # the common case needs no Unicode decomposition
        return text.replace("'", "").replace("`", "").lower()
    text = _APOSTROPHES.sub("", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold().replace("ı", "i").replace("ß", "ss")


def tokens(text: str) -> list[str]:
    """Latin tokens of a name after folding, with articles and Abu/Albu forms resolved."""
    raw = _NON_ALNUM.split(_fold_latin(text))
    out: list[str] = []
    for tok in raw:
        if not tok:
            continue
        if tok in ARTICLES and len(raw) > 1:
            continue
        if tok in ABU_FORMS:
            tok = "bu"
        elif len(tok) > 4:
            tok = _GLUED_ARTICLE.sub("", tok)
            if tok.startswith("al") and len(tok) > 5 and tok[2:4] == "bu":  # Albukamal
                tok = tok[2:]
        out.append(_TOKEN_MAP.get(tok, tok))
    return out or [t for t in raw if t]


@lru_cache(maxsize=_MEMO)
def _letters(tok: str) -> str:
    if tok.isdigit():
        return tok
    if "c" in tok:
        tok = _C.sub("k", _CH.sub("sh", tok))
    tok = tok.replace("q", "k")
    if tok.endswith("h"):
        tok = _FINAL_H.sub("", tok)
    tok = tok.replace("th", "t").replace("dh", "d")
    if "o" in tok or "aw" in tok:
        tok = _U.sub("u", tok)
    if "e" in tok or "i" in tok:
        tok = _I.sub("i", tok)
    if "i" in tok or "ey" in tok:
        tok = _AY.sub("ay", tok)
    tok = tok.replace("e", "a")  # Arabic has no e: Talbiseh / Talbisah
    tok = _DOUBLE.sub(r"\1", tok)
    if len(tok) > 1 and tok.endswith("a"):  # final vowel -a (after -ah/-eh stripping)
        tok = tok[:-1]
    return tok


@lru_cache(maxsize=1 << 12)
def _token_tuple(text: str) -> tuple[str, ...]:
    """``tokens`` remembered briefly: ``normalize`` and ``light_key`` of one name follow each other."""
    return tuple(tokens(text))


@lru_cache(maxsize=_MEMO)
def normalize(text: str) -> str:
    """The matching key of a place name (Latin or Arabic script); '' for a name with no letters."""
    if is_arabic(text):
        key = _normalize_arabic(text)
        # Only marks or punctuation of the Arabic block ("A\ufdc8", a stray tatweel): what is left
        # is Latin, and keyed as Latin, or the key would not be its own key.
        return key if not key or is_arabic(key) else normalize(key)
    key = "".join(_letters(t) for t in _token_tuple(text))
    # Iterate to a fixed point so that the function is idempotent: a rule can expose new
    # doubled letters, endings or glued articles for another.
    for _ in range(6):
        again = _latin_once(key)
        if again == key or not again:
            break
        key = again
    return key


def _latin_once(text: str) -> str:
    return "".join(_letters(t) for t in tokens(text))


@lru_cache(maxsize=_MEMO)
def light_key(text: str) -> str:
    """A key that forgives only what never changes a name: case, diacritics, apostrophes, spacing,
    articles and the standard forms of Abu/Deir/Tal/Ayn. ``normalize`` goes further (vowels, doubled
    letters, endings) and so can make two different names one: "Batha" and "al-Baath"."""
    if is_arabic(text):
        return _normalize_arabic(text)
    return "".join(_token_tuple(text))


@lru_cache(maxsize=1 << 16)
def skeleton(key: str) -> str:
    """Consonant skeleton of a normalised key: "darizur" -> "drzr". Arabic keys are returned as is."""
    if not key or is_arabic(key):
        return key
    sk = _DOUBLE.sub(r"\1", key.translate(_DROP_VOWELS))
    return sk if len(sk) >= 2 else key


def clear_caches() -> None:
    """Forget every memoised name (a compile fills the memos with names a session rarely asks)."""
    for memo in (_letters, _token_tuple, normalize, light_key, skeleton):
        memo.cache_clear()
