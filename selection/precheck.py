"""Batch pre-check: a provincial department uploads its candidates (one row per application) and
gets back, per row, accepted or refused with every reason — input, each computed condition of
notice 767, the deadline and the quota. The whole file is evaluated at once by the rules engine.

Columns (Chinese headers, any order): 推荐顺位, 园区名称, 所在区划代码, 运营主体统一社会信用代码,
电子商务办公建筑面积（平方米）, 投入运营日期, 已报材料 (labels or keys separated by 、 or commas);
申报单位代码 only when the ministry checks several units at once.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tabular import header_key, read_rows
from regions.models import QuotaUnit, Region
from selection.checks import allocate_ranked, coverage, params_for
from selection.messages import condition_message
from selection.models import Call
from selection.rules.conditions import evaluate, results

HEADERS = {
    "rank": "推荐顺位",
    "name": "园区名称",
    "region": "所在区划代码",
    "credit_code": "运营主体统一社会信用代码",
    "area": "电子商务办公建筑面积（平方米）",
    "since": "投入运营日期",
    "documents": "已报材料",
    "quota_unit": "申报单位代码",
}
REQUIRED = ("rank", "name", "region", "credit_code", "area", "since")
_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass
class RowResult:
    row: int  # Excel row number (header = 1)
    name: str
    accepted: bool = False
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (code, Chinese message)
    passed: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value).replace("/", "-"))
    except ValueError:
        return None


def precheck(user: Any, call: Call, path: str | Path, fmt: str) -> list[RowResult]:
    raw = read_rows(path, fmt)
    if not raw:
        return []
    index = {header_key(h): i for i, h in enumerate(raw[0])}
    columns = {key: index.get(header_key(label)) for key, label in HEADERS.items()}
    missing = [HEADERS[k] for k in REQUIRED if columns[k] is None]
    if missing:
        return [RowResult(1, "", False, [("missing_column", _("缺少列：%(cols)s") % {"cols": "、".join(missing)})])]
    params = params_for()
    kinds = {**{k: k for k in params.document_kinds}, **{v.label: k for k, v in params.document_kinds.items()}}
    units = {u.code: u for u in QuotaUnit.objects.select_related("region")}
    regions = {r.code: r for r in Region.objects.filter(retired_in__isnull=True).only("id", "code")}
    covering = coverage()
    own_unit = getattr(user, "quota_unit", None)

    def cell(row: list[Any], key: str) -> Any:
        i = columns[key]
        return row[i] if i is not None and i < len(row) else None

    parsed: list[dict[str, Any]] = []
    out: list[RowResult] = []
    for n, row in enumerate(raw[1:], start=2):
        if all(v in (None, "") for v in row):
            continue
        result = RowResult(n, _text(cell(row, "name")))
        out.append(result)

        def bad(key: str, rule: str, result: RowResult = result, n: int = n) -> None:
            result.reasons.append(
                (
                    "input_" + key,
                    _("第 %(row)s 行「%(col)s」：%(rule)s") % {"row": n, "col": HEADERS[key], "rule": rule},
                )
            )

        rank_text = _text(cell(row, "rank"))
        rank = int(rank_text) if rank_text.isdigit() and int(rank_text) > 0 else None
        if rank is None:
            bad("rank", _("须为正整数"))
        region = regions.get(_text(cell(row, "region")))
        if region is None:
            bad("region", _("区划代码不存在或已停用"))
        try:
            area = Decimal(_text(cell(row, "area")).replace(",", ""))
            if area < 0:
                bad("area", _("不能为负数"))
        except InvalidOperation:
            area = None
            bad("area", _("须填写数字"))
        since = _date(cell(row, "since"))
        if since is None:
            bad("since", _("须为日期，如 2014-03-01"))
        docs: list[str] = []
        for token in _SPLIT.split(_text(cell(row, "documents"))):
            if token and token not in kinds:
                bad("documents", _("未知的材料：%(t)s") % {"t": token})
            elif token:
                docs.append(kinds[token])
        unit = own_unit
        if getattr(user, "role", None) == "ministry":
            unit = units.get(_text(cell(row, "quota_unit")))
            if unit is None:
                bad("quota_unit", _("申报单位代码不存在"))
        if result.reasons or unit is None or region is None or rank is None or area is None or since is None:
            continue
        parsed.append(
            {
                "application_id": n,
                "quota_unit": unit.code,
                "quota_kind": unit.kind,
                "operating_since": since,
                "submitted_at": timezone.now(),
                "area_m2": str(area),
                "operator_credit_code": _text(cell(row, "credit_code")).upper(),
                "covered_by_existing_base": bool(covering.get(region.pk)),
                "documents": sorted(set(docs)),
                "_rank": rank,
                "_unit": unit,
            }
        )
    by_row = {r.row: r for r in out}
    if parsed:
        frame = pl.DataFrame(
            [{k: v for k, v in p.items() if not k.startswith("_")} for p in parsed],
            schema_overrides={"submitted_at": pl.Datetime(time_zone="UTC"), "documents": pl.List(pl.String)},
        )
        on = call.deadline.date()
        for evaluated in evaluate(frame, params, on=on, deadline=call.deadline).iter_rows(named=True):
            target = by_row[int(evaluated["application_id"])]
            for c in results(evaluated):
                if c.ok:
                    target.passed.append(c.condition)
                else:
                    target.reasons.append((c.code, condition_message(c, params)))
        # The quota counts the rows that pass every condition, in each unit's rank order.
        eligible = [
            (p["_unit"], p["_rank"], p["application_id"]) for p in parsed if not by_row[p["application_id"]].reasons
        ]
        for key, decision in allocate_ranked(call, eligible, params).items():
            target = by_row[key]
            if decision.inside:
                target.passed.append("quota")
            else:
                target.reasons.append((decision.code, decision.message))
    for r in out:
        r.accepted = not r.reasons
    return out


def precheck_upload(user: Any, call: Call, upload: Any) -> list[RowResult]:
    """The pre-check of an uploaded file (page or API): its format from its name, the hostile-file
    checks of core.uploads, then `precheck`. Raises core.uploads.UploadRefused."""
    import tempfile

    from core import uploads
    from core.errors import CoreErrorCode
    from core.tabular import TableError

    fmt = uploads.detect_format(upload.name or "")
    with tempfile.NamedTemporaryFile(suffix=f".{fmt}") as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        uploads.check_upload(tmp.name, fmt)
        try:
            return precheck(user, call, tmp.name, fmt)
        except TableError:  # passed the checks, yet calamine cannot read it: a refusal, not a crash
            raise uploads.UploadRefused(CoreErrorCode.NOT_XLSX) from None
