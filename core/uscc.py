"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1) + entity category (1) + division code (6) +
organisation code (9) + check character (1). Pure functions, no Django import.

Two ways in, one answer: `check(raw)` for one code, `check_many(codes)` for a whole column at once
(NumPy; a test holds it to `check` on valid and corrupted codes). Both return the same problems.

`python-stdnum` rejects the letter authorities (A, N, Y) that real codes use, so the check is
written from the standard. The GB 11714 organisation-code check on positions 9-17 is reported
separately because some real codes fail it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Registration authorities of GB 32100 table 1 (1 机构编制, 5 民政, 9 工商, Y 其他 …).
AUTHORITIES = frozenset("123456789ANY")


class Problem:
    """Machine-readable reasons; the messages users see are in registry.validation."""

    EMPTY = "empty"
    LENGTH = "length"
    ALPHABET = "alphabet"
    AUTHORITY = "authority"
    CHECK = "check"


@dataclass(frozen=True)
class CheckResult:
    code: str
    problem: str | None  # None when the code is valid
    expected_check: str | None = None
    org_code_ok: bool | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def normalize(raw: object) -> str:
    """Upper case, without blanks and full-width characters that spreadsheets bring along."""
    text = "" if raw is None else str(raw)
    text = text.translate({0x3000: None, 0x20: None, 0x09: None, 0xA0: None})
    # Full-width ASCII (Ａ-Ｚ, ０-９) to half-width.
    text = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)
    return text.strip().upper()


def check_character(body17: str) -> str:
    total = sum(VALUES[c] * w for c, w in zip(body17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check(org9: str) -> bool:
    """GB 11714 check of the organisation code (positions 9-17)."""
    if len(org9) != 9 or any(c not in ORG_ALPHABET for c in org9[:8]):
        return False
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(org9[:8], ORG_WEIGHTS, strict=True))
    rest = 11 - total % 11
    expected = "X" if rest == 10 else "0" if rest == 11 else str(rest)
    return org9[8] == expected


def check(raw: object) -> CheckResult:
    code = normalize(raw)
    if not code:
        return CheckResult(code, Problem.EMPTY)
    if len(code) != 18:
        return CheckResult(code, Problem.LENGTH)
    if any(c not in VALUES for c in code):
        return CheckResult(code, Problem.ALPHABET)
    if code[0] not in AUTHORITIES:
        return CheckResult(code, Problem.AUTHORITY)
    expected = check_character(code[:17])
    org_ok = org_code_check(code[8:17])
    if code[17] != expected:
        return CheckResult(code, Problem.CHECK, expected_check=expected, org_code_ok=org_ok)
    return CheckResult(code, None, expected_check=expected, org_code_ok=org_ok)


def is_valid(raw: object) -> bool:
    return check(raw).ok


def category(code: str) -> str:
    """Entity category from positions 1-2: 91 enterprise, 92 individual business, 93 cooperative."""
    return {"91": "enterprise", "92": "individual", "93": "cooperative"}.get(code[:2], "other")


def make(body17: str) -> str:
    """Complete a 17-character body with its check character (demo data, tests)."""
    return body17 + check_character(body17)


# ---- many codes at once -------------------------------------------------------------------------

# Byte -> value in the GB 32100 alphabet (-1 outside it); byte -> value in the GB 11714
# organisation-code alphabet; registration authorities.
_VALUE = np.full(256, -1, dtype=np.int64)
_VALUE[np.frombuffer(ALPHABET.encode(), dtype=np.uint8)] = np.arange(len(ALPHABET))
_ORG_VALUE = np.zeros(256, dtype=np.int64)
_ORG_VALUE[np.frombuffer(ORG_ALPHABET.encode(), dtype=np.uint8)] = np.arange(len(ORG_ALPHABET))
_AUTHORITY = np.zeros(256, dtype=bool)
_AUTHORITY[np.frombuffer("".join(sorted(AUTHORITIES)).encode(), dtype=np.uint8)] = True
_WEIGHTS = np.array(WEIGHTS, dtype=np.int64)
_ORG_WEIGHTS = np.array(ORG_WEIGHTS, dtype=np.int64)
_CHECK_CHARS = np.array(list(ALPHABET), dtype=object)


# A problem as a small integer in the arrays of check_many, and back.
_PROBLEMS = np.array(
    [None, Problem.EMPTY, Problem.LENGTH, Problem.ALPHABET, Problem.AUTHORITY, Problem.CHECK], dtype=object
)
_EMPTY, _LENGTH, _ALPHABET, _AUTHORITY_CODE, _CHECK = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class ManyResults:
    """`check` of many codes, column by column: entry i is what `check(codes[i])` says. The
    problems and expected check characters are lists made when first asked for (an import only
    reads `ok` and `org_code_ok`)."""

    codes: list[str]  # as normalised (or as given, with normalized=True)
    ok: np.ndarray  # bool
    org_code_ok: np.ndarray  # bool; False where `check` leaves it None
    problem_codes: np.ndarray  # int8: 0 valid, then the index of the problem in _PROBLEMS
    check_values: np.ndarray  # int64: the expected check character's value, -1 where `check` gives none

    def __len__(self) -> int:
        return len(self.codes)

    @functools.cached_property
    def problems(self) -> list[str | None]:
        found: list[str | None] = _PROBLEMS[self.problem_codes].tolist()
        return found

    @functools.cached_property
    def expected_checks(self) -> list[str | None]:
        chars = _CHECK_CHARS[np.where(self.check_values < 0, 0, self.check_values)]
        chars[self.check_values < 0] = None
        found: list[str | None] = chars.tolist()
        return found

    def result(self, i: int) -> CheckResult:
        problem = self.problems[i]
        org = bool(self.org_code_ok[i]) if problem is None or problem == Problem.CHECK else None
        return CheckResult(self.codes[i], problem, self.expected_checks[i], org)


def check_many(raw: Sequence[object], *, normalized: bool = False) -> ManyResults:
    """`check` of every code of `raw` in a few array operations.

    `normalized=True` takes the codes as they are (strings, already upper-case, without blanks):
    an import's clean column costs no Python call per code; a code that fails may still be valid
    once normalised, so send the failures through `check`, which also names the problem for people.
    """
    codes: list[str] = cast(list[str], list(raw)) if normalized else [normalize(c) for c in raw]
    n = len(codes)
    problem_codes = np.zeros(n, dtype=np.int8)
    check_values = np.full(n, -1, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    org_ok = np.zeros(n, dtype=bool)
    joined = "".join(codes)
    if len(joined) == 18 * n and joined.isascii() and (not codes or set(map(len, codes)) == {18}):
        shaped: list[int] | slice = slice(None)  # the usual column: every code 18 ASCII characters
    else:
        shaped = []
        for i, code in enumerate(codes):
            if len(code) == 18 and code.isascii():
                shaped.append(i)
            else:
                problem_codes[i] = _EMPTY if not code else _LENGTH if len(code) != 18 else _ALPHABET
        joined = "".join(codes[i] for i in shaped)
    if joined:
        data = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        values = _VALUE[data]
        alphabet_ok = (values >= 0).all(axis=1)
        authority_ok = _AUTHORITY[data[:, 0]]
        judged = alphabet_ok & authority_ok  # `check` computes the check character only for these
        # Garbage where a character is outside the alphabet: those codes are not judged.
        check_value = (31 - (values[:, :17] @ _WEIGHTS) % 31) % 31
        check_ok = check_value == values[:, 17]
        rest = 11 - (_ORG_VALUE[data[:, 8:16]] @ _ORG_WEIGHTS) % 11
        org_expected = np.where(rest == 10, ord("X"), np.where(rest == 11, ord("0"), ord("0") + rest))
        ok[shaped] = judged & check_ok
        org_ok[shaped] = (org_expected == data[:, 16]) & judged
        problem_codes[shaped] = np.where(
            ~alphabet_ok, _ALPHABET, np.where(~authority_ok, _AUTHORITY_CODE, np.where(~check_ok, _CHECK, 0))
        )
        check_values[shaped] = np.where(judged, check_value, -1)
    return ManyResults(codes, ok, org_ok, problem_codes, check_values)
