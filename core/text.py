"""Name normalisation: traditional characters become simplified where names are compared."""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize_name(name: str) -> str:
    """Key used for matching and search: NFKC (full-width brackets), simplified, no blanks."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _converter().convert(text)
    return _SPACES.sub("", text).strip()


def to_simplified(text: str) -> str:
    return _converter().convert(text or "")
