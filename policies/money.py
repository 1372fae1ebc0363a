"""Money of the support policies: integer fen everywhere; yuan (and 万元 where officials expect it)
only on the way in and out. Never binary floating point."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000


def to_fen(yuan: Any) -> int:
    """Exact yuan (Decimal, int or text like "1234.56") to fen; more than two decimals is refused."""
    if isinstance(yuan, float):
        raise TypeError("money is never a float")
    try:
        value = Decimal(str(yuan).replace(",", "").strip()) * FEN_PER_YUAN
    except InvalidOperation:
        raise ValueError(f"{yuan!r} is not an amount of yuan") from None
    if value != value.to_integral_value():
        raise ValueError(f"{yuan!r} has more than two decimals")
    return int(value)


def yuan(fen: int | None) -> str:
    """1234567 -> "12,345.67"."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


def yuan_decimal(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(int(fen)) / FEN_PER_YUAN


def wan(fen: int | None) -> str:
    """1000000000 -> "1,000.00万元"; to four decimals of 万元 (one yuan), half up."""
    if fen is None:
        return ""
    value = (Decimal(int(fen)) / FEN_PER_WAN).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = f"{value:,.4f}"
    head, _, tail = text.partition(".")
    tail = tail.rstrip("0").ljust(2, "0")
    return f"{head}.{tail}万元"
