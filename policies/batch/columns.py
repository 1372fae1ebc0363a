"""The columns of the facts workbook: for each kind of fact of the contract (`policies.rules.facts.
SCHEMAS`, the sheet's name), each contract column with its Chinese header alias and how a cell is
read.

A header is either the contract's column name (`amount_fen`) or its Chinese alias (`金额（元）`);
headers match after NFKC (full-width brackets) and without blanks. The header decides the unit of
money and rates: under the contract's name money is integer fen and a rate integer ppm (as in the
contract); under the Chinese alias money is yuan with at most two decimals and a rate a percentage
with at most four decimals. A rate written as text with a per cent sign ("4.35%") is read as a
percentage under either header.

Headers are the file contract, so they are fixed literals; help texts go through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from policies.rules.facts import SCHEMAS

# Kinds of cell.
ID = "id"  # a positive whole number identifying an enterprise or a thing
COUNT = "count"  # a whole number ≥ 0
RANK = "rank"  # a whole number ≥ 1
YEAR = "year"  # 1990..2100
DATE = "date"
MONEY = "money"  # fen under the contract's name, yuan under the alias
RATE = "rate"  # ppm under the contract's name, per cent under the alias
BOOL = "bool"
TEXT = "text"
CHOICE = "choice"  # one of `choices` (key or Chinese label)
PACK_ITEM = "pack_item"  # an item of the pack (key or label)
CASE_ITEM = "case_item"  # an item of the pack decided case by case (key or label)
PLATFORM = "platform"  # a platform: a label of the pack's list is turned into its key; other text kept

YEAR_RANGE = (1990, 2100)
MAX_FEN = 10**15  # 10万亿元: anything larger is a typing error, not a fact
MAX_COUNT = 10**12

NOTES_SHEET = "说明"


@dataclass(frozen=True)
class Column:
    name: str  # the contract's column
    alias: str  # the Chinese header
    cell: str
    required: bool = True
    help: str | Promise = ""
    choices: tuple[tuple[str, str | Promise], ...] = ()  # (key, Chinese label)

    @property
    def alias_unit(self) -> str:
        """The unit of the Chinese header, for the notes."""
        return {MONEY: "元", RATE: "%"}.get(self.cell, "")


ENTERPRISE = Column("enterprise", "企业编号", ID, help=_("企业的编号（整数），须在 enterprises 工作表中"))

COST_KINDS = (("rent", _("场租")), ("broadband", _("宽带费")))
BRAND_KINDS = (
    ("district", _("区领导小组认定品牌")),
    ("national", _("国家级电商著名、知名品牌")),
    ("municipal", _("市级电商著名、知名品牌")),
)
DEMO_LEVELS = (
    ("national", _("全国电子商务示范企业")),
    ("municipal", _("重庆市电子商务示范企业")),
    ("district", _("区级电子商务示范企业")),
)
SUBSIDY_SOURCES = (("municipal", _("市级同类政策")), ("other_district", _("区其他同类政策")))

COLUMNS: dict[str, tuple[Column, ...]] = {
    "enterprises": (
        Column("enterprise", "企业编号", ID, help=_("企业的编号（整数），同一工作簿内唯一")),
        Column("name", "企业名称", TEXT),
        Column("registered_in_district", "登记注册在本区", BOOL, help=_("是/否；留空按“否”")),
        Column("ecommerce", "电商企业", BOOL, help=_("是：电商企业；否：传统企业；留空按“否”")),
        Column("association", "行业协会", BOOL, help=_("是/否；留空按“否”")),
    ),
    "residencies": (
        ENTERPRISE,
        Column("entered_on", "入驻日期", DATE, help=_("入驻区电子商务产业园的日期")),
        Column("left_on", "迁出日期", DATE, required=False, help=_("最后一天入驻的日期（含当日）；仍在园则留空")),
    ),
    "costs": (
        ENTERPRISE,
        Column("kind", "费用类别", CHOICE, choices=COST_KINDS),
        Column("period_start", "起始日期", DATE),
        Column("period_end", "截止日期", DATE, help=_("含当日，不早于起始日期")),
        Column("amount_fen", "金额（元）", MONEY, help=_("该期间的费用；期间内按月平均分摊")),
    ),
    "projects": (
        Column("project", "项目编号", ID, help=_("平台项目的编号，同一工作簿内唯一")),
        ENTERPRISE,
        Column("year", "年度", YEAR, help=_("申请补助的年度")),
        Column("investment_fen", "项目投入（元）", MONEY),
        Column("own_funds", "利用自有资金", BOOL, help=_("是/否；留空按“否”")),
    ),
    "stores": (
        Column("store", "店铺编号", ID, help=_("店铺的编号，同一工作簿内唯一")),
        ENTERPRISE,
        Column("platform", "平台", PLATFORM, help=_("平台代码（jd、tmall…）或名称（京东、天猫…）")),
        Column("opened_on", "开店日期", DATE),
        Column("newly_opened", "新开设", BOOL, help=_("是/否；留空按“否”")),
        Column("running_normally", "正常运行", BOOL, help=_("是/否；留空按“否”")),
        Column("year_turnover_fen", "首个运行年度交易额（元）", MONEY),
        Column("year_operating_cost_fen", "年运营费用（元）", MONEY),
    ),
    "outstanding": (
        ENTERPRISE,
        Column("year", "年度", YEAR),
        Column("rank", "评选名次", RANK, help=_("区里评定的名次，1 起")),
    ),
    "brands": (
        Column("brand", "品牌编号", ID, help=_("品牌的编号，同一工作簿内唯一")),
        ENTERPRISE,
        Column("year", "年度", YEAR),
        Column("kind", "品牌类别", CHOICE, choices=BRAND_KINDS),
        Column("amount_fen", "金额（元）", MONEY, help=_("区认定品牌：领导小组决定的金额；国家级、市级：上级奖励金额")),
    ),
    "orders": (
        ENTERPRISE,
        Column("year", "年度", YEAR),
        Column("orders", "年交易单数", COUNT),
    ),
    "transactions": (
        ENTERPRISE,
        Column("year", "年度", YEAR),
        Column("amount_fen", "年电商交易额（元）", MONEY),
    ),
    "demo_titles": (
        ENTERPRISE,
        Column("year", "认定年度", YEAR),
        Column("level", "级别", CHOICE, choices=DEMO_LEVELS),
        Column("rank", "区级认定顺序", RANK, help=_("区级认定在当年的顺序，1 起（每年奖励不超过5户）")),
    ),
    "case_awards": (
        Column("case", "事项编号", ID, help=_("一事一议决定的编号，同一工作簿内唯一")),
        ENTERPRISE,
        Column("year", "年度", YEAR),
        Column("item", "政策条目", CASE_ITEM, help=_("一事一议的政策条目：代码或名称")),
        Column("amount_fen", "决定金额（元）", MONEY),
        Column("decision_no", "决定文号", TEXT, required=False),
    ),
    "training": (
        ENTERPRISE,
        Column("year", "年度", YEAR),
        Column("trainees", "培训人数", COUNT),
        Column("cost_fen", "培训费用（元）", MONEY),
    ),
    "loans": (
        Column("loan", "贷款编号", ID, help=_("贷款的编号，同一工作簿内唯一")),
        ENTERPRISE,
        Column("principal_fen", "贷款本金（元）", MONEY),
        Column("loan_date", "放款日期", DATE),
        Column("repaid_on", "归还日期", DATE, required=False, help=_("归还或到期的日期（当日不计息）；未归还留空")),
        Column("actual_rate_ppm", "实际年利率（%）", RATE),
        Column("benchmark_rate_ppm", "同期基准利率（%）", RATE),
        Column("recognised", "经认定", BOOL, help=_("是/否；留空按“否”")),
        Column("own_business", "用于扩大自身生产经营", BOOL, help=_("是/否；留空按“否”")),
    ),
    "other_subsidies": (
        ENTERPRISE,
        Column("year", "年度", YEAR),
        Column("item", "对应政策条目", PACK_ITEM, help=_("本政策的条目：代码或名称")),
        Column("source", "来源", CHOICE, required=False, choices=SUBSIDY_SOURCES),
    ),
}

# The id column of the kinds whose rows are things of their own (unique within the workbook).
ID_COLUMNS = {
    "enterprises": "enterprise",
    "projects": "project",
    "stores": "store",
    "brands": "brand",
    "case_awards": "case",
    "loans": "loan",
}

KIND_LABELS: dict[str, str | Promise] = {
    "enterprises": _("企业"),
    "residencies": _("入驻园区"),
    "costs": _("场租、宽带费用"),
    "projects": _("平台项目"),
    "stores": _("旗舰店、专卖店"),
    "outstanding": _("业绩突出的新增电商企业评选"),
    "brands": _("电商品牌"),
    "orders": _("线上订单"),
    "transactions": _("年电商交易额（历年）"),
    "demo_titles": _("电子商务示范企业认定"),
    "case_awards": _("一事一议决定"),
    "training": _("人才培训"),
    "loans": _("贷款"),
    "other_subsidies": _("已享受的其他同类补助"),
}


def check_contract() -> None:
    """Every kind and column of the contract has its column here, in the contract's order."""
    if list(COLUMNS) != list(SCHEMAS):
        raise AssertionError(f"kinds differ from the contract: {list(COLUMNS)} vs {list(SCHEMAS)}")
    for kind, schema in SCHEMAS.items():
        names = [c.name for c in COLUMNS[kind]]
        if names != list(schema):
            raise AssertionError(f"{kind}: columns {names} differ from the contract {list(schema)}")
