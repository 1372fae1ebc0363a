"""Chinese text for the results of the selection engines (house rule 11: the engines return codes
and values; the words for people are written here, through gettext)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from selection.rules.conditions import ConditionResult
from selection.rules.params import Params
from selection.rules.quota import QuotaDecision

# (condition, code) -> template; values of the engine fill the placeholders.
CONDITION_TEXT: dict[tuple[str, str], Any] = {
    ("operating_years", "ok"): gettext_lazy(
        "运营满 %(years)s 年：%(since)s 投入运营，至提交日 %(submitted)s 为 %(days)s 天"
    ),
    ("operating_years", "operating_years_short"): gettext_lazy(
        "运营时间不足 %(years)s 年：%(since)s 投入运营，至提交日 %(submitted)s 为 %(days)s 天"
    ),
    ("operating_years", "operating_since_missing"): gettext_lazy("未填写正式投入运营日期"),
    ("office_area", "ok"): gettext_lazy("电子商务办公建筑面积 %(area)s 平方米，大于 %(minimum)s 平方米"),
    ("office_area", "office_area_not_above_minimum"): gettext_lazy(
        "电子商务办公建筑面积须大于 %(minimum)s 平方米，申报为 %(area)s 平方米"
    ),
    ("office_area", "office_area_invalid"): gettext_lazy("电子商务办公建筑面积无效或未填写"),
    ("operator_credit_code", "ok"): gettext_lazy("运营主体统一社会信用代码 %(code)s 校验通过"),
    ("operator_credit_code", "credit_code_check"): gettext_lazy(
        "运营主体统一社会信用代码无效：%(code)s，校验码应为 %(expected)s"
    ),
    ("operator_credit_code", "credit_code_empty"): gettext_lazy("运营主体统一社会信用代码无效：%(code)s，未填写"),
    ("operator_credit_code", "credit_code_length"): gettext_lazy(
        "运营主体统一社会信用代码无效：%(code)s，长度应为 18 位"
    ),
    ("operator_credit_code", "credit_code_alphabet"): gettext_lazy(
        "运营主体统一社会信用代码无效：%(code)s，含有不允许的字符（不使用 I、O、S、V、Z）"
    ),
    ("operator_credit_code", "credit_code_authority"): gettext_lazy(
        "运营主体统一社会信用代码无效：%(code)s，登记管理部门代码无效"
    ),
    ("documents", "ok"): gettext_lazy("材料齐全"),
    ("documents", "documents_missing"): gettext_lazy("缺少材料：%(missing)s"),
    ("not_covered", "ok"): gettext_lazy("申报区域未为现有国家级电子商务示范基地涵盖"),
    ("not_covered", "covered_by_existing_base"): gettext_lazy(
        "申报区域已为现有国家级电子商务示范基地涵盖，不再参与申报"
    ),
    ("not_covered", "coverage_unknown"): gettext_lazy("未核实是否为现有国家级电子商务示范基地涵盖的区域"),
    ("deadline", "ok"): gettext_lazy("按期报送：截止时间为北京时间 %(deadline)s，报送时间为北京时间 %(submitted)s"),
    ("deadline", "late"): gettext_lazy(
        "逾期不予受理：截止时间为北京时间 %(deadline)s，报送时间为北京时间 %(submitted)s"
    ),
}

QUOTA_WHY: dict[str, Any] = {
    "extra_not_approved": gettext_lazy("可酌情增加的名额未经商务部同意"),
    "too_few_demo_cities": gettext_lazy(
        "已有国家电子商务示范城市 %(demo_cities)s 个，不足 %(min_cities)s 个，不能增加名额"
    ),
    "quota_full": gettext_lazy("本单位名额共 %(total)s 个"),
}


def area_text(raw: Any, minimum_places: int = 2) -> str:
    """20000.010000 -> '20,000.01'; 20000 -> '20,000.00' (thousands separated, at least two places)."""
    try:
        value = Decimal(str(raw)).normalize()
    except (InvalidOperation, ValueError):
        return str(raw)
    exponent = value.as_tuple().exponent
    places = max(minimum_places, -exponent if isinstance(exponent, int) else 0)
    return f"{value:,.{places}f}"


def _threshold_text(raw: Any) -> str:
    """A threshold as the notice writes it: 20000 -> '20,000'."""
    value = Decimal(str(raw)).normalize()
    return f"{value:,f}" if value == value.to_integral() else area_text(value)


def condition_message(result: ConditionResult, params: Params | None = None) -> str:
    """The Chinese sentence for one condition result, with its numbers."""
    values: dict[str, Any] = dict(result.values)
    if result.condition == "office_area":
        values["area"] = area_text(values.get("area")) if values.get("area") is not None else ""
        values["minimum"] = _threshold_text(values.get("minimum", 0))
    elif result.condition == "operator_credit_code":
        values["code"] = values.get("code") or _("（空）")
    elif result.condition == "documents":
        labels = params.document_kinds if params is not None else {}
        values["missing"] = "、".join(labels[k].label if k in labels else k for k in values.get("missing") or [])
    template = CONDITION_TEXT.get((result.condition, result.code))
    if template is None:
        return result.code
    return str(template) % values


def quota_message(decision: QuotaDecision) -> str:
    values: Mapping[str, Any] = decision.values
    if decision.code == "within_quota":
        return _("推荐排序第 %(rank)s，在本单位 %(base)s 个名额之内") % {"rank": decision.rank, **values}
    if decision.code == "within_extra_slot":
        return _(
            "推荐排序第 %(rank)s，在经商务部同意酌情增加的名额之内"
            "（已有 %(demo_cities)s 个国家电子商务示范城市，%(min_cities)s 个以上可增加）"
        ) % {"rank": decision.rank, **values}
    why = str(QUOTA_WHY[values["why"]]) % values
    return _("推荐排序第 %(rank)s，超出名额：%(why)s") % {"rank": decision.rank, "why": why}
