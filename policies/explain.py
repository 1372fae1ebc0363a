"""Chinese explanations of awards, rendered from the engine's trace codes (house rule 11: the engine
writes codes and values; the words for people are here, through gettext).

    explain_trace(row["trace"], params)  -> ["登记注册在本区。", "入驻第4年10个月，按50%补助；……", …]
    reason_text("stacked")               -> "已享受同类政策，不重复享受"
    yuan_or_missing(700000)              -> "7,000.00元";  amount_words(1_000_000_000) -> "1000万元"

Every step code of policies.rules.codes.STEPS has a renderer here and every reason code of REASONS
a sentence (tested).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import money
from policies.rules.engine import FactsError
from policies.rules.params import DEFAULT_PACK, ParameterError, Params, load_params

REASON_TEXT: dict[str, Any] = {
    "granted": gettext_lazy("符合条件，全额兑现"),
    "capped": gettext_lazy("符合条件，按上限兑现"),
    "no_amount": gettext_lazy("符合条件，但按规则计算的金额为零"),
    "not_registered": gettext_lazy("未登记注册在本区，不能享受本政策"),
    "stacked": gettext_lazy("已享受市、区其他同类政策，不重复享受"),
    "not_ecommerce": gettext_lazy("本项仅支持电商企业"),
    "not_ecommerce_or_association": gettext_lazy("本项仅支持电商企业或行业协会"),
    "not_traditional": gettext_lazy("本项仅支持传统企业"),
    "not_own_funds": gettext_lazy("项目未利用自有资金建设"),
    "not_resident": gettext_lazy("相关月份未入驻区电子商务产业园"),
    "residence_expired": gettext_lazy("入驻已满5年，第6年起不再补助"),
    "platform_not_listed": gettext_lazy("所在平台不属于全国知名第三方电商平台"),
    "not_newly_opened": gettext_lazy("店铺不是新开设的"),
    "under_one_year": gettext_lazy("店铺至本年末尚未正常运行满一年"),
    "not_running_normally": gettext_lazy("店铺未正常运行"),
    "below_threshold": gettext_lazy("未达到规定数额"),
    "once_per_enterprise": gettext_lazy("企业加入多家电商平台的不重复享受，已按其他店铺补助"),
    "over_quota": gettext_lazy("超出每年名额"),
    "out_of_range": gettext_lazy("决定金额不在规定范围内"),
    "unknown_kind": gettext_lazy("类别不在本政策范围内"),
    "not_exceeded": gettext_lazy("本年度交易额未突破任何档次"),
    "not_first_time": gettext_lazy("此前年度已突破该档次，不属于首次突破"),
    "lower_tier": gettext_lazy("同年首次突破多个档次，只奖励最高档"),
    "not_recognised": gettext_lazy("贷款未经认定"),
    "not_own_business": gettext_lazy("贷款不是用于扩大自身生产经营"),
    "rate_missing": gettext_lazy("贷款利率或本金缺失、无效"),
    "outside_window": gettext_lazy("本年度不在贴息期内（或贷款已归还）"),
    "rule_not_set": gettext_lazy("区里尚未确定补助标准"),
    "invalid_fact": gettext_lazy("所填数据无效，无法计算"),
    "implausible_amount": gettext_lazy("测算金额超出合理范围，不予兑现，请核实所填数据"),
}

KIND_TEXT = {
    "rent": gettext_lazy("场租"),
    "broadband": gettext_lazy("宽带费"),
}
LEVEL_TEXT = {
    "national": gettext_lazy("全国"),
    "municipal": gettext_lazy("重庆市"),
    "district": gettext_lazy("区级"),
}
BRAND_TEXT = {
    "district": gettext_lazy("区电子商务产业发展领导小组认定的电商品牌"),
    "national": gettext_lazy("国家级电商著名、知名品牌"),
    "municipal": gettext_lazy("市级电商著名、知名品牌"),
}
SOURCE_TEXT = {
    "municipal": gettext_lazy("市级"),
    "other_district": gettext_lazy("区其他"),
}
ALLOCATION_TEXT = {
    "pro_rata": gettext_lazy("按比例分配"),
    "approval_order": gettext_lazy("按批准先后分配"),
    "carry_over": gettext_lazy("结转下年"),
}
TRAINING_MODE_TEXT = {
    "per_trainee": gettext_lazy("按培训人数"),
    "cost_share": gettext_lazy("按培训费用比例"),
    "none": gettext_lazy("尚未确定"),
}
REQUIRED_TEXT = {
    "ecommerce": gettext_lazy("电商企业"),
    "ecommerce_or_association": gettext_lazy("电商企业或行业协会"),
    "traditional": gettext_lazy("传统企业"),
}


# ---- numbers and dates ------------------------------------------------------------------------


def _missing_or(fen: int | None, text: Any) -> str:
    return _("（未填写）") if fen is None else str(text(int(fen)))


def yuan_or_missing(fen: int | None) -> str:
    """Exact yuan with two places and the unit (core.money.yuan_text): 700000 → "7,000.00元";
    a missing amount reads "（未填写）" in an explanation."""
    return _missing_or(fen, money.yuan_text)


def amount_words(fen: int | None) -> str:
    """A legal amount as the text writes it (core.money.legal_amount): 1亿元, 1000万元, 2万元."""
    return _missing_or(fen, money.legal_amount)


def percent(ppm: int | None) -> str:
    """300000 → "30%"; 43500 → "4.35%" (exact, core.money.ppm_percent)."""
    return _missing_or(ppm, money.ppm_percent)


def day(raw: str | None) -> str:
    """ISO date → "2024年6月1日"."""
    if not raw:
        return _("（未填写）")
    d = datetime.date.fromisoformat(str(raw))
    return _("%(y)s年%(m)s月%(d)s日") % {"y": d.year, "m": d.month, "d": d.day}


def day_before(raw: str | None) -> str:
    """The last day counted when `raw` is an end not counted (算头不算尾)."""
    if not raw:
        return _("（未填写）")
    return day((datetime.date.fromisoformat(str(raw)) - datetime.timedelta(days=1)).isoformat())


def number(n: int | None) -> str:
    return _("（未填写）") if n is None else f"{int(n):,}"


def _label(table: Mapping[str, Any], key: Any) -> str:
    return str(table.get(str(key), key))


# ---- parameter values -------------------------------------------------------------------------


def parameter_value(params: Params | None, key: str, value: Any) -> str:
    """A parameter's value in words, by its unit."""
    unit = params.parameters[key].unit if params is not None and key in params.parameters else ""
    if unit == "fen":
        return amount_words(value)
    if unit == "ppm":
        return percent(value)
    if unit == "count":
        return number(value)
    if unit == "bool":
        return _("是") if value else _("否")
    if unit == "choice":
        return _label(ALLOCATION_TEXT, value)
    if unit == "choices":
        return "、".join(_label(KIND_TEXT, v) for v in value)
    if unit == "labels":
        return "、".join(str(v) for v in value.values())
    if unit == "ppm_list":
        return "；".join(
            _("第%(year)s年%(rate)s") % {"year": i + 1, "rate": percent(v)} for i, v in enumerate(value)
        ) + _("；此后不补助")
    if unit == "tiers":
        return "；".join(
            _("突破%(threshold)s奖励%(award)s")
            % {"threshold": amount_words(t["threshold_fen"]), "award": amount_words(t["award_fen"])}
            for t in value
        )
    if unit == "fen_by_level":
        return "、".join(
            _("%(level)s%(amount)s") % {"level": _label(LEVEL_TEXT, k), "amount": amount_words(v)}
            for k, v in value.items()
        )
    if unit == "training_rule":
        return training_rule_text(value)
    return str(value)


def training_rule_text(rule: Mapping[str, Any]) -> str:
    if rule["mode"] == "per_trainee":
        text = _("按培训人数每人%(per)s") % {"per": yuan_or_missing(rule["per_trainee_fen"])}
    elif rule["mode"] == "cost_share":
        text = _("按培训费用的%(rate)s") % {"rate": percent(rule["cost_share_ppm"])}
    else:
        return _("尚未确定补助标准")
    return text + _("，每年最高%(cap)s") % {"cap": amount_words(rule["cap_fen"])}


# ---- steps ------------------------------------------------------------------------------------

Renderer = Callable[[dict[str, Any], Params | None], str]


def _registered(v: dict[str, Any], p: Params | None) -> str:
    if v.get("registered"):
        return _("登记注册在本区（%(reference)s）。") % {"reference": v.get("reference", "")}
    return _("未登记注册在本区，不能享受本政策（%(reference)s）。") % {"reference": v.get("reference", "")}


def _stacked(v: dict[str, Any], p: Params | None) -> str:
    sources = "、".join(_label(SOURCE_TEXT, s) for s in v.get("sources") or []) or _("其他")
    return _("本年度已享受%(sources)s同类政策补助，本项不重复享受（%(reference)s）。") % {
        "sources": sources,
        "reference": v.get("reference", ""),
    }


def _param(v: dict[str, Any], p: Params | None) -> str:
    key = v["key"]
    label = p.parameters[key].label if p is not None and key in p.parameters else key
    text = _("%(label)s：%(value)s（依据%(document)s%(reference)s，%(effective)s起施行）") % {
        "label": label,
        "value": parameter_value(p, key, v["value"]),
        "document": "" if v.get("overlay") else v.get("document", ""),
        "reference": v.get("reference", ""),
        "effective": day(v.get("effective")),
    }
    if v.get("overlay"):
        text += _("【测算用假设值，非现行规定】")
    if v.get("placeholder"):
        text += _("【暂定值，待区商务局确定】")
    return text + "。"


def _enterprise_kind(v: dict[str, Any], p: Params | None) -> str:
    required = _label(REQUIRED_TEXT, v["required"])
    if v.get("ok"):
        return _("本项支持%(required)s，企业符合。") % {"required": required}
    return _("本项支持%(required)s，企业不符合。") % {"required": required}


def _threshold(v: dict[str, Any], p: Params | None) -> str:
    what = v.get("what")
    at_least = v.get("comparison") == "at_least"
    if what == "orders":
        values = {"value": number(v.get("value")), "threshold": number(v.get("threshold"))}
        if v.get("ok"):
            return _("年交易%(value)s单，达到%(threshold)s单以上（含本数）。") % values
        return _("年交易%(value)s单，未达到%(threshold)s单。") % values
    values = {"value": yuan_or_missing(v.get("value")), "threshold": amount_words(v.get("threshold"))}
    if what == "store_turnover":
        if v.get("ok"):
            return _("店铺首个运行年度交易额%(value)s，达到%(threshold)s。") % values
        return _("店铺首个运行年度交易额%(value)s，未达到%(threshold)s。") % values
    if at_least:
        return (_("%(value)s，达到%(threshold)s。") if v.get("ok") else _("%(value)s，未达到%(threshold)s。")) % values
    return (_("%(value)s，超过%(threshold)s。") if v.get("ok") else _("%(value)s，未超过%(threshold)s。")) % values


def _rate(v: dict[str, Any], p: Params | None) -> str:
    return _("%(base)s × %(rate)s = %(amount)s（四舍五入到分）。") % {
        "base": yuan_or_missing(v.get("base_fen")),
        "rate": percent(v.get("rate_ppm")),
        "amount": yuan_or_missing(v.get("amount_fen")),
    }


def _per_unit(v: dict[str, Any], p: Params | None) -> str:
    return _("%(count)s × %(per)s = %(amount)s。") % {
        "count": number(v.get("count")),
        "per": yuan_or_missing(v.get("per_unit_fen")),
        "amount": yuan_or_missing(v.get("amount_fen")),
    }


def _cap(v: dict[str, Any], p: Params | None) -> str:
    return _("计算金额%(amount)s超过最高%(cap)s，按%(paid)s兑现。") % {
        "amount": yuan_or_missing(v.get("amount_fen")),
        "cap": amount_words(v.get("cap_fen")),
        "paid": yuan_or_missing(v.get("paid_fen")),
    }


def _fixed_amount(v: dict[str, Any], p: Params | None) -> str:
    return _("奖励%(amount)s。") % {"amount": amount_words(v.get("amount_fen"))}


def _quota(v: dict[str, Any], p: Params | None) -> str:
    values = {"rank": v.get("rank"), "position": v.get("position"), "quota": v.get("quota")}
    if v.get("ok"):
        return _("区里评定排名第%(rank)s，列第%(position)s位，在每年%(quota)s个名额之内。") % values
    return _("区里评定排名第%(rank)s，列第%(position)s位，超出每年%(quota)s个名额。") % values


def _residence(v: dict[str, Any], p: Params | None) -> str:
    if not v.get("first_entry"):
        return _("未入驻区电子商务产业园。")
    return _("%(entry)s入驻区电子商务产业园，入驻年度自该日起按周年计算（入驻当月为第1年第1个月）。") % {
        "entry": day(v["first_entry"])
    }


def _cost_line(v: dict[str, Any], p: Params | None) -> str:
    head = _("%(kind)s %(start)s至%(end)s，共%(amount)s，按%(months)s个月平均分摊") % {
        "kind": _label(KIND_TEXT, v.get("kind")),
        "start": day(v.get("period_start")),
        "end": day(v.get("period_end")),
        "amount": yuan_or_missing(v.get("amount_fen")),
        "months": v.get("months"),
    }
    if not v.get("valid"):
        return head + _("：费用期间或金额无效，不予计算。")
    if not v.get("covered"):
        return head + _("：不属于场租、宽带费用，不予补助。")
    parts = [head]
    rates = v.get("rates_ppm") or []
    by_year = v.get("months_by_residence_year") or {}
    parts.extend(
        _("入驻第%(year)s年%(months)s个月，按%(rate)s补助")
        % {"year": k, "months": m, "rate": percent(rates[int(k) - 1])}
        for k, m in sorted(by_year.items(), key=lambda kv: int(kv[0]))
        if m
    )
    not_resident = int(v.get("months_in_year") or 0) - int(v.get("resident_months") or 0)
    if not_resident:
        parts.append(_("%(n)s个月未入驻，不补助") % {"n": not_resident})
    if v.get("beyond_months"):
        parts.append(_("入驻第6年起%(n)s个月，不再补助") % {"n": v["beyond_months"]})
    parts.append(_("本年度补助%(amount)s") % {"amount": yuan_or_missing(v.get("subsidy_fen"))})
    return "；".join(parts) + "。"


def _implausible(v: dict[str, Any], p: Params | None) -> str:
    raw = v.get("amount_fen")
    amount = _("（未填写）") if raw is None else money.yuan_text(int(raw))
    return _(
        "按所填数据测算的金额为%(amount)s，不在 0 至%(max)s的合理范围内，不予兑现；"
        "请核实所填的金额、数量是否多填了位数，更正后重新测算。"
    ) % {"amount": amount, "max": amount_words(v.get("max_fen"))}


def _sum(v: dict[str, Any], p: Params | None) -> str:
    return _("合计%(amount)s。") % {"amount": yuan_or_missing(v.get("amount_fen"))}


def _project(v: dict[str, Any], p: Params | None) -> str:
    funds = _("利用自有资金建设") if v.get("own_funds") else _("未利用自有资金建设")
    return _("平台项目（编号%(project)s）投入%(investment)s，%(funds)s。") % {
        "project": v.get("project"),
        "investment": yuan_or_missing(v.get("investment_fen")),
        "funds": funds,
    }


def _store(v: dict[str, Any], p: Params | None) -> str:
    platforms: dict[str, str] = {}
    if p is not None and "store_platforms" in p.parameters:
        for entry in p.parameters["store_platforms"].values:
            platforms.update(entry.value)
    text = _(
        "店铺（编号%(store)s）开设在%(platform)s，%(opened)s开设，首个运行年度交易额%(turnover)s，年运营费用%(cost)s"
    ) % {
        "store": v.get("store"),
        "platform": platforms.get(str(v.get("platform")), v.get("platform")),
        "opened": day(v.get("opened_on")),
        "turnover": yuan_or_missing(v.get("turnover_fen")),
        "cost": yuan_or_missing(v.get("operating_cost_fen")),
    }
    notes = []
    if not v.get("listed"):
        notes.append(_("该平台不在全国知名第三方电商平台名单内"))
    if not v.get("newly_opened"):
        notes.append(_("不是新开设的店铺"))
    if not v.get("running_normally"):
        notes.append(_("未正常运行"))
    return "；".join([text, *notes]) + "。"


def _anniversary(v: dict[str, Any], p: Params | None) -> str:
    values = {"since": day(v.get("since")), "years": v.get("years"), "anniversary": day(v.get("anniversary"))}
    if v.get("ok"):
        return _("%(since)s开设，%(anniversary)s满%(years)s年（“一年以上”含本数，满周年当日即符合）。") % values
    return _("%(since)s开设，%(anniversary)s方满%(years)s年，本年度末尚未满。") % values


def _once(v: dict[str, Any], p: Params | None) -> str:
    return _("企业加入多家电商平台的不重复享受：按店铺（编号%(store)s，%(date)s满一年）补助一次。") % {
        "store": v.get("paid_store"),
        "date": day(v.get("paid_anniversary")),
    }


def _brand(v: dict[str, Any], p: Params | None) -> str:
    kind = v.get("kind")
    values = {"brand": v.get("brand"), "amount": yuan_or_missing(v.get("amount_fen")), "kind": kind}
    if kind == "district":
        values["label"] = BRAND_TEXT["district"]
        return _("%(label)s（编号%(brand)s），领导小组决定奖励%(amount)s。") % values
    if kind in ("national", "municipal"):
        return _("获得%(label)s（编号%(brand)s），上级补助标准%(amount)s。") % {**values, "label": BRAND_TEXT[kind]}
    return _("品牌（编号%(brand)s）类别“%(kind)s”不在本政策范围内。") % values


def _range(v: dict[str, Any], p: Params | None) -> str:
    values = {
        "amount": yuan_or_missing(v.get("amount_fen")),
        "low": amount_words(v.get("min_fen")),
        "high": amount_words(v.get("max_fen")),
    }
    if v.get("ok"):
        return _("决定金额%(amount)s在%(low)s至%(high)s之间（含两端）。") % values
    return _("决定金额%(amount)s不在%(low)s至%(high)s之间，不予奖励，须重新决定。") % values


def _transactions(v: dict[str, Any], p: Params | None) -> str:
    text = _("本年度电商交易额%(amount)s") % {"amount": yuan_or_missing(v.get("year_fen"))}
    if v.get("previous_max_fen") is None:
        text += _("，此前年度无交易额记录")
    elif v.get("previous_max_year") is not None:
        text += _("，此前年度最高%(amount)s（%(year)s年）") % {
            "amount": yuan_or_missing(v["previous_max_fen"]),
            "year": v["previous_max_year"],
        }
    else:
        text += _("，此前年度最高%(amount)s") % {"amount": yuan_or_missing(v["previous_max_fen"])}
    if not v.get("resident"):
        text += _("；本年度未入驻区电子商务产业园")
    return text + "。"


def _tier(v: dict[str, Any], p: Params | None) -> str:
    values = {"threshold": amount_words(v.get("threshold_fen")), "award": amount_words(v.get("award_fen"))}
    if v.get("before"):
        return _("突破%(threshold)s（“突破”不含本数），但此前年度已突破，不属于首次。") % values
    return _("首次突破%(threshold)s（“突破”不含本数），奖励%(award)s。") % values


def _highest(v: dict[str, Any], p: Params | None) -> str:
    return _("同一年首次突破多个档次的只奖励最高档（第%(tier)s档）。") % {"tier": v.get("highest_tier")}


def _title(v: dict[str, Any], p: Params | None) -> str:
    return _("被认定为%(level)s电子商务示范企业。") % {"level": _label(LEVEL_TEXT, v.get("level"))}


def _case(v: dict[str, Any], p: Params | None) -> str:
    return _("经区电子商务产业发展领导小组决定（%(no)s），给予%(amount)s。") % {
        "no": v.get("decision_no") or _("无决定文号"),
        "amount": yuan_or_missing(v.get("amount_fen")),
    }


def _training(v: dict[str, Any], p: Params | None) -> str:
    return _("本年度培训%(trainees)s人，培训费用%(cost)s；补助方式：%(mode)s。") % {
        "trainees": number(v.get("trainees")),
        "cost": yuan_or_missing(v.get("cost_fen")),
        "mode": _label(TRAINING_MODE_TEXT, v.get("mode")),
    }


def _loan(v: dict[str, Any], p: Params | None) -> str:
    text = _("贷款（编号%(loan)s）本金%(principal)s，%(date)s发放，实际年利率%(actual)s，同期基准利率%(benchmark)s") % {
        "loan": v.get("loan"),
        "principal": yuan_or_missing(v.get("principal_fen")),
        "date": day(v.get("loan_date")),
        "actual": percent(v.get("actual_rate_ppm")),
        "benchmark": percent(v.get("benchmark_rate_ppm")),
    }
    if v.get("repaid_on"):
        text += _("，%(date)s归还") % {"date": day(v["repaid_on"])}
    if not v.get("recognised"):
        text += _("；未经认定")
    if not v.get("own_business"):
        text += _("；不是用于扩大自身生产经营")
    return text + "。"


def _loan_days(v: dict[str, Any], p: Params | None) -> str:
    text = _("贴息期自%(start)s至%(last)s") % {
        "start": day(v.get("window_start")),
        "last": day_before(v.get("window_end")),
    }
    if int(v.get("days") or 0) > 0:
        text += _("；%(year)s年内计息%(first)s至%(last)s，共%(days)s天") % {
            "year": v.get("year"),
            "first": day(v.get("first_day")),
            "last": day_before(v.get("end")),
            "days": v.get("days"),
        }
    else:
        text += _("；%(year)s年内无计息天数") % {"year": v.get("year")}
    return text + "。"


def _loan_interest(v: dict[str, Any], p: Params | None) -> str:
    return _(
        "本金%(principal)s × 年利率%(rate)s（实际利率与基准利率取低者）× %(share)s × %(days)s天 ÷ %(basis)s"
        " = %(amount)s（四舍五入到分）。"
    ) % {
        "principal": yuan_or_missing(v.get("principal_fen")),
        "rate": percent(v.get("rate_ppm")),
        "share": percent(v.get("share_ppm")),
        "days": v.get("days"),
        "basis": v.get("basis"),
        "amount": yuan_or_missing(v.get("amount_fen")),
    }


def _enterprise_cap(v: dict[str, Any], p: Params | None) -> str:
    return _("每户每年贴息最高%(cap)s，本年度在先贷款已占用%(before)s，本笔%(amount)s按剩余额度兑现%(paid)s。") % {
        "cap": amount_words(v.get("cap_fen")),
        "before": yuan_or_missing(v.get("before_fen")),
        "amount": yuan_or_missing(v.get("amount_fen")),
        "paid": yuan_or_missing(v.get("paid_fen")),
    }


RENDERERS: dict[str, Renderer] = {
    "registered": _registered,
    "stacked": _stacked,
    "param": _param,
    "enterprise_kind": _enterprise_kind,
    "threshold": _threshold,
    "rate": _rate,
    "per_unit": _per_unit,
    "cap": _cap,
    "fixed_amount": _fixed_amount,
    "quota": _quota,
    "residence": _residence,
    "cost_line": _cost_line,
    "sum": _sum,
    "implausible_amount": _implausible,
    "project": _project,
    "store": _store,
    "anniversary": _anniversary,
    "once_per_enterprise": _once,
    "brand": _brand,
    "range": _range,
    "transactions": _transactions,
    "tier": _tier,
    "highest_tier_only": _highest,
    "title": _title,
    "case_decision": _case,
    "training": _training,
    "loan": _loan,
    "loan_days": _loan_days,
    "loan_interest": _loan_interest,
    "enterprise_cap": _enterprise_cap,
}


def render_step(step: str, values: Mapping[str, Any] | str, params: Params | None = None) -> str:
    """One step in Chinese; an unknown code is shown as such rather than dropped."""
    data = json.loads(values) if isinstance(values, str) else dict(values)
    renderer = RENDERERS.get(step)
    if renderer is None:
        return _("（未知步骤 %(code)s）") % {"code": step}
    return renderer(data, params)


def explain_trace(
    trace: Iterable[Mapping[str, Any]], params: Params | None = None, *, with_params: bool = True
) -> list[str]:
    """The sentences of a trace in order (`with_params=False` leaves out the parameter steps)."""
    if params is None:
        params = load_params(DEFAULT_PACK)
    return [render_step(str(s["step"]), s["values"], params) for s in trace if with_params or s["step"] != "param"]


def reason_text(code: str) -> str:
    return str(REASON_TEXT.get(code, code))


def summary(row: Mapping[str, Any], params: Params | None = None) -> str:
    """ "电子商务产业园场租、宽带费用补助：7,000.00元（符合条件，全额兑现）"."""
    if params is None:
        params = load_params(DEFAULT_PACK)
    item = params.items.get(str(row["item"]))
    return _("%(item)s：%(amount)s（%(reason)s）") % {
        "item": item.label if item else row["item"],
        "amount": yuan_or_missing(row["amount_fen"]),
        "reason": reason_text(str(row["reason"])),
    }


def parameter_error_text(error: ParameterError, params: Params | None = None) -> str:
    """A ParameterError in Chinese, naming the parameter (for the what-if form and pack checks)."""
    label = params.parameters[error.key].label if params is not None and error.key in params.parameters else error.key
    texts = {
        "unknown_parameter": _("参数“%(label)s”不存在"),
        "missing_field": _("参数“%(label)s”的第%(n)s个取值缺少数值、生效日期或依据"),
        "bad_date": _("参数“%(label)s”的第%(n)s个取值的生效日期无效（应为 年-月-日）"),
        "bad_value": _("参数“%(label)s”的第%(n)s个取值无效：%(detail)s"),
        "no_value": _("参数“%(label)s”至少需要一个取值"),
        "bad_pack": _("政策包“%(label)s”格式有误：%(detail)s"),
    }
    template = texts.get(error.code, _("参数“%(label)s”有误：%(detail)s"))
    return template % {"label": label, "n": (error.index or 0) + 1, "detail": error.detail}


def facts_error_text(error: FactsError) -> str:
    """A FactsError in Chinese, naming the sheet and rows (1-based, as in a workbook after its header)."""
    rows = "、".join(str(r + 2) for r in error.rows)
    texts = {
        "unknown_case_item": _("“%(kind)s”第%(rows)s行：政策项目“%(values)s”不是本政策的一事一议项目"),
        "unknown_subsidy_item": _("“%(kind)s”第%(rows)s行：政策项目“%(values)s”不是本政策的项目"),
    }
    template = texts.get(error.code, _("“%(kind)s”第%(rows)s行数据无效：%(values)s"))
    return template % {"kind": error.kind, "rows": rows, "values": "、".join(error.values)}
