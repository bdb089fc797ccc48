"""What kind of event a sentence reports, from the words it uses ("operations room", "redeployed").

Each cue names a record kind and, when the words say it, a subtype of :data:`geo.core.model.SUBTYPES`
(a subtype the model does not know is dropped rather than invented).  Cues that do not report an
event are left out: negated ones ("Russia had not bombed"), hypothetical ones ("any strike that
may target", "would be supported by airstrikes"), anaphoric ones ("both attacks were limited")
and participles describing who someone is ("US forces deployed in eastern Syria have faced ...").
Cues overlap ("joint operations room" vs "operations"); the earlier pattern in :data:`_CUES` wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from geo.core.model import SUBTYPES


@dataclass(frozen=True, slots=True)
class Cue:
    """A kind cue found in a sentence."""

    kind: str
    subtype: str | None
    start: int
    end: int
    #: The words say it is being prepared, not done yet ("preparing to establish", "will begin").
    planned: bool = False
    #: False for a cue that reports no event (negated, hypothetical, a participle, a purpose).
    live: bool = True
    #: A dead cue that still owns the places after it ("forces deployed in X", "had not bombed X").
    swallows: bool = False


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


#: (kind, subtype, keywords, pattern), by priority; a pattern runs only when one of its keywords
#: is in the sentence (a substring test is far cheaper than the regex).
_CUES: tuple[tuple[str, str | None, tuple[str, ...], re.Pattern[str]], ...] = (
    ("operation", None, ("launch",),
     _rx(r"\blaunch(?:ed|es|ing)?\s+(?:(?:a|an|the|two|three|several|new|its|their)\s+)?"
         r"(?:[\w-]+\s+){0,3}?(?:attacks?|offensives?|operations?|assaults?|campaign)\b")),
    ("facility", "operations_room", ("operation", "command", "war room"),
     _rx(r"\b(?:joint\s+)?operations?\s+(?:rooms?|cent(?:er|re)s?)\b|\bcommand\s+cent(?:er|re)s?\b|\bwar\s+rooms?\b")),
    ("facility", "headquarters", ("headquarter", "hq", "command post"),
     _rx(r"\bheadquarters\b|\bHQ\b|\bcommand\s+posts?\b")),
    ("facility", "depot", ("depot", "warehouse", "store"),
     _rx(r"\b(?:weapons?|ammunition|arms)\s+(?:depots?|stores?|warehouses?)\b|\bdepots?\b|\bwarehouses?\b")),
    ("facility", "checkpoint", ("checkpoint",), _rx(r"\bcheckpoints?\b")),
    ("facility", "base", ("base", "garrison", "airport"),
     _rx(r"\b(?:military\s+)?bases?\b|\bgarrisons?\b|\bair\s?bases?\b|\bmilitary\s+airports?\b")),
    ("strike", "drone_attack", ("drone",),
     _rx(r"\bdrones?\s+(?:attacks?|strikes?)\b|\b(?:kamikaze|suicide|armed)\s+drones?\b|"
         r"\bdrones?\s+(?:hit|struck|targeted)\b")),
    ("strike", "airstrike", ("air", "bomb", "hit", "struck", "targeted", "attacked", "missile"),
     _rx(r"\bair\s*-?\s*strikes?\b|\bair\s+raids?\b|\bbombing\s+(?:runs?|raids?|campaign)\b|"
         r"\bbomb(?:ed|ing|ardment|arded)\b|\b(?:jets|warplanes|aircraft|planes|helicopters)\s+"
         r"(?:hit|struck|targeted|bombed|attacked)\b|\bmissile\s+(?:strikes?|attacks?)\b")),
    ("strike", "shelling", ("shell", "mortar", "artillery", "rocket"),
     _rx(r"\bshell(?:ing|ed)\b|\bmortar\s+(?:fire|shells?|rounds?|attacks?)\b|"
         r"\bartillery\s+(?:fire|shelling|strikes?)\b|\brocket\s+(?:fire|attacks?)\b")),
    ("operation", None, ("offensive", "operation", "battle", "assault", "campaign", "captured", "seized",
                         "took control", "fronts", "clashes"),
     _rx(r"\boffensives?\b|\b(?:military|ground|combat|large|major|new|joint)\s+operations?\b|"
         r"\bbattle\s+(?:for|of)\b|\bassaults?\b|\bair\s+campaign\b|\bmilitary\s+campaign\b|"
         r"\b(?:re)?captured\b|\bseized\b|\btook\s+control\b|\bother\s+fronts\b|\bclashes\b")),
    ("strike", None, ("attack", "strike"), _rx(r"\battacks?\b|\bstrikes?\b(?!\s+(?:force|group))")),
    ("movement", None, ("from", "convoy", "shipment", "visit"),
     _rx(r"\b(?:brought|bringing|transferred|transporting|transported|smuggled|smuggling|moved|sent|"
         r"shipped|trucked|ferried)\s+(?:in\s+)?(?:[\w,-]+\s+){0,8}?from\b|\bconvoys?\b|\bshipments?\b|"
         r"\bvisit(?:ed|s)?\s+(?:to\s+)?(?=[A-Z])|\bvisit\s+to\b")),
    ("deployment", "redeployment", ("deploy",), _rx(r"\bre-?deploy(?:ed|ment|ing|s)?\b")),
    ("deployment", "mobilisation", ("mobili",), _rx(r"\bmobili[sz](?:ation|ed|ing|e)\b")),
    ("deployment", "reinforcement", ("reinforc",), _rx(r"\breinforc(?:ements?|ed|ing|e)\b")),
    ("deployment", None, ("deploy", "stationed", "sent", "send", "arrived", "hiding", "holed", "build", "built", "mass"),
     _rx(r"\bdeploy(?:ed|ment|ing|s)\b|\bstationed\b|\b(?:sent|sending|send)\s+(?:[\w,-]+\s+){0,3}?"
         r"(?:troops|fighters|forces|units|soldiers)\b|\b(?:troops|forces|fighters|units)\s+arrived\b|"
         r"\barrived\s+in\b|\bhiding\b|\bholed\s+up\b|\bbuild-?up\b|\b(?:built|building)\s+up\b|"
         r"\bmass(?:ing|ed)\s+(?:troops|forces)\b")),
    ("statement", "official_statement", ("announced", "declared", "issued", "orders", "ordered", "prohibit", "banned"),
     _rx(r"\bannounced\b|\bdeclared\b|\bissued\s+(?:\w+\s+)?(?:orders?|a\s+statement|statements?|instructions|"
         r"directives?)\b|\borders\s+issued\b|\bordered\b|\bprohibit(?:ing|ed|s)?\b|\bbanned\b")),
)
_OFFICIAL_SAID = _rx(r"\b(?:minister|secretary|spokes(?:man|woman|person)|president|commander|officials?|"
                     r"ambassador|envoy|chief\s+of\s+staff)\b[^.;]{0,80}?\bsaid\b")
_PLANNED = _rx(r"\b(?:preparing\s+to|prepare\s+to|prepares\s+to|plans?\s+to|planning\s+to|is\s+being\s+planned|"
               r"are\s+being\s+planned|will|set\s+to|about\s+to|intends?\s+to|ready\s+to|to\s+launch|soon)\b")
_LAUNCHED = _rx(r"\b(?:launched|began|begun|started|captured|recaptured|seized|took\s+control|nearly\s+over|"
                r"under\s*way|conducted)\b")
_NEGATED = _rx(r"\b(?:not|n't|never|no|without)\s+(?:\w+\s+){0,2}$|n't\s+(?:\w+\s+){0,2}$")
_HYPOTHETICAL = _rx(r"\b(?:any|would|could|might|may|if|in\s+anticipation\s+of|should)\b[^.;,]{0,40}$")
_PURPOSE = _rx(r"\b(?:for|to|plan|planning|directing|coordinat\w*|take\s+part\s+in|participate\s+in)\s+(?:\w+\s+)?$")
_ANAPHORIC = _rx(r"\b(?:both|these|those|such|the\s+two)\s+$")
_PARTICIPLE = _rx(r"\b(?:forces|troops|units|soldiers|militias|fighters|members|personnel)\s+$")
_TRANSFER_OBJECTS = (
    ("weapons_transfer", _rx(r"\b(?:weapons|arms|ammunition|missiles|rockets|munitions)\b")),
    ("equipment_transfer", _rx(r"\b(?:equipment|devices|vehicles|supplies)\b")),
    ("fighters_transfer", _rx(r"\b(?:fighters|troops|members|militants|reinforcements|soldiers)\b")),
)


def _subtype(kind: str, subtype: str | None) -> str | None:
    return subtype if subtype is not None and subtype in SUBTYPES.get(kind, ()) else None


def find_cues(text: str, start: int, end: int, *, dead: bool = False) -> list[Cue]:
    """The event cues of ``text[start:end]``, earliest first (see module docstring for what is dropped).

    ``dead=True`` also returns the cues that report no event (``live=False``), so places after
    them can be told apart from the event's own places.
    """
    taken: list[tuple[int, int]] = []
    found: list[Cue] = []
    sentence = text[start:end]
    low = sentence.casefold()
    planned_anywhere = bool(_PLANNED.search(sentence))
    for kind, subtype, keywords, rx in _CUES:
        if not any(word in low for word in keywords):
            continue
        for m in rx.finditer(text, start, end):
            s, e = m.start(), m.end()
            if any(a < e and s < b for a, b in taken):
                continue
            taken.append((s, e))
            before = text[max(start, s - 60):s]
            dead_as = None
            if _NEGATED.search(before):
                dead_as = "swallows"
            elif kind in ("strike", "movement", "deployment") and _HYPOTHETICAL.search(before):
                dead_as = "swallows"
            elif kind == "deployment" and m.group().casefold() == "deployed" and _PARTICIPLE.search(before):
                dead_as = "swallows"
            elif kind == "strike" and subtype is None and _ANAPHORIC.search(before):
                dead_as = "quiet"
            elif kind == "operation" and not m.group().casefold().startswith("launch") and _PURPOSE.search(before):
                dead_as = "quiet"
            if dead_as is not None:
                if dead:
                    found.append(Cue(kind, _subtype(kind, subtype), s, e, live=False, swallows=dead_as == "swallows"))
                continue
            sub = subtype
            planned = False
            if kind == "operation":
                planned = planned_anywhere and not _LAUNCHED.search(sentence)
                sub = "offensive_planned" if planned else ("offensive_launched" if _LAUNCHED.search(sentence) else None)
            elif kind == "facility":
                planned = bool(_PLANNED.search(text[max(start, s - 80):s]))
            elif kind == "movement":
                sub = next((name for name, orx in _TRANSFER_OBJECTS if orx.search(sentence)), None)
            found.append(Cue(kind, _subtype(kind, sub), s, e, planned))
    if "said" in low and not any(c.kind == "statement" for c in found):
        m = _OFFICIAL_SAID.search(text, start, end)
        if m:
            found.append(Cue("statement", _subtype("statement", "official_statement"), m.start(), m.end()))
    # "reinforcements were sent from X": the sending is the event, not a deployment at X.
    if any(c.kind == "movement" and c.live and "from" in text[c.start:c.end].casefold() for c in found):
        found = [c for c in found if not (c.kind == "deployment" and c.subtype != "redeployment" and c.live)]
    return sorted(found, key=lambda c: c.start)
