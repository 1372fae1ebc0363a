"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1) + entity category (1) + division code (6) +
organisation code (9) + check character (1). Pure functions, no Django import.

`python-stdnum` rejects the letter authorities (A, N, Y) that real codes use, so the check is
written from the standard. The GB 11714 organisation-code check on positions 9-17 is reported
separately because some real codes fail it.
"""

from __future__ import annotations

from dataclasses import dataclass

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
