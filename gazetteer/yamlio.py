"""Strict, fast YAML reading for hand-edited data files (shared by the gazetteer and geo).

A key given twice in one mapping is an error instead of a silent overwrite, and dates stay
strings (a bad date becomes a problem on one field, not a crash of the whole file). Parsing uses
libyaml's C parser where PyYAML has it: the curated gazetteer loads on every cold start.
"""
from __future__ import annotations

import reprlib
from typing import Any

import yaml

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


#: How much of a value an error message quotes (an aliased "billion laughs" value expands without end).
QUOTE_CHARS = 80
_QUOTE = reprlib.Repr()
_QUOTE.maxstring = _QUOTE.maxother = QUOTE_CHARS
_QUOTE.maxlevel = 3


def quote(value: Any) -> str:
    """A short ``repr`` of a value for messages: bounded in length and depth, however large the value."""
    text = _QUOTE.repr(value)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 3] + "..."


class StrictLoader(_BASE):  # type: ignore[misc, valid-type]
    """Safe loading without implicit timestamps and with duplicate-key detection."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            # A plain scalar key (every key our files use) is compared as written: constructing it
            # here and again in the base class doubled the cost of reading a large file.
            scalar = isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:str"
            key = key_node.value if scalar else self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError as exc:  # "? [a, b]": a list or mapping as a key
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found unhashable key {quote(key)}", key_node.start_mark,
                ) from exc
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {quote(key)}", key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str | bytes) -> Any:
    """Parse YAML text strictly; raises ``yaml.YAMLError`` (with a position) on any problem."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a safe loader
    except UnicodeEncodeError as exc:  # a lone surrogate: libyaml reads UTF-8, which cannot hold it
        raise yaml.reader.ReaderError("<unicode string>", exc.start, ord(exc.object[exc.start]), exc.encoding,
                                      "a lone surrogate is not text") from exc
