"""Desert Atlas gazetteer: Syrian place names as reports write them, resolved offline.

>>> from gazetteer import load_gazetteer
>>> load_gazetteer().resolve("Albu Kamal", context="Deir ez-Zor").name  # doctest: +SKIP
'al-Bukamal'
"""
from .errors import DataError, GazetteerError, OnlineError, SourceFileError
from .building import build, load_gazetteer
from .gazetteer import Gazetteer
from .model import Alternative, Place, Resolution
from .normalize import normalize, skeleton
from .scanning import TextMention, Tokens, feature_level, find_in_text, tokenize

__all__ = ["Alternative", "DataError", "Gazetteer", "GazetteerError", "OnlineError", "Place", "Resolution",
           "SourceFileError", "TextMention", "Tokens", "build", "feature_level", "find_in_text", "load_gazetteer",
           "normalize", "skeleton", "tokenize"]
