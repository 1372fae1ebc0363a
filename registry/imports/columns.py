"""The columns of each import template and the error records of an import report.

Column headers are the file contract (what the template carries and what uploads are matched
against), so they are fixed Chinese literals, not translated strings. Help texts and messages go
through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from core.tabular import cell_error

ROSTER = "roster"
BASES = "bases"
KINDS = (ROSTER, BASES)
KIND_LABELS = {ROSTER: gettext_lazy("入驻企业名录"), BASES: gettext_lazy("示范基地")}

ALL_OR_NONE = "all_or_none"
KEEP_VALID = "keep_valid"
MODES = (ALL_OR_NONE, KEEP_VALID)

# Kinds of cell: how a raw value is read and checked.
TEXT = "text"
CREDIT_CODE = "credit_code"
REGION = "region"
BOOL = "bool"
DATE = "date"
DECIMAL = "decimal"
INTEGER = "integer"
YEAR = "year"
CHOICE = "choice"
BASE = "base"
QUOTA_UNIT = "quota_unit"


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str
    required: bool = False
    help: str | Promise = ""
    max_length: int = 0
    choices: tuple[tuple[str, str], ...] = ()  # (label in the file, stored key)

    @property
    def choice_labels(self) -> list[str]:
        return [label for label, _key in self.choices]


CATEGORY_CHOICES = (
    ("企业", "enterprise"),
    ("个体工商户", "individual"),
    ("农民专业合作社", "cooperative"),
    ("其他", "other"),
)
INDUSTRY_CHOICES = (
    ("零售业", "retail"),
    ("批发业", "wholesale"),
    ("软件和信息技术服务业", "software"),
    ("信息传输业", "info_transmission"),
    ("仓储业", "warehousing"),
    ("邮政业", "postal"),
    ("工业", "industry"),
    ("农、林、牧、渔业", "agriculture"),
    ("租赁和商务服务业", "leasing_business"),
    ("其他未列明行业", "other"),
)

ROSTER_COLUMNS: tuple[Col, ...] = (
    Col("credit_code", "统一社会信用代码", CREDIT_CODE, True, gettext_lazy("18 位，按 GB 32100 校验")),
    Col("name", "企业名称", TEXT, True, gettext_lazy("可使用繁体字"), max_length=128),
    Col("category", "企业类型", CHOICE, False, gettext_lazy("留空则按信用代码第 2 位判断"), choices=CATEGORY_CHOICES),
    Col("region", "注册地区代码", REGION, True, gettext_lazy("6 位行政区划代码（GB/T 2260），不得为已停用代码")),
    Col("main_business", "主营业务", TEXT, False, max_length=128),
    Col("is_ecommerce", "是否电商企业", BOOL, False, gettext_lazy("是/否，新企业留空按“是”")),
    Col("entered_on", "入驻日期", DATE, True, gettext_lazy("如 2024-05-01，不得晚于今天")),
    Col("annual_revenue", "年营业收入（万元）", DECIMAL, False, gettext_lazy("不小于 0，最多两位小数")),
    Col("employees", "从业人数", INTEGER, False, gettext_lazy("不小于 0 的整数")),
    Col("base", "所在基地", BASE, True, gettext_lazy("基地名称；基地运营主体可留空，默认为本基地")),
    Col("industry", "行业", CHOICE, False, choices=INDUSTRY_CHOICES),
    Col("figures_year", "数据年份", YEAR, False, gettext_lazy("营业收入、从业人数所属年份")),
    Col("contact_name", "联系人", TEXT, False, max_length=32),
    Col("contact_phone", "联系电话", TEXT, False, max_length=20),
)

BASE_COLUMNS: tuple[Col, ...] = (
    Col("name", "基地名称", TEXT, True, gettext_lazy("按名称（繁简不限）匹配已有基地"), max_length=128),
    Col("quota_unit", "申报单位代码", QUOTA_UNIT, True, gettext_lazy("如 50（重庆市）、2102（大连市）")),
    Col("region", "所在区划代码", REGION, True, gettext_lazy("6 位行政区划代码")),
    Col("operator_name", "运营主体", TEXT, True, max_length=128),
    Col("operator_credit_code", "运营主体统一社会信用代码", CREDIT_CODE, True),
    Col("area_m2", "电子商务办公建筑面积（平方米）", DECIMAL, True, gettext_lazy("不小于 0，最多两位小数")),
    Col("operating_since", "投入运营日期", DATE, True, gettext_lazy("不得晚于今天")),
    Col("batch", "批次", TEXT, False, gettext_lazy("如：第二批"), max_length=32),
    Col("designated_year", "认定年份", YEAR, False),
)

COLUMNS = {ROSTER: ROSTER_COLUMNS, BASES: BASE_COLUMNS}
SHEET_NAMES = {ROSTER: "入驻企业", BASES: "示范基地"}


# The rules of these files beyond the kernel's (core.tabular.errors.RULES: required, numbers, dates,
# yes/no, lists, lengths, missing columns). Each message is completed with the row and the header.
MESSAGES: dict[str, str | Promise] = {
    "uscc_length": gettext_lazy("应为 18 位，实为 %(n)s 位"),
    "uscc_alphabet": gettext_lazy("含有不允许的字符（不使用 I、O、Z、S、V）"),
    "uscc_authority": gettext_lazy("第 1 位登记管理部门代码无效"),
    "uscc_check": gettext_lazy("校验位错误，应为 %(expected)s"),
    "region_unknown": gettext_lazy("行政区划代码不存在"),
    "region_retired": gettext_lazy("行政区划代码已于 %(year)s 年停用%(successor)s"),
    "duplicate": gettext_lazy("统一社会信用代码在文件中重复（第 %(rows)s 行）"),
    "duplicate_name": gettext_lazy("基地名称在文件中重复（第 %(rows)s 行）"),
    "base_unknown": gettext_lazy("基地不存在"),
    "base_out_of_scope": gettext_lazy("您无权向该基地导入企业"),
    "enterprise_out_of_scope": gettext_lazy("该企业已登记，且不在您的管辖范围内，不能修改"),
    "quota_unit_unknown": gettext_lazy("申报单位代码不存在"),
}


def issue(row: int, header: str, value: Any, code: str, **params: Any) -> dict[str, Any]:
    """One error record of a report: Excel row (header = row 1), column, value, code, message
    (第 12 行「统一社会信用代码」：校验位错误，应为 L)."""
    return cell_error(row, header, value, code, rules=MESSAGES, **params).as_dict()
