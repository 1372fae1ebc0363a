"""The roster of resident enterprises (附件 四：已入驻电子商务企业名单及经营情况简表) of an application,
linked to the registry instead of retyped: the base's current residencies (`left_on` empty) with
each enterprise's main business, annual revenue, employees and its titles of city level and above
(获得市级以上示范称号情况).

Who may see the application sees its roster: callers reach it only through `access()` on the
application, so the residencies are read for that one base. Contact details are never part of it.

At submission to the ministry the roster as it stood is frozen into an .xlsx document of kind
`ROSTER_KIND` (`freeze`), unless the operator uploaded a roster file of its own.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Base, Residency, Title, TitleLevel

ROSTER_KIND = "resident_enterprise_roster"
# 获得市级以上示范称号情况: district titles are not part of the notice's table.
TITLE_LEVELS = (TitleLevel.NATIONAL, TitleLevel.PROVINCIAL, TitleLevel.MUNICIPAL)


@dataclass(frozen=True)
class RosterRow:
    name: str
    credit_code: str
    is_ecommerce: bool
    main_business: str
    industry: str
    annual_revenue: Decimal | None
    figures_year: int | None
    employees: int | None
    entered_on: datetime.date | None
    titles: tuple[str, ...]


@dataclass
class Totals:
    count: int = 0
    revenue: Decimal = Decimal("0")
    revenue_missing: int = 0
    employees: int = 0
    employees_missing: int = 0


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


def active_residencies(base: Base | int) -> Any:
    """The base's current residencies with their enterprises and city-or-higher titles: three
    queries (residencies with their enterprises, then their titles) whatever the number of enterprises."""
    base_id = base if isinstance(base, int) else base.pk
    titles = Title.objects.filter(level__in=TITLE_LEVELS).order_by("-year", "name")
    return (
        Residency.objects.filter(base_id=base_id, left_on__isnull=True)
        .select_related("enterprise")
        .prefetch_related(Prefetch("enterprise__titles", queryset=titles, to_attr="roster_titles"))
        .order_by("enterprise__name", "enterprise__credit_code")
    )


def title_text(title: Title) -> str:
    return _("%(year)s年 %(name)s（%(level)s）") % {
        "year": title.year,
        "name": title.name,
        "level": title.get_level_display(),
    }


def totals(rows: Iterable[RosterRow]) -> Totals:
    t = Totals()
    for r in rows:
        t.count += 1
        if r.annual_revenue is None:
            t.revenue_missing += 1
        else:
            t.revenue += r.annual_revenue
        if r.employees is None:
            t.employees_missing += 1
        else:
            t.employees += r.employees
    return t


def roster_of(base: Base | int) -> Roster:
    rows = []
    for residency in active_residencies(base):
        e = residency.enterprise
        rows.append(
            RosterRow(
                name=e.name,
                credit_code=e.credit_code,
                is_ecommerce=e.is_ecommerce,
                main_business=e.main_business,
                industry=e.get_industry_display(),
                annual_revenue=e.annual_revenue,
                figures_year=e.figures_year,
                employees=e.employees,
                entered_on=residency.entered_on,
                titles=tuple(title_text(t) for t in e.roster_titles),
            )
        )
    return Roster(rows, totals(rows))


def summary_of(base: Base | int) -> Totals:
    """Count and sums of the current roster in one query (for the application page)."""
    base_id = base if isinstance(base, int) else base.pk
    agg = Residency.objects.filter(base_id=base_id, left_on__isnull=True).aggregate(
        count=Count("id"),
        revenue=Sum("enterprise__annual_revenue"),
        with_revenue=Count("enterprise__annual_revenue"),
        employees=Sum("enterprise__employees"),
        with_employees=Count("enterprise__employees"),
    )
    return Totals(
        count=agg["count"],
        revenue=agg["revenue"] or Decimal("0"),
        revenue_missing=agg["count"] - agg["with_revenue"],
        employees=agg["employees"] or 0,
        employees_missing=agg["count"] - agg["with_employees"],
    )


def linked_bases(base_ids: Iterable[int]) -> set[int]:
    """Those of the bases that have at least one current resident enterprise (one query): their
    roster is linked to the registry and counts as the roster document of 附件 四."""
    ids = set(base_ids)
    if not ids:
        return set()
    found = Residency.objects.filter(base_id__in=ids, left_on__isnull=True).values_list("base_id", flat=True)
    return set(found.distinct())


def headers() -> list[str]:
    return [
        _("序号"),
        _("企业名称"),
        _("统一社会信用代码"),
        _("企业类型"),
        _("主营业务"),
        _("行业"),
        _("年营业收入（万元）"),
        _("数据年份"),
        _("从业人数"),
        _("入驻日期"),
        _("获得市级以上示范称号情况"),
    ]


def table(roster: Roster) -> Iterator[list[Any]]:
    """The rows of the exported / frozen workbook, ending with the totals row."""
    for i, r in enumerate(roster.rows, start=1):
        yield [
            i,
            r.name,
            r.credit_code,
            _("电子商务企业") if r.is_ecommerce else _("传统企业"),
            r.main_business,
            r.industry,
            r.annual_revenue,
            r.figures_year,
            r.employees,
            r.entered_on,
            "；".join(r.titles),
        ]
    t = roster.totals
    yield [_("合计"), _("%(n)s 家") % {"n": t.count}, "", "", "", "", t.revenue, "", t.employees, "", ""]


def workbook(roster: Roster) -> bytes:
    from core.exports import write_xlsx

    out = io.BytesIO()
    write_xlsx(out, headers(), table(roster), sheet=_("入驻企业名录"))
    return out.getvalue()


def read_frozen(data: bytes) -> list[tuple[Any, ...]] | None:
    """The rows (header included) of a roster workbook this module wrote; None for any other file
    (an uploaded roster is shown by its name only)."""
    import zipfile

    import openpyxl

    from core import uploads

    try:
        # An uploaded document may be anything: the hostile-file checks before openpyxl sees it.
        uploads.inspect_xlsx(io.BytesIO(data))
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (uploads.UploadRefused, zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    try:
        rows = [tuple("" if v is None else v for v in row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows or list(rows[0]) != headers():
        return None
    return rows


REVENUE_COLUMN = 6  # index of 年营业收入（万元） in `headers()`


def display(rows: list[tuple[Any, ...]]) -> list[list[str]]:
    """Cells of a frozen workbook (header excluded) as text for the page."""
    out = []
    for row in rows[1:]:
        cells = []
        for i, v in enumerate(row):
            if isinstance(v, datetime.datetime):
                cells.append(v.strftime("%Y-%m-%d"))
            elif isinstance(v, int | float) and i == REVENUE_COLUMN:
                cells.append(f"{Decimal(str(v)):,.2f}")
            elif isinstance(v, float) and v.is_integer():
                cells.append(str(int(v)))
            else:
                cells.append(str(v))
        out.append(cells)
    return out


def frozen_name(base: Base, at: datetime.datetime) -> str:
    stamp = timezone.localtime(at).strftime("%Y%m%d-%H%M%S")
    return _("入驻企业名录（报送时冻结）-%(base)s-%(stamp)s.xlsx") % {"base": base.name, "stamp": stamp}
