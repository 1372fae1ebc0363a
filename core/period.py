"""Reporting periods: a month, a quarter, a half-year or a year, as one small value object. Pure
Python (no Django); stored as its code by `core.period_field.PeriodField`.

    q = Period.parse("2026Q3")          # also "2026-07", "2026H1", "2026", and the Chinese names
    q.code, q.label                     # "2026Q3", "2026年第三季度"
    q.start, q.end                      # date(2026, 7, 1), date(2026, 9, 30): both days included
    q.contains(date(2026, 8, 15))       # True; an aware datetime is taken in Asia/Shanghai
    q.next(), q.previous(), q + 4       # 2026Q4, 2026Q2, 2027Q3
    q.months()                          # (2026-07, 2026-08, 2026-09)
    Period.of_year(2026).quarters()     # the quarters of 2026
    Period.containing(moment, QUARTER)  # the quarter of an instant (Shanghai calendar) or a date
    q.deadline(calendar, 10)            # 24:00 Beijing time of the 10th working day after 30 Sep

Codes (canonical, what is stored and what the API speaks): "2026" (year), "2026H1"/"2026H2"
(half-year), "2026Q1".."2026Q4" (quarter), "2026-01".."2026-12" (month). Within one kind, codes
sort like the periods. Parsing also takes lower case, full-width characters, "2026-7", "2026年度" and
the Chinese names that `label` gives ("2026年", "2026年上半年", "2026年第三季度", "2026年7月").

Time (DESIGN.md): a period is a run of calendar days in Asia/Shanghai. It begins at 00:00 Beijing
time of `start` and ends at 24:00 Beijing time of `end` (`ends_at`, the last instant, like
core.workdays.end_of_day). A deadline of N days after the period (季后 N 个工作日内) counts the day
after `end` as day 1 (the period's own last day is not counted, 民法典 第201条), in working days of
the official calendar (core.workdays) or in calendar days, and ends at 24:00 Beijing time of its
last day.

Order: periods sort by (start, end), so periods of one kind sort in time and a year comes after
its first quarter, which starts with it and ends earlier. Equal periods are equal in kind, year
and index, and hash alike.

The Chinese names are the period's written form (like a date's 2026年7月), not sentences: they
are written here so that engines can name periods without Django.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import re
import unicodedata
from typing import Any

from core.workdays import SHANGHAI, Calendar, Unit, end_of_day, local_date


class Kind(enum.StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"


YEAR, HALF, QUARTER, MONTH = Kind.YEAR, Kind.HALF, Kind.QUARTER, Kind.MONTH
MONTHS = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}  # months in a period of each kind
PER_YEAR = {kind: 12 // months for kind, months in MONTHS.items()}
FIRST_YEAR, LAST_YEAR = 1000, 9999  # four-digit years: the codes sort and parse back

_NUMERALS = "一二三四"
_HALVES = ("上", "下")
_PATTERNS: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (re.compile(r"^(\d{4})(?:年度?)?$"), YEAR),
    (re.compile(r"^(\d{4})H([12])$"), HALF),
    (re.compile(r"^(\d{4})Q([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), MONTH),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), MONTH),
    (re.compile(r"^(\d{4})年第([1-4一二三四])季度$"), QUARTER),
    (re.compile(r"^(\d{4})年([上下])半年$"), HALF),
)


class PeriodError(ValueError):
    """Not a period: the text or the numbers given (the words for people are the caller's)."""


@functools.total_ordering
@dataclasses.dataclass(frozen=True)
class Period:
    kind: Kind
    year: int
    index: int = 1  # 1 for a year; 1–2 half; 1–4 quarter; 1–12 month

    def __post_init__(self) -> None:
        try:
            kind = Kind(self.kind)
        except ValueError:
            raise PeriodError(f"unknown kind of period {self.kind!r}") from None
        object.__setattr__(self, "kind", kind)
        if not isinstance(self.year, int) or not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise PeriodError(f"year {self.year!r} outside {FIRST_YEAR}..{LAST_YEAR}")
        if not isinstance(self.index, int) or not 1 <= self.index <= PER_YEAR[kind]:
            raise PeriodError(f"{kind} {self.index!r} outside 1..{PER_YEAR[kind]}")

    # ---- making periods -------------------------------------------------------------------------

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(YEAR, year)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        return cls(HALF, year, half)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(QUARTER, year, quarter)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(MONTH, year, month)

    @classmethod
    def parse(cls, text: str) -> Period:
        """A code or a Chinese name (see the module's docstring); PeriodError otherwise."""
        clean = unicodedata.normalize("NFKC", str(text)).strip().upper().replace(" ", "")
        for pattern, kind in _PATTERNS:
            match = pattern.match(clean)
            if match is None:
                continue
            year = int(match[1])
            if kind == YEAR:
                return cls(YEAR, year)
            part = match[2]
            if part in _NUMERALS:
                index = _NUMERALS.index(part) + 1
            elif part in _HALVES:
                index = _HALVES.index(part) + 1
            else:
                index = int(part)
            return cls(kind, year, index)
        raise PeriodError(f"not a period: {text!r}")

    @classmethod
    def containing(cls, moment: datetime.date | datetime.datetime, kind: Kind | str) -> Period:
        """The period of `kind` that holds a date, or an aware instant (its Asia/Shanghai date)."""
        day = local_date(moment)
        kind = Kind(kind)
        return cls(kind, day.year, (day.month - 1) // MONTHS[kind] + 1)

    @classmethod
    def current(cls, kind: Kind | str, now: datetime.datetime | None = None) -> Period:
        """The period of `kind` running now in Beijing."""
        return cls.containing(now or datetime.datetime.now(SHANGHAI), kind)

    @classmethod
    def periods_of_year(cls, year: int, kind: Kind | str) -> tuple[Period, ...]:
        kind = Kind(kind)
        return tuple(cls(kind, year, i) for i in range(1, PER_YEAR[kind] + 1))

    # ---- naming ---------------------------------------------------------------------------------

    @property
    def code(self) -> str:
        if self.kind == YEAR:
            return f"{self.year:04d}"
        if self.kind == HALF:
            return f"{self.year:04d}H{self.index}"
        if self.kind == QUARTER:
            return f"{self.year:04d}Q{self.index}"
        return f"{self.year:04d}-{self.index:02d}"

    @property
    def label(self) -> str:
        """The Chinese name: 2026年, 2026年上半年, 2026年第三季度, 2026年7月."""
        if self.kind == YEAR:
            return f"{self.year}年"
        if self.kind == HALF:
            return f"{self.year}年{_HALVES[self.index - 1]}半年"
        if self.kind == QUARTER:
            return f"{self.year}年第{_NUMERALS[self.index - 1]}季度"
        return f"{self.year}年{self.index}月"

    def __str__(self) -> str:
        return self.code

    # ---- time -----------------------------------------------------------------------------------

    @property
    def first_month(self) -> int:
        return (self.index - 1) * MONTHS[self.kind] + 1

    @property
    def start(self) -> datetime.date:
        """The first day (included)."""
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        """The last day (included)."""
        last_month = self.first_month + MONTHS[self.kind] - 1
        if last_month == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, last_month + 1, 1) - datetime.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime.datetime:
        """00:00 Beijing time of the first day (aware)."""
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=SHANGHAI)

    @property
    def ends_at(self) -> datetime.datetime:
        """24:00 Beijing time of the last day: its last instant, 23:59:59.999999 (aware)."""
        return end_of_day(self.end)

    def contains(self, moment: datetime.date | datetime.datetime | Period) -> bool:
        """A date in the period; an aware instant whose Beijing date is in it (a naive datetime is
        refused); a period wholly inside it."""
        if isinstance(moment, Period):
            return self.start <= moment.start and moment.end <= self.end
        return self.start <= local_date(moment) <= self.end

    def deadline(self, calendar: Calendar, n: int, unit: Unit = "working") -> datetime.datetime:
        """The instant a report on this period is due when it is due within n (working or calendar)
        days after the period: 24:00 Beijing time of the n-th day, the day after `end` being day 1.
        Raises core.workdays.YearNotCovered when the official calendar of a year needed is missing."""
        return calendar.deadline_after(self.end + datetime.timedelta(days=1), n, unit)

    # ---- sequence -------------------------------------------------------------------------------

    def __add__(self, n: int) -> Period:
        if not isinstance(n, int):
            return NotImplemented
        year, index = divmod(self.year * PER_YEAR[self.kind] + self.index - 1 + n, PER_YEAR[self.kind])
        return Period(self.kind, year, index + 1)

    def __sub__(self, n: int) -> Period:
        if not isinstance(n, int):
            return NotImplemented
        return self + -n

    def next(self) -> Period:
        return self + 1

    def previous(self) -> Period:
        return self - 1

    def parts(self, kind: Kind | str) -> tuple[Period, ...]:
        """The periods of a finer (or the same) kind that make up this one, in order."""
        kind = Kind(kind)
        if MONTHS[kind] > MONTHS[self.kind]:
            raise PeriodError(f"a {self.kind} has no {kind}s")
        first = Period.containing(self.start, kind)
        return tuple(first + i for i in range(MONTHS[self.kind] // MONTHS[kind]))

    def months(self) -> tuple[Period, ...]:
        return self.parts(MONTH)

    def quarters(self) -> tuple[Period, ...]:
        return self.parts(QUARTER)

    def halves(self) -> tuple[Period, ...]:
        return self.parts(HALF)

    def year_period(self) -> Period:
        """The year this period belongs to."""
        return Period(YEAR, self.year)

    # ---- order ----------------------------------------------------------------------------------

    def sort_key(self) -> tuple[datetime.date, datetime.date]:
        return (self.start, self.end)

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key() < other.sort_key()
