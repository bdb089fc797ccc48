"""Reading a report's text and telling its reporting apart from the page around it.

A report arrives as bytes of unknown encoding, copied from a web page: besides the article it may
hold a headline, a dateline, photo captions, "Read Also" links, a send-to-a-friend form, the
relaying outlet's disclaimer, duplicated paragraphs and readers' comments.  This module decodes
the bytes and splits the text into sentences, each tagged with the *zone* it belongs to, keeping
character offsets into the exact text the evidence spans will index (see :mod:`geo.core.evidence`).
Only ``body`` sentences become candidate records; the others are kept so a reader can see why.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from geo.errors import GeoError

#: Zones a sentence can belong to.  Only ``body`` yields candidate records.
Zone = Literal["body", "title", "caption", "boilerplate", "disclaimer", "comment", "duplicate"]

#: Code pages preferred when charset-normalizer finds several equally plausible (an English text
#: with a few curly quotes reads the same in cp1250, cp1252 and cp1257; cp1252 is by far the likeliest).
_PREFERRED = ("cp1252", "cp1256", "latin_1", "iso8859_6")

#: Share of control characters (other than tab/newline/CR) above which a decoded file is binary.
_MAX_CONTROL_SHARE = 0.01


class ReportTextError(GeoError, ValueError):
    """The bytes are not a readable report (empty, binary, undecodable)."""


def decode_report(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` of a report file's bytes; raises :class:`ReportTextError`.

    UTF-8 (with or without BOM) is taken as is; UTF-16 with a BOM too; anything else goes to
    charset-normalizer, and is refused when it finds no plausible text encoding.  The returned
    text is what gets stored (re-encoded as UTF-8), so offsets into it stay valid.
    """
    if not data.strip():
        raise ReportTextError("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReportTextError(f"starts with a UTF-16 mark but does not decode ({exc.reason})") from exc
    if b"\x00" in data:
        raise ReportTextError("binary content (NUL bytes), not a text report")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        matches = list(from_bytes(data))
        if not matches:
            raise ReportTextError(
                f"not UTF-8 ({exc.reason} at byte {exc.start}) and no other text encoding recognised") from exc
        best = matches[0]
        ties = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
        best = min(ties, key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else len(_PREFERRED))
        text, encoding = str(best), str(best.encoding)
        for name in _PREFERRED:  # the same characters under a likelier name
            try:
                if encoding != name and data.decode(name) == text:
                    encoding = name
                    break
            except (UnicodeDecodeError, LookupError):
                continue
    if text.startswith("\ufeff"):
        text = text[1:]
    return _checked(text), encoding


def _checked(text: str) -> str:
    if not text.strip():
        raise ReportTextError("the file holds only white space")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise ReportTextError(f"binary content ({controls} control characters), not a text report")
    return text


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or title line) of the report: ``text[start:end]``, its paragraph and zone."""

    start: int
    end: int
    para: int
    zone: Zone


@dataclass(frozen=True)
class Layout:
    """The report cut into zoned sentences, plus what the page said about itself."""

    text: str
    sentences: tuple[Sentence, ...]
    #: The outlet's own disclaimer says it did not verify the story.
    unverified: bool
    #: Character offset where the readers' comments start (``None``: no comment section found).
    comments_start: int | None
    #: ``(start, end)`` of a dateline prefix such as "BEIRUT –", per paragraph that has one.
    datelines: tuple[tuple[int, int], ...]

    def body(self) -> list[Sentence]:
        return [s for s in self.sentences if s.zone == "body"]

    def zone_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.sentences:
            out[s.zone] = out.get(s.zone, 0) + 1
        return out


# --- page furniture ----------------------------------------------------------------------------
_BOILERPLATE = re.compile(
    r"^(?:recommend(?:ed)?(?:\s+this)?\s+article|share(?:\s+this)?(?:\s+(?:article|story|post|page))?|"
    r"share\s+on\s+\w+|print(?:\s+this)?(?:\s+article)?|"
    r"e-?mail(?:\s+this)?(?:\s+article)?|tweet|subscribe\b.*|sign\s+up\b.*|newsletter\b.*|"
    r"related(?:\s+(?:articles?|stories|news|posts))?\s*:?.*|read\s+(?:also|more)\b.*|(?:see|also)\s+(?:also|read)\b.*|"
    r"more\s+on\s+this\s+story.*|advertisement|sponsored\b.*|tags?\s*:.*|follow\s+us\b.*|click\s+here\b.*|"
    r"(?:send|email)\s+to\s+a\s+friend.*|send|submit|cancel|captcha.*|back\s+to\s+top|"
    r"(?:previous|next)\s+(?:article|post|story)\b.*)$",
    re.IGNORECASE,
)
#: A form label with nothing after it: "Sender's Name:", "Receiver's Email:".
_FORM_FIELD = re.compile(r"^[A-Z][\w'’ .-]{1,40}:\s*$")
#: A caption ending with a picture credit: "... (AFP/Name)", "Photo: Reuters".
_CAPTION = re.compile(
    r"(?:\((?:AFP|Reuters|AP|EPA|Getty(?:\s+Images)?|Anadolu|SANA|Xinhua|Photo|File\s+photo|Archive)\b[^)]*\)\s*$|"
    r"^(?:photo|image|picture|file\s+photo)(?:\s+credits?)?\s*[:/]|©)",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"(?:(?:translated|edited)\s+(?:and\s+edited\s+)?by\b|has\s+not\s+(?:been\s+)?(?:independently\s+)?verified|"
    r"responsibility\s+for\s+the\s+(?:information|content)|views\s+expressed|all\s+rights\s+reserved|"
    r"\bcopyright\b|does\s+not\s+(?:necessarily\s+)?reflect)",
    re.IGNORECASE,
)
_UNVERIFIED = re.compile(r"(?:not|n't)\s+(?:been\s+)?(?:independently\s+)?(?:verif|confirm)", re.IGNORECASE)
#: "BEIRUT –", "DAMASCUS, Syria —" at the start of a paragraph.
_DATELINE = re.compile(r"(?:(?<=\n)|^)([A-Z][A-Z .'’-]{2,30}(?:,\s*[A-Z][\w .'’-]{1,30})?)\s*"
                       r"(?:\(\w+\)\s*)?[–—-]{1,2}\s+")

# --- readers' comments -------------------------------------------------------------------------
_COMMENT_HEADER = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|reader(?:s['’]?)?\s+comments?|leave\s+a\s+(?:comment|reply)|"
    r"join\s+the\s+discussion|discussion|what\s+do\s+you\s+think\??|your\s+comments?|add\s+a\s+comment)\s*:?$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»")
_FIRST_PERSON = re.compile(r"\b(?:I|I['’](?:m|d|ve|ll)|me|my|mine|myself)\b")
_OPINION = re.compile(r"\b(?:lol|imo|imho|hooray|bravo|shame\s+on|god\s+bless|wtf|haha)\b|!", re.IGNORECASE)
_ASK_READERS = re.compile(r"^(?:has|have|does|did|is|are|why|who|what|how|can|will)\s+(?:any\s*body|any\s*one|somebody|"
                          r"someone|you|we)\b", re.IGNORECASE)
_COMMENTER_LINE = re.compile(r"^(?:@\w+|\S.{0,40}\s+(?:says|said|wrote|replied)\s*:?\s*$|.*\b\d{1,2}:\d{2}\s*(?:am|pm)\b)",
                             re.IGNORECASE)

# --- sentences ---------------------------------------------------------------------------------
_ABBREV = re.compile(r"(?:\b(?:U\.S|U\.N|U\.K|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Brig|No|St|Jr|Sr|approx|vs|etc|"
                     r"e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$")
_SENTENCE_END = re.compile(r"[.!?؟…]+[\"”’')\]]*(?=\s+[\"“‘(\[]*[A-Z0-9\u0600-\u06FF])")
_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")


def _sentences_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph (white space trimmed)."""
    out: list[tuple[int, int]] = []
    cursor = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if _ABBREV.search(text[max(start, m.start() - 6):m.start() + 1]) and m.group().startswith("."):
            continue
        out.append((cursor, m.end()))
        cursor = m.end()
    out.append((cursor, end))
    return [span for s, e in out if (span := _trimmed(text, s, e)) is not None]


def _trimmed(text: str, s: int, e: int) -> tuple[int, int] | None:
    """``text[s:e]`` without surrounding whitespace, as offsets; ``None`` when nothing is left."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if e > s else None


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _looks_like_title(line: str) -> bool:
    words = len(line.split())
    return words <= 16 and not line.rstrip().endswith((".", "!", "?", "”", '"', ":")) or words <= 4


def _comment_score(para: str) -> int:
    plain = _QUOTED.sub(" ", para)
    score = 2 * len(_FIRST_PERSON.findall(plain)) + len(_OPINION.findall(plain))
    if _ASK_READERS.match(plain.strip()):
        score += 2
    if _COMMENTER_LINE.match(plain.strip()):
        score += 2
    return score


def layout(text: str) -> Layout:
    """Zone every sentence of ``text`` (see module docstring): paragraphs, then the headline, page
    furniture and disclaimers, readers' comments, and finally sentences with duplicates marked."""
    paras = _paragraphs(text)
    zones: list[Zone] = ["body"] * len(paras)
    _mark_headline(text, paras, zones)
    comments_at = _comments_header(text, paras, zones)
    datelines, unverified = _mark_furniture(text, paras[:len(paras) if comments_at is None else comments_at], zones)
    if comments_at is None:
        comments_at = _comments_by_tone(text, paras, zones)
    if comments_at is not None:
        zones[comments_at:] = ["comment"] * (len(paras) - comments_at)
    return Layout(
        text=text,
        sentences=tuple(_sentences(text, paras, zones)),
        unverified=unverified,
        comments_start=paras[comments_at][0] if comments_at is not None else None,
        datelines=tuple(datelines),
    )


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank paragraph, surrounding whitespace trimmed."""
    return [span for m in _PARAGRAPH.finditer(text) if (span := _trimmed(text, m.start(), m.end())) is not None]


def _furniture(line: str) -> Zone | None:
    """Page furniture a line is (share buttons, form fields, photo captions), if any."""
    if _BOILERPLATE.match(line) or _FORM_FIELD.match(line):
        return "boilerplate"
    if _CAPTION.search(line) and len(line) < 300:
        return "caption"
    return None


def _mark_headline(text: str, paras: list[tuple[int, int]], zones: list[Zone]) -> None:
    """Leading headline lines: short, no closing punctuation, before the first real sentence."""
    for i, (s, e) in enumerate(paras[:3]):
        line = text[s:e]
        if _furniture(line) is None and _looks_like_title(line) and len(paras) > i + 1:
            zones[i] = "title"
        else:
            break


def _comments_header(text: str, paras: list[tuple[int, int]], zones: list[Zone]) -> int | None:
    """The paragraph of an explicit comments header ("3 Comments", "Leave a reply"), if any."""
    return next((i for i, (s, e) in enumerate(paras)
                 if zones[i] == "body" and _COMMENT_HEADER.match(text[s:e].strip())), None)


def _mark_furniture(text: str, paras: list[tuple[int, int]], zones: list[Zone]
                    ) -> tuple[list[tuple[int, int]], bool]:
    """Zone furniture, disclaimers and subheadings; return the datelines and whether the page says
    the story is unverified."""
    datelines: list[tuple[int, int]] = []
    unverified = False
    for i, (s, e) in enumerate(paras):
        line = text[s:e].strip()
        if zones[i] != "body":
            continue
        kind = _furniture(line)
        if kind is not None:
            zones[i] = kind
        elif _DISCLAIMER.search(line) and not _DATELINE.match(line):
            zones[i] = "disclaimer"
            unverified = unverified or bool(_UNVERIFIED.search(line))
        elif len(line.split()) <= 6 and not line.endswith((".", "!", "?", "”", '"', ":", ";", ",")) and i:
            zones[i] = "title"  # a subheading inside the article
        m = _DATELINE.match(text, s, e) if zones[i] == "body" else None
        if m:
            datelines.append((m.start(1), m.start(1) + len(m.group(1).rstrip())))
    return datelines, unverified


def _comments_by_tone(text: str, paras: list[tuple[int, int]], zones: list[Zone]) -> int | None:
    """Without a header: the first opinionated paragraph after the article's start, when at least
    half of what follows reads like comments too."""
    scores = [_comment_score(text[s:e]) if zones[i] == "body" else 0 for i, (s, e) in enumerate(paras)]
    body_seen = 0
    for i, score in enumerate(scores):
        if zones[i] != "body":
            continue
        if score >= 2 and body_seen >= 2:
            tail = [j for j in range(i, len(paras)) if zones[j] == "body"]
            if sum(1 for j in tail if scores[j] >= 1) * 2 >= len(tail):
                return i
        body_seen += 1
    return None


def _sentences(text: str, paras: list[tuple[int, int]], zones: list[Zone]) -> list[Sentence]:
    """Each paragraph's sentences in its zone; a repeated paragraph or sentence is a duplicate
    (near-verbatim long sentences too: pages repeat themselves with small edits)."""
    sentences: list[Sentence] = []
    seen_paras: set[str] = set()
    seen_sents: list[str] = []
    seen_set: set[str] = set()
    for i, (s, e) in enumerate(paras):
        zone = zones[i]
        pkey = _key(text[s:e])
        if zone == "body" and pkey in seen_paras:
            zone = "duplicate"
        if zone == "body" and pkey:
            seen_paras.add(pkey)
        if zone == "title":
            sentences.append(Sentence(s, e, i, zone))
            continue
        for ss, se in _sentences_of(text, s, e):
            szone = zone
            if szone == "body":
                skey = _key(text[ss:se])
                if skey in seen_set or (len(skey) > 60 and seen_sents and process.extractOne(
                        skey, seen_sents, scorer=fuzz.ratio, score_cutoff=92) is not None):
                    szone = "duplicate"
                else:
                    seen_set.add(skey)
                    seen_sents.append(skey)
            sentences.append(Sentence(ss, se, i, szone))
    return sentences
