"""Batch pre-check: a provincial department uploads its candidates (one row per application) and
gets back, per row, accepted or refused with every reason — input, each computed condition of
notice 767, the deadline and the quota. The whole file is evaluated at once by the rules engine.

Columns (Chinese headers, any order): 推荐顺位, 园区名称, 所在区划代码, 运营主体统一社会信用代码,
电子商务办公建筑面积（平方米）, 投入运营日期, 已报材料 (labels or keys separated by 、 or commas);
申报单位代码 only when the ministry checks several units at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular import (
    CellProblem,
    cell_error,
    cell_text,
    header_key,
    read_date,
    read_decimal,
    read_integer,
    read_rows,
)
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


# The kernel's rules (core.tabular) worded as the candidate list has always said them.
RULES = {
    "required": gettext_lazy("必填，不能为空"),
    "not_integer": gettext_lazy("须为正整数"),
    "too_small": gettext_lazy("须为正整数"),
    "negative": gettext_lazy("不能为负数"),
    "not_number": gettext_lazy("须填写数字"),
    "decimals": gettext_lazy("最多保留 %(places)s 位小数"),
    "bad_date": gettext_lazy("须为日期，如 2014-03-01"),
    "no_such_region": gettext_lazy("区划代码不存在或已停用"),
    "no_such_unit": gettext_lazy("申报单位代码不存在"),
    "no_such_document": gettext_lazy("未知的材料：%(t)s"),
}
# A rank is a positive whole number, whatever else the cell holds.
RANK_RULES = {**RULES, **dict.fromkeys(("not_number", "negative"), gettext_lazy("须为正整数"))}


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
        result = RowResult(n, cell_text(cell(row, "name")))
        out.append(result)

        def bad(
            key: str, code: str, result: RowResult = result, n: int = n, row: list[Any] = row, **params: Any
        ) -> None:
            rules = RANK_RULES if key == "rank" else RULES
            error = cell_error(n, HEADERS[key], cell(row, key), code, rules=rules, **params)
            result.reasons.append(("input_" + key, error.message))

        def read(key: str, reader: Any, **options: Any) -> Any:
            try:
                return reader(cell(row, key), **options)  # noqa: B023  (used at once, in this row's turn)
            except CellProblem as problem:
                bad(key, problem.code, **problem.params)
                return None

        rank = read("rank", read_integer, low=1)
        region = regions.get(cell_text(cell(row, "region")))
        if region is None:
            bad("region", "no_such_region")
        area = read("area", read_decimal, places=2, low=0)
        since = read("since", read_date)
        docs: list[str] = []
        for token in _SPLIT.split(cell_text(cell(row, "documents"))):
            if token and token not in kinds:
                bad("documents", "no_such_document", t=token)
            elif token:
                docs.append(kinds[token])
        unit = own_unit
        if getattr(user, "role", None) == "ministry":
            unit = units.get(cell_text(cell(row, "quota_unit")))
            if unit is None:
                bad("quota_unit", "no_such_unit")
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
                "operator_credit_code": cell_text(cell(row, "credit_code")).upper(),
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
