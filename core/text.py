"""Name normalisation: traditional characters become simplified where names are compared."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

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


def normalize_names(names: Sequence[str]) -> list[str]:
    """normalize_name of many names at once: one OpenCC call for the whole list (an import's
    60,000 names cost one conversion instead of 60,000)."""
    cleaned = [_SPACES.sub("", unicodedata.normalize("NFKC", n or "")) for n in names]
    converted = _converter().convert("\n".join(cleaned)).split("\n")
    if len(converted) != len(cleaned):  # pragma: no cover - OpenCC keeps line breaks
        return [normalize_name(n) for n in names]
    return converted


def to_simplified(text: str) -> str:
    return _converter().convert(text or "")
