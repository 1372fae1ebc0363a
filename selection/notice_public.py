"""What the public notice shows and how the public lodges an objection, shared by the pages, the
API and the .docx documents: the public list (no scores, nothing internal), the period as the
notice writes it, default wording, and the per-address limit on anonymous objections."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core import throttle
from core.errors import ActionError, CoreErrorCode
from core.officedoc import format_date
from regions.models import Region
from selection.actions.notice import do_lodge_objection, period_state
from selection.errors import SelectionErrorCode
from selection.models import Call, Notice, NoticeEntry, NoticeStatus, Objection, PeriodUnit

# At most this many objections from one address per window (seconds): the public form needs no
# account, so this stands where the sign-in lockout stands for accounts.
OBJECTION_LIMIT = 5
OBJECTION_WINDOW = 3600
THROTTLE_SCOPE = "notice-objection"

# Level-2 placeholders of municipalities and directly administered counties: not part of a place name.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_BATCH = re.compile(r"第[一二三四五六七八九十百零〇\d]+批")


@dataclass(frozen=True)
class ListRow:
    """One base as the public sees it on the list."""

    position: int
    base: str
    region: str
    quota_unit: str
    operator: str


def region_name(region: Region | None) -> str:
    """The full place name, province first: 重庆市沙坪坝区, 江苏省徐州市泉山区."""
    names: list[str] = []
    node = region
    while node is not None:
        if node.name not in _PLACEHOLDERS:
            names.append(node.name)
        node = node.parent
    return "".join(reversed(names))


def entries_for_list(notice: Notice) -> list[NoticeEntry]:
    return list(
        notice.entries.select_related(
            "application__base__region__parent__parent", "application__base__quota_unit"
        ).order_by("position")
    )


def public_rows(notice: Notice, *, final: bool = False) -> list[ListRow]:
    """The list as published; `final`: the bases designated (withdrawn ones left out, renumbered)."""
    entries = entries_for_list(notice)
    if final:
        entries = [e for e in entries if not e.withdrawn]
    rows = []
    for i, entry in enumerate(entries, start=1):
        base = entry.application.base
        rows.append(
            ListRow(
                position=i if final else entry.position,
                base=base.name,
                region=region_name(base.region),
                quota_unit=base.quota_unit.name,
                operator=base.operator_name,
            )
        )
    return rows


def list_headers() -> list[str]:
    return [_("序号"), _("基地名称"), _("所在地区"), _("申报单位"), _("运营主体")]


def list_cells(rows: list[ListRow]) -> list[list[Any]]:
    return [[r.position, r.base, r.region, r.quota_unit, r.operator] for r in rows]


def period_range(notice: Notice) -> str:
    """2025年9月26日至2025年10月2日 (empty before publication)."""
    if notice.starts_on is None or notice.ends_on is None:
        return ""
    return _("%(start)s至%(end)s") % {"start": format_date(notice.starts_on), "end": format_date(notice.ends_on)}


def period_text(notice: Notice) -> str:
    """公示期：2025年9月26日至2025年10月2日 (empty before publication)."""
    span = period_range(notice)
    return _("公示期：%(span)s") % {"span": span} if span else ""


def period_rule_text(notice: Notice) -> str:
    """How the period is counted, in words."""
    if notice.period_unit == PeriodUnit.WORKING_DAYS:
        return _(
            "公示期为 %(n)s 个工作日：公示开始日为第 1 日（开始日为休息日的，自其后第一个工作日起算）；"
            "法定节假日和调休上班日以国务院办公厅公布的节假日安排（平台日历）为准；至最后一日北京时间 24:00 届满。"
        ) % {"n": notice.period_length}
    return _("公示期为 %(n)s 个自然日：公示开始日为第 1 日，节假日照常计算；至最后一日北京时间 24:00 届满。") % {
        "n": notice.period_length
    }


def batch_of(call: Call) -> str:
    """第二批 from the call's title, or "" when the title names no batch."""
    found = _BATCH.search(call.title)
    return found.group(0) if found else ""


def default_title(call: Call) -> str:
    return _("关于%(batch)s国家电子商务示范基地拟认定名单的公示") % {"batch": batch_of(call)}


def default_body(call: Call) -> str:
    return _(
        "根据%(doc)s文件要求，经地方商务主管部门推荐、专家初步评议、现场答辩评议和复核，"
        "拟认定以下园区为%(batch)s国家电子商务示范基地，现予以公示。\n"
        "公示期间，任何单位和个人对公示名单有异议的，可在公示期内以书面形式向商务部电子商务司提出。"
        "异议须实名提出，写明事实和理由，并留下联系方式，以便核实和反馈。"
    ) % {"doc": call.document_no, "batch": batch_of(call)}


def final_title(notice: Notice) -> str:
    return _("商务部关于公布%(batch)s国家电子商务示范基地名单的通知") % {"batch": batch_of(notice.call)}


def throttle_message() -> str:
    return _("同一网络地址每小时最多提交 %(n)s 件异议，请稍后再试。") % {"n": OBJECTION_LIMIT}


def lodge(notice: Notice, ip: str | None, /, *, now: datetime.datetime | None = None, **fields: Any) -> Objection:
    """Lodge an objection for an anonymous visitor from the network address `ip`, within the
    per-address limit; `fields` are the action's (name, phone, email, address, entry, content)."""
    if notice.status == NoticeStatus.DRAFT:
        raise ActionError(SelectionErrorCode.NOT_OPEN)
    # Outside the period the action refuses with its own message; the limit counts within it.
    open_now = period_state(notice, now) == "open"
    counted = None
    if open_now:
        counted = throttle.take(THROTTLE_SCOPE, ip, limit=OBJECTION_LIMIT, window=OBJECTION_WINDOW)
        if counted is None:
            raise ActionError(CoreErrorCode.THROTTLED, throttle_message())
    try:
        return do_lodge_objection(notice, now=now, **fields)
    except BaseException:
        if counted is not None:
            throttle.give_back(counted)  # only accepted objections count
        raise
