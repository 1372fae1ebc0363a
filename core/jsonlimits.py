"""JSON from outside read with a ceiling on its nesting.

Python's json module decodes nested arrays and objects by recursion: a body of a thousand `[`
raises RecursionError, which no caller expects (the API answered 500 to anyone, signed in or
not). `nesting_depth` measures the nesting without recursion and without decoding, in a few
vectorised passes over the bytes (NumPy): a quote not escaped by an odd run of backslashes opens
or closes a string, and brackets outside strings are counted. `loads` refuses a too-deep text
before json sees it. A text that is not JSON may be measured wrongly after its first error, but
json stops there too: up to that point the two read the text alike.

Pure Python, no Django: the API's parser (`core.api.parsers`) and the pages that read JSON typed
into a form word the refusal in their own language.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

MAX_DEPTH = 32  # the deepest real document (a what-if overlay, a score sheet) nests 4 levels

QUOTE, BACKSLASH = ord('"'), ord("\\")
OPEN = np.frombuffer(b"[{", dtype=np.uint8)
CLOSE = np.frombuffer(b"]}", dtype=np.uint8)


class TooDeep(ValueError):  # noqa: N818  (a refusal of the input, like json's own ValueError)
    """The text nests deeper than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nests deeper than {limit} levels")
        self.limit = limit


def nesting_depth(text: str | bytes) -> int:
    """How deep arrays and objects nest in `text` (0 for a scalar); brackets inside strings do
    not count. Linear in the length of the text, whatever its shape."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    # UTF-8 never uses ASCII bytes inside a multi-byte character: quotes and brackets are bytes.
    b = np.frombuffer(data, dtype=np.uint8)
    if not b.size:
        return 0
    index = np.arange(b.size)
    # For each byte, the index of the last byte at or before it that is not a backslash.
    last_plain = np.maximum.accumulate(np.where(b != BACKSLASH, index, -1))
    # The run of backslashes just before each byte; a quote after an odd run is escaped.
    run_before = np.empty_like(index)
    run_before[0] = 0
    run_before[1:] = (index[1:] - 1) - last_plain[:-1]
    quote = (b == QUOTE) & (run_before % 2 == 0)
    inside = (np.cumsum(quote) - quote) % 2 == 1  # after an odd number of opening/closing quotes
    outside = ~inside & ~quote
    steps = (np.isin(b, OPEN) & outside).astype(np.int64) - (np.isin(b, CLOSE) & outside)
    return int(np.cumsum(steps).max(initial=0))


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """`json.loads` that raises `TooDeep` (a ValueError) for a text nested deeper than `max_depth`."""
    if nesting_depth(text) > max_depth:
        raise TooDeep(max_depth)
    return json.loads(text, **kwargs)
