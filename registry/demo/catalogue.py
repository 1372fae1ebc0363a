"""What the demo data set takes from the record, and the story of the programme it follows.

Real: the names and provinces of the bases listed in REFERENCE.md and seed 000, the counts of the
history table (34 in 2012, +66 in 2015 → 100, 99 scored in 2019 and +13 → 112, +15 in 2020 → 127),
the 2019 evaluation notice 商办电函〔2019〕162号 and the call 商办电函〔2014〕767号. Invented (and
marked so in the data): every other base, every document number of a designation, warning or
removal, all dates finer than the month given in REFERENCE.md, and the outcomes of the evaluations
from 2021 on, which the demo keeps in balance so that 127 bases hold the title today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# The demo's "today": residency dates and statuses are computed against it, never against the clock.
TODAY = datetime.date(2026, 6, 30)
FIGURES_YEAR = 2025

CALL_NOTICE = "商办电函〔2014〕767号"  # real: the call of the second batch (seed 001)
EVALUATION_2019_NOTICE = "商办电函〔2019〕162号"  # real: the 2019 comprehensive evaluation

# Groups of bases by how they entered the programme.
FIRST = "first"
SECOND = "second"
EVAL_2019 = "eval_2019"
EVAL_2020 = "eval_2020"
EVAL_2023 = "eval_2023"
EVAL_2025 = "eval_2025"
CANDIDATE = "candidate"
WITHDRAWN = "withdrawn"  # candidate parks their province withdrew

GROUP_SIZES = {
    FIRST: 34,
    SECOND: 66,
    EVAL_2019: 13,
    EVAL_2020: 15,
    EVAL_2023: 1,
    EVAL_2025: 1,
    CANDIDATE: 60,
    WITHDRAWN: 2,
}


@dataclass(frozen=True)
class Designation:
    batch: str
    date: datetime.date
    document_no: str  # invented unless stated
    note: str


DESIGNATIONS = {
    FIRST: Designation("第一批", datetime.date(2012, 12, 20), "商电函〔2012〕1016号", "首批国家电子商务示范基地"),
    SECOND: Designation(
        "第二批",
        datetime.date(2015, 7, 20),
        "商电函〔2015〕517号",
        f"第二批国家电子商务示范基地（依据{CALL_NOTICE}组织申报）",
    ),
    EVAL_2019: Designation(
        "2019年综合评价",
        datetime.date(2019, 12, 6),
        "商办电函〔2019〕1076号",
        f"2019年综合评价（{EVALUATION_2019_NOTICE}）连续两年排名靠前，公示期2019年11月19日至25日",
    ),
    EVAL_2020: Designation(
        "2020年综合评价",
        datetime.date(2020, 9, 10),
        "商办电函〔2020〕598号",
        "2020年综合评价连续两年排名靠前，公示期2020年8月21日至27日",
    ),
    EVAL_2023: Designation(
        "2023年综合评价", datetime.date(2023, 12, 15), "商办电函〔2023〕842号", "2023年综合评价连续两年排名靠前"
    ),
    EVAL_2025: Designation(
        "2025年综合评价", datetime.date(2025, 12, 15), "商办电函〔2025〕807号", "2025年综合评价连续两年排名靠前"
    ),
}

# Candidate parks enter when their province recommends them; the years each group may start in.
CANDIDATE_YEARS = {
    EVAL_2019: (2018, 2018),
    EVAL_2020: (2018, 2019),
    EVAL_2023: (2021, 2021),
    EVAL_2025: (2022, 2023),
    CANDIDATE: (2018, 2025),
    WITHDRAWN: (2019, 2020),
}
WITHDRAWN_ON = datetime.date(2022, 6, 30)


def evaluation_date(year: int) -> datetime.date:
    return datetime.date(year, 12, 15)


# Status changes after designation, applied to invented bases only (a real park is never shown
# warned or removed). Each step: year, how many bases, from status, to status. "pick" steps take
# fresh designated bases; the others act on the bases the named earlier step picked.
@dataclass(frozen=True)
class Outcome:
    year: int
    label: str  # which set of bases: a new pick, or one made by an earlier step
    from_status: str
    to_status: str
    count: int
    source: str = ""  # the label of the earlier step whose bases this one acts on, "" for a new pick
    offset: int = 0  # which of the earlier step's bases (slice start)


OUTCOMES = (
    Outcome(2018, "removed_2018", "designated", "removed", 1),
    Outcome(2021, "warned_2021", "designated", "warned", 3),
    Outcome(2022, "", "warned", "rectifying", 2, source="warned_2021", offset=0),
    Outcome(2022, "", "warned", "designated", 1, source="warned_2021", offset=2),
    Outcome(2023, "", "rectifying", "removed", 1, source="warned_2021", offset=0),
    Outcome(2023, "", "rectifying", "designated", 1, source="warned_2021", offset=1),
    Outcome(2024, "warned_2024", "designated", "warned", 4),
    Outcome(2025, "", "warned", "rectifying", 2, source="warned_2024", offset=0),
    Outcome(2025, "", "warned", "removed", 1, source="warned_2024", offset=2),
    Outcome(2025, "", "warned", "designated", 1, source="warned_2024", offset=3),
    Outcome(2025, "warned_2025", "designated", "warned", 3),
)

OUTCOME_NOTES = {
    "warned": "综合评价排名靠后，予以警示",
    "rectifying": "警示后未达要求，责令限期整改",
    "removed": "综合评价排名末位，撤销示范基地称号",
    "designated": "整改到位，恢复正常",
}


@dataclass(frozen=True)
class RealBase:
    """A base whose name and quota unit are on record. `places` are the county codes or
    prefecture prefixes (4 digits) where it lies, best first; empty when only the province is
    known (the county is then drawn inside the unit, like an invented one)."""

    name: str
    unit: str
    group: str
    places: tuple[str, ...] = ()
    source: str = "REFERENCE.md"
    invented: bool = False


REAL_BASES: tuple[RealBase, ...] = (
    # Named in seed 000; batch not on record: the demo puts them in the first batch.
    RealBase("深圳福田国际电子商务产业园", "4403", FIRST, ("440304",), "seeds/000（批次为演示假设）"),
    RealBase("内蒙古呼和浩特金桥电子商务产业园", "15", FIRST, ("150105", "1501"), "seeds/000（批次为演示假设）"),
    # Second batch in 福建 and 厦门 (REFERENCE.md).
    RealBase("德化电子商务产业园", "35", SECOND, ("350526",)),
    RealBase("莆田城厢区安福电子商务城", "35", SECOND, ("350302",)),
    RealBase("弘桥智谷(泉州)电商产业基地", "35", SECOND, ("3505",)),
    RealBase("厦门(海沧)电子商务产业基地", "3502", SECOND, ("350205",)),
    # The base of the 荣昌 policy pack (seed 004); its name is invented, the district is real.
    RealBase("荣昌区电子商务产业园", "50", SECOND, ("500153",), "seeds/004（名称为演示虚构）", invented=True),
    # Added through the 2019 evaluation.
    RealBase("徐州软件园电商基地", "32", EVAL_2019, ("320311", "3203")),
    # The 15 additions of 2020.
    RealBase("上海万香国际创新港", "31", EVAL_2020, ("310115",)),
    RealBase("江苏信息服务产业基地", "32", EVAL_2020, ("3210",)),
    RealBase("中国东海水晶城", "32", EVAL_2020, ("320722",)),
    RealBase("无锡市新吴区旺庄科技创业发展中心", "32", EVAL_2020, ("320214",)),
    RealBase("义乌陆港电商小镇", "33", EVAL_2020, ("330782",)),
    RealBase(
        "石狮市青创城国际网批中心", "35", EVAL_2020, ("350581",), "REFERENCE.md；seeds/000 称福建石狮青创城国际网批中心"
    ),
    RealBase("厦门跨境电商产业园", "3502", EVAL_2020, ("350206", "3502")),
    RealBase("菏泽天华电商产业园", "37", EVAL_2020, ("371702", "3717")),
    RealBase("山东方达电子商务园", "37", EVAL_2020),
    RealBase("山东凤凰山电子商务产业园", "37", EVAL_2020),
    RealBase("鄂州葛店中部电子商务示范基地", "42", EVAL_2020, ("420703", "4207")),
    RealBase("宜昌和艺电子商务产业园", "42", EVAL_2020, ("4205",)),
    RealBase("汕头宝奥城电子商务园区", "44", EVAL_2020, ("4405",)),
    RealBase("秀山(武陵)现代物流园区", "50", EVAL_2020, ("500241",)),
    RealBase(
        "武侯电商产业功能区", "51", EVAL_2020, ("510107",), "REFERENCE.md；seeds/000 称四川成都市武侯电商产业功能区"
    ),
)

DEMO_BASE_NAME = "荣昌区电子商务产业园"  # the base of the operator and enterprise demo accounts
DEMO_BASE_SHARE = 0.015  # its share of the resident enterprises

# Second-batch quotas of notice 767: 3 per province or autonomous region, 2 for the others.
QUOTA_PER_KIND = {"province": 3, "autonomous_region": 3}
QUOTA_OTHER = 2
