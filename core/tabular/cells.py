"""Cells of a spreadsheet or CSV read into typed values: text, integer, decimal with a scale, date,
year, yes/no, choice. Pure Python (no Django): a reader returns the value or raises `CellProblem`
with the rule's code and its parameters; `core.tabular.errors` words it in Chinese.

What a cell can hold: calamine gives str, int, float, bool, datetime.date/datetime or None for an
.xlsx; a CSV gives str. Every reader accepts all of them.

- Numbers are exact: an Excel number arrives as a binary float, whose shortest repr is what was
  typed (1234.56 stays 1234.56, never 1234.5599…); text may carry thousands separators (1,234 or
  1，234) and full-width digits. Booleans are not numbers.
- Yes/no: the same words everywhere (`YES_WORDS`, `NO_WORDS`), compared after NFKC (full-width
  letters and digits become half-width) and in any case; an Excel TRUE/FALSE cell too.
- Dates: Excel dates, 2025-01-31, 2025/1/31, 2025.1.31, 2025年1月31日 (and the other ISO 8601
  forms); a time of day other than midnight is refused (a date column holds dates); an impossible
  date (2025-02-30) is told apart from text that is no date at all.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

# The words for yes and no in every file the platform reads (upper case; cells are compared after
# NFKC, stripped and upper-cased). Templates offer YES/NO in their drop-down lists.
YES = "是"
NO = "否"
YES_WORDS = frozenset({"是", "是的", "有", "√", "✓", "✔", "Y", "YES", "TRUE", "1"})
NO_WORDS = frozenset({"否", "不是", "无", "没有", "×", "✗", "✘", "N", "NO", "FALSE", "0"})

_DATE_TEXT = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$")
_SEPARATORS = str.maketrans("", "", ",，\u00a0 ")


class CellProblem(Exception):  # noqa: N818  (a cell's verdict, caught right away)
    """A cell breaks a rule: `code` (see core.tabular.errors.RULES) and the rule's parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def cell_text(value: Any) -> str:
    """The cell as text, as a person reads it: stripped; a whole float without its ".0"; a date
    (or a datetime at midnight) as 2025-01-31; an Excel boolean as TRUE/FALSE; None as ""."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_key(text: Any) -> str:
    """Headers (and choice labels) match after NFKC — full-width brackets — and without blanks."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def word_key(value: Any) -> str:
    """How a yes/no cell is compared: NFKC, stripped, upper case."""
    return unicodedata.normalize("NFKC", cell_text(value)).strip().upper()


def read_bool(value: Any) -> bool:
    """是/否 and the other words of YES_WORDS / NO_WORDS; an Excel TRUE/FALSE; the numbers 1/0."""
    if isinstance(value, bool):
        return value
    key = word_key(value)
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    raise CellProblem("bad_bool")


def read_text(value: Any, *, max_length: int = 0) -> str:
    text = cell_text(value)
    if max_length and len(text) > max_length:
        raise CellProblem("too_long", max=max_length)
    return text


def read_number(value: Any) -> Decimal:
    """Any number cell as an exact Decimal (not_number otherwise)."""
    kind = type(value)
    if kind is float:
        number = Decimal(repr(value))
    elif kind is int:
        return Decimal(value)
    elif kind is bool:
        raise CellProblem("not_number")
    elif isinstance(value, int):  # an int subclass other than bool
        return Decimal(int(value))
    else:
        text = unicodedata.normalize("NFKC", cell_text(value)).translate(_SEPARATORS)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellProblem("not_number") from None
    if not number.is_finite():
        raise CellProblem("not_number")
    return number


def read_integer(value: Any, *, low: int = 0, high: int | None = None) -> int:
    """A whole number in [low, high]: not_integer, negative (below 0 when low ≥ 0), too_small,
    too_large."""
    return _integer(low, high, value)


def integer_reader(*, low: int = 0, high: int | None = None) -> Callable[[Any], int]:
    """read_integer with its bounds bound, for reading a column cell by cell."""
    return functools.partial(_integer, low, high)


def _integer(low: int, high: int | None, value: Any) -> int:
    kind = type(value)
    if kind is int:  # the usual Excel cell: no Decimal needed
        number: int | Decimal = value
    elif kind is float and value.is_integer():
        number = int(value)
    else:
        number = read_number(value)
        if number != number.to_integral_value():
            raise CellProblem("not_integer")
    if number < low:
        raise CellProblem("negative" if number < 0 <= low else "too_small", low=low)
    if high is not None and number > high:
        raise CellProblem("too_large", high=high)
    return int(number)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(10)}


def read_decimal(value: Any, *, places: int = 2, low: Decimal | int = 0, high: Decimal | int | None = None) -> Decimal:
    """A decimal with at most `places` decimals, returned with exactly that scale (5 → 5.00)."""
    return _decimal(_QUANTA.get(places) or Decimal(1).scaleb(-places), low, high, value)


def decimal_reader(
    *, places: int = 2, low: Decimal | int = 0, high: Decimal | int | None = None
) -> Callable[[Any], Decimal]:
    """read_decimal with its scale and bounds bound, for reading a column cell by cell."""
    return functools.partial(_decimal, Decimal(1).scaleb(-places), low, high)


def _decimal(quantum: Decimal, low: Decimal | int, high: Decimal | int | None, value: Any) -> Decimal:
    if type(value) is float:  # the usual Excel cell, without a call to read_number
        number = Decimal(repr(value))
        if not number.is_finite():
            raise CellProblem("not_number")
    else:
        number = read_number(value)
    if number < low:
        raise CellProblem("negative" if number < 0 <= low else "too_small", low=low)
    if high is not None and number > high:
        raise CellProblem("too_large", high=high)
    scaled = number.quantize(quantum)
    if scaled != number:
        raise CellProblem("decimals", places=-int(quantum.as_tuple().exponent))
    return scaled


def read_date(value: Any, *, today: datetime.date | None = None) -> datetime.date:
    """A date (see the module's docstring); with `today`, later dates are refused (future_date)."""
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            raise CellProblem("date_with_time")
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str):
        day = _date_text(unicodedata.normalize("NFKC", value).strip())
    else:
        raise CellProblem("bad_date")
    if today is not None and day > today:
        raise CellProblem("future_date", today=today.isoformat())
    return day


def _date_text(text: str) -> datetime.date:
    match = _DATE_TEXT.match(text)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            code = "no_such_date" if 1 <= int(match[2]) <= 12 else "no_such_month"
            raise CellProblem(code, year=match[1], month=int(match[2]), day=int(match[3])) from None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    try:  # "2025-01-31 00:00:00" as a CSV writes an Excel date
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CellProblem("bad_date") from None
    if moment.time() != datetime.time() or moment.tzinfo is not None:
        raise CellProblem("date_with_time")
    return moment.date()


def read_year(value: Any, *, low: int, high: int) -> int:
    """A year in [low, high]; anything else is bad_year (the rule names the range)."""
    try:
        year = read_integer(value)
    except CellProblem:
        raise CellProblem("bad_year", low=low, high=high) from None
    if not low <= year <= high:
        raise CellProblem("bad_year", low=low, high=high)
    return year


class Choices:
    """Reads a cell of a list column into its key: the Chinese label (after NFKC, blanks ignored) or
    the key itself (any case). `shown` lists the labels (and keys with show_keys) for the rule."""

    def __init__(self, choices: Iterable[tuple[str, str]], *, show_keys: bool = False) -> None:
        pairs = [(str(key), str(label)) for key, label in choices]
        self.lookup: dict[str, str] = {}
        for key, _label in pairs:
            self.lookup[header_key(key).lower()] = key
        for key, label in pairs:
            self.lookup[header_key(label)] = key  # a label wins over a key spelt the same
        self.labels = [label for _key, label in pairs]
        self.shown = "、".join(f"{label}（{key}）" if show_keys else label for key, label in pairs)

    def __call__(self, value: Any) -> str:
        text = header_key(cell_text(value))
        found = self.lookup.get(text) or self.lookup.get(text.lower())
        if found is None:
            raise CellProblem("bad_choice", choices=self.shown)
        return found
