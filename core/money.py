"""Money and the other numbers officials read: one kernel for every app.

Money is an integer number of fen (分) in storage, in ledgers and in the engines; yuan (元), 万元
and 亿元 exist only on the way in (`to_fen`) and on the way out (the formatters below). Nothing
here ever touches a binary float: a float handed in is refused, because its tail (0.1 + 0.2) is
exactly the noise this module exists to keep off the screen.

Conventions (docs/architecture.md, "Presentation"):
- `yuan(fen)` is the number alone, two decimals and thousands separators ("12,345.67"): the unit
  is in the column header or the sentence ("金额（元）", "…12,345.67 元"). `yuan_text(fen)` adds
  the unit ("12,345.67元").
- `wan(fen)` is exact: 万元 to four decimals (one yuan), at least two shown ("1,000.00万元",
  "1.2346万元"); `yi(fen)` likewise in 亿元 (four decimals: one 万元, rounded half up).
- `money_auto(fen)` picks the unit an official expects for the size: 元 below 1万元, 万元 below
  1亿元, 亿元 above; `common_unit(*fens)` picks one unit for a row of figures shown side by side
  (a row of tiles never mixes 元 and 万元).
- `decimal_text(value, places)` formats any exact decimal (a Decimal, an int or its text: areas in
  m², revenue already in 万元) with a fixed number of places, rounded half up; `count(n)` an
  integer; `percent(ratio)` a share as "60.5%". Thousands separators: figures from five digits on
  ("1800.00", "35,000.00", "57,600": GB/T 15835-2011 leaves four-digit numbers whole), money
  from four ("7,000.00元", the habit of ledgers).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000  # 1万元
FEN_PER_YI = 10_000_000_000  # 1亿元

# Thousands separators: figures from five digits on (GB/T 15835-2011 leaves four-digit numbers
# whole), money from four (the accounting habit of ledgers and vouchers: 7,000.00元).
GROUP_FROM = 10_000
MONEY_GROUP_FROM = 1_000

YUAN, WAN, YI = "yuan", "wan", "yi"
UNIT_WORDS = {YUAN: gettext_lazy("元"), WAN: gettext_lazy("万元"), YI: gettext_lazy("亿元")}
_UNIT_FEN = {YUAN: FEN_PER_YUAN, WAN: FEN_PER_WAN, YI: FEN_PER_YI}


def to_decimal(value: Any) -> Decimal:
    """An exact decimal from a Decimal, an int or text ("1,234.50"); never from a float."""
    if isinstance(value, (bool, float)):
        raise TypeError("numbers shown to officials are never built from a float")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None


def to_fen(yuan: Any) -> int:
    """Exact yuan (Decimal, int or text like "1234.56") to fen; more than two decimals is refused."""
    try:
        value = to_decimal(yuan) * FEN_PER_YUAN
    except ValueError:
        raise ValueError(f"{yuan!r} is not an amount of yuan") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"{yuan!r} has more than two decimals")
    return int(value)


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """1234567 -> Decimal("12345.67") (exact, two places)."""
    return None if fen is None else (Decimal(int(fen)) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def decimal_text(value: Any, places: int = 2, *, group_from: int = GROUP_FROM) -> str:
    """171682.850000 -> "171,682.85"; rounded half up to `places`, no float. Thousands separators
    from `group_from` on: five digits for figures (GB/T 15835-2011: "1800.00", "35,000.00"), four
    for money (`group_from=MONEY_GROUP_FROM`: "7,000.00")."""
    if value is None or value == "":
        return ""
    number = to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    grouping = "," if abs(number) >= group_from else ""
    return f"{number:{grouping}.{places}f}"


def trimmed_text(value: Any, max_places: int, min_places: int = 0, *, group_from: int = GROUP_FROM) -> str:
    """A decimal rounded half up to `max_places`, trailing zeros dropped down to `min_places`:
    (1.23460, 4, 2) -> "1.2346"; (1000, 4, 2) -> "1000.00"; (4.35, 4) -> "4.35"."""
    text = decimal_text(value, max_places, group_from=group_from)
    if max_places == 0:
        return text
    head, _dot, tail = text.partition(".")
    tail = tail.rstrip("0").ljust(min_places, "0")
    return f"{head}.{tail}" if tail else head


def count(value: Any) -> str:
    """57600 -> "57,600"; 5760 -> "5760" (separators from five digits, GB/T 15835-2011)."""
    if value is None or value == "":
        return ""
    number = int(to_decimal(value))
    return f"{number:,}" if abs(number) >= GROUP_FROM else str(number)


def percent(ratio: Any, places: int = 2) -> str:
    """A share as a percentage: Decimal("0.605") -> "60.5%" (up to `places` decimals, exact)."""
    if ratio is None or ratio == "":
        return ""
    return f"{trimmed_text(to_decimal(ratio) * 100, places)}%"


def ppm_percent(ppm: int | None) -> str:
    """Parts per million as a percentage: 300000 -> "30%", 43500 -> "4.35%" (exact)."""
    if ppm is None:
        return ""
    return f"{trimmed_text(Decimal(int(ppm)) / 10_000, 4)}%"


# ---- money -------------------------------------------------------------------------------------


def yuan(fen: int | None) -> str:
    """1234567 -> "12,345.67" (the number; the unit is in the header or the sentence)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


def signed_yuan(fen: int | None) -> str:
    """+1,000.00 / -500.00 / 0.00: a change, with its sign."""
    if fen is None:
        return ""
    return ("+" if fen > 0 else "") + yuan(fen)


def yuan_text(fen: int | None) -> str:
    """1234567 -> "12,345.67元"."""
    return "" if fen is None else f"{yuan(fen)}{UNIT_WORDS[YUAN]}"


def in_unit(fen: int | None, unit: str, *, signed: bool = False, with_unit: bool = True) -> str:
    """An amount of fen in 元, 万元 or 亿元: 元 to the fen; 万元 to four decimals (one yuan) and
    亿元 to four decimals (one 万元), at least two shown."""
    if fen is None:
        return ""
    text = (
        yuan(fen)
        if unit == YUAN
        else trimmed_text(Decimal(int(fen)) / _UNIT_FEN[unit], 4, 2, group_from=MONEY_GROUP_FROM)
    )
    if signed and fen > 0:
        text = f"+{text}"
    return f"{text}{UNIT_WORDS[unit]}" if with_unit else text


def wan(fen: int | None) -> str:
    """1000000000 -> "1,000.00万元"; 123456789 -> "123.4568万元" (to the yuan, half up)."""
    return in_unit(fen, WAN)


def yi(fen: int | None) -> str:
    """12345678900000 -> "1,234.5679亿元"."""
    return in_unit(fen, YI)


def unit_for(fen: int | None) -> str:
    """The unit an official reads an amount of this size in: 元 below 1万元, 万元 below 1亿元."""
    size = abs(int(fen or 0))
    if size >= FEN_PER_YI:
        return YI
    if size >= FEN_PER_WAN:
        return WAN
    return YUAN


def common_unit(*fens: int | None) -> str:
    """One unit for figures shown side by side: the one the largest of them reads in."""
    return unit_for(max((abs(int(f)) for f in fens if f is not None), default=0))


def money_auto(fen: int | None, *, signed: bool = False) -> str:
    """An amount in the unit its size calls for: "800.00元", "52.00万元", "1.2000亿元"."""
    return in_unit(fen, unit_for(fen), signed=signed)


def legal_amount(fen: int | None) -> str:
    """An amount as a legal text writes it when it is round: 1亿元, 1000万元, 2万元; otherwise
    exact yuan with the unit ("200.50元")."""
    if fen is None:
        return ""
    if fen and fen % FEN_PER_YI == 0:
        return f"{fen // FEN_PER_YI}{UNIT_WORDS[YI]}"
    if fen and fen % FEN_PER_WAN == 0:
        return f"{fen // FEN_PER_WAN}{UNIT_WORDS[WAN]}"
    return yuan_text(fen)
