"""The pure generator of the national demo data set.

`build_plan(regions, units, seed=..., enterprises=...)` returns every row the writer inserts, as
plain dataclasses. Only `random.Random(seed)` is used (never the global generator) and every date
is computed from the fixed `catalogue.TODAY`, so the same seed and the same regions give the same
plan on every machine and every day. No Django import: two plans can be compared in memory.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from core import uscc
from registry.demo import catalogue as cat
from registry.demo import names

DEFAULT_SEED = 20120
DEFAULT_ENTERPRISES = 57_600

USCC_CHARS = uscc.ALPHABET

INDUSTRY_WEIGHTS = (
    ("retail", 40),
    ("wholesale", 15),
    ("software", 11),
    ("info_transmission", 6),
    ("leasing_business", 10),
    ("warehousing", 4),
    ("postal", 3),
    ("industry", 6),
    ("agriculture", 3),
    ("other", 2),
)
MOVED_SHARE = 0.05
LEFT_SHARE = 0.05
TITLED_SHARE = 0.06
TITLE_LEVELS = (("district", 45), ("municipal", 30), ("provincial", 18), ("national", 7))


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int
    parent_code: str | None


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    kind: str
    region_code: str | None


@dataclass
class PlannedChange:
    from_status: str
    to_status: str
    date: datetime.date
    document_no: str
    note: str


@dataclass
class PlannedBase:
    name: str
    unit_code: str
    region_code: str
    address: str
    operator_name: str
    operator_credit_code: str
    area_m2: Decimal
    operating_since: datetime.date
    group: str
    is_invented: bool
    description: str
    batch: str = ""
    designated_year: int | None = None
    changes: list[PlannedChange] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Where the base's history of changes ends ("" before the first)."""
        return self.changes[-1].to_status if self.changes else ""

    def move(self, to_status: str, date: datetime.date, document_no: str, note: str) -> None:
        self.changes.append(PlannedChange(self.status, to_status, date, document_no, note))


@dataclass
class PlannedEnterprise:
    credit_code: str
    name: str
    category: str
    region_code: str
    is_ecommerce: bool
    industry: str
    main_business: str
    annual_revenue: Decimal
    employees: int
    contact_name: str
    contact_phone: str


@dataclass
class PlannedResidency:
    enterprise: int  # index into plan.enterprises
    base: int  # index into plan.bases
    entered_on: datetime.date
    left_on: datetime.date | None
    note: str = ""


@dataclass
class PlannedTitle:
    enterprise: int
    level: str
    name: str
    year: int
    issuer: str
    document_no: str


@dataclass
class DemoPlan:
    seed: int
    bases: list[PlannedBase]
    enterprises: list[PlannedEnterprise]
    residencies: list[PlannedResidency]
    titles: list[PlannedTitle]
    demo_base: int
    demo_enterprise: int


class Geography:
    """Regions and quota units, and which counties belong to which unit.

    A separate-planning city's counties belong to that city's unit, not to its province; the
    XPCC (which has no division code of its own) holds the county-level cities directly under
    Xinjiang (6590xx), which Xinjiang's unit therefore does not.
    """

    XPCC_PREFIX = "6590"

    def __init__(self, regions: list[RegionRow], units: list[UnitRow]) -> None:
        self.regions = {r.code: r for r in regions}
        self.units = sorted(units, key=lambda u: u.code)
        self.unit_by_code = {u.code: u for u in self.units}
        counties = sorted(r.code for r in regions if r.level == 3)
        separate = [u.region_code[:4] for u in self.units if u.kind == "separate_planning_city" and u.region_code]
        has_xpcc = any(u.kind == "xpcc" for u in self.units)
        self.counties: dict[str, list[str]] = {}
        for unit in self.units:
            prefix = self.prefix(unit)
            excluded: list[str] = []
            if unit.kind != "separate_planning_city":
                excluded = [p for p in separate if p.startswith(prefix)]
                if has_xpcc and unit.kind != "xpcc":
                    excluded.append(self.XPCC_PREFIX)
            self.counties[unit.code] = [
                c for c in counties if c.startswith(prefix) and not any(c.startswith(p) for p in excluded)
            ]
            if not self.counties[unit.code]:
                raise ValueError(f"quota unit {unit.code} has no county-level region")

    def prefix(self, unit: UnitRow) -> str:
        if unit.kind == "xpcc" or not unit.region_code:
            return self.XPCC_PREFIX
        region = self.regions[unit.region_code]
        return region.code[:2] if region.level == 1 else region.code[:4] if region.level == 2 else region.code

    def province(self, county: str) -> RegionRow:
        return self.regions[county[:2] + "0000"]

    def prefecture(self, county: str) -> RegionRow | None:
        parent = self.regions[county].parent_code
        return self.regions.get(parent) if parent else None

    def place_names(self, county: str) -> tuple[str, str | None, str]:
        """Short names of the county, its prefecture (None when generic) and its province."""
        pref = self.prefecture(county)
        pref_short = None
        if pref is not None and pref.level == 2 and pref.name not in names.GENERIC_PREFECTURES:
            pref_short = names.short_name(pref.name)
        return names.short_name(self.regions[county].name), pref_short, names.short_name(self.province(county).name)

    def full_place(self, county: str) -> str:
        province = self.province(county)
        pref = self.prefecture(county)
        middle = "" if pref is None or pref.name in names.GENERIC_PREFECTURES else pref.name
        return province.name + middle + self.regions[county].name


def _rand_date(rng: random.Random, lo: datetime.date, hi: datetime.date) -> datetime.date:
    if hi <= lo:
        return lo
    return lo + datetime.timedelta(days=rng.randrange((hi - lo).days + 1))


def _money(value: float) -> Decimal:
    return Decimal(round(value * 100)).scaleb(-2)


class _Codes:
    """Unique, valid credit codes: authority 9 + category + county + organisation code + check.

    The organisation code passes the GB 11714 check too: older registrations are 8 digits,
    those from 2016 on start with MA like the codes issued after the reform."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, category_digit: str, county: str, modern: bool) -> str:
        rng = self.rng
        while True:
            if modern:
                org8 = "MA" + "".join(rng.choice(USCC_CHARS) for _ in range(6))
            else:
                org8 = f"{rng.randrange(10**7, 10**8):08d}"
            total = sum(uscc.ORG_ALPHABET.index(c) * w for c, w in zip(org8, uscc.ORG_WEIGHTS, strict=True))
            rest = 11 - total % 11
            org9 = org8 + ("X" if rest == 10 else "0" if rest == 11 else str(rest))
            code = uscc.make(f"9{category_digit}{county}{org9}")
            if code not in self.used:
                self.used.add(code)
                return code


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def build_plan(
    regions: list[RegionRow],
    units: list[UnitRow],
    *,
    seed: int = DEFAULT_SEED,
    enterprises: int = DEFAULT_ENTERPRISES,
) -> DemoPlan:
    rng = random.Random(seed)
    geo = Geography(regions, units)
    codes = _Codes(rng)
    bases = _plan_bases(rng, geo, codes)
    demo_base = next(i for i, b in enumerate(bases) if b.name == cat.DEMO_BASE_NAME)
    ents, residencies, titles = _plan_enterprises(rng, geo, codes, bases, demo_base, max(enterprises, 1))
    return DemoPlan(seed, bases, ents, residencies, titles, demo_base=demo_base, demo_enterprise=0)


# --- bases -----------------------------------------------------------------------------------


def _units_for_groups(rng: random.Random, geo: Geography) -> dict[str, list[str]]:
    """The quota unit of each invented base, group by group."""
    real_count: dict[tuple[str, str], int] = {}
    for real in cat.REAL_BASES:
        real_count[real.group, real.unit] = real_count.get((real.group, real.unit), 0) + 1
    codes = [u.code for u in geo.units]
    out: dict[str, list[str]] = {}

    # First batch: one base in each of 34 units (the real ones' units included).
    taken = {u for (g, u) in real_count if g == cat.FIRST}
    rest = [c for c in codes if c not in taken and geo.unit_by_code[c].kind != "xpcc"]
    rng.shuffle(rest)
    need = cat.GROUP_SIZES[cat.FIRST] - sum(n for (g, _), n in real_count.items() if g == cat.FIRST)
    out[cat.FIRST] = rest[:need]

    # Second batch within the quotas of notice 767; units still without a base come first.
    quota = {c: cat.QUOTA_PER_KIND.get(geo.unit_by_code[c].kind, cat.QUOTA_OTHER) for c in codes}
    for (g, u), n in real_count.items():
        if g == cat.SECOND:
            quota[u] -= n
    have = set(taken) | set(out[cat.FIRST]) | {u for (g, u) in real_count if g == cat.SECOND}
    second = [c for c in codes if c not in have]
    for c in second:
        quota[c] -= 1
    need = cat.GROUP_SIZES[cat.SECOND] - sum(n for (g, _), n in real_count.items() if g == cat.SECOND)
    while len(second) < need:
        open_units = [c for c in codes if quota[c] > 0]
        pick = rng.choice(open_units)
        quota[pick] -= 1
        second.append(pick)
    out[cat.SECOND] = second

    # Candidate parks (and the ones added later through the evaluation): provinces recommend more.
    weights = [3 if geo.unit_by_code[c].kind in ("province", "autonomous_region") else 1 for c in codes]
    for group in (cat.EVAL_2019, cat.EVAL_2020, cat.EVAL_2023, cat.EVAL_2025, cat.CANDIDATE, cat.WITHDRAWN):
        need = cat.GROUP_SIZES[group] - sum(n for (g, _), n in real_count.items() if g == group)
        out[group] = rng.choices(codes, weights=weights, k=need)
    return out


def _plan_bases(rng: random.Random, geo: Geography, codes: _Codes) -> list[PlannedBase]:
    used_names = {r.name for r in cat.REAL_BASES}
    bases: list[PlannedBase] = []
    unit_groups = _units_for_groups(rng, geo)

    def county_for(unit: str, places: tuple[str, ...] = ()) -> str:
        counties = geo.counties[unit]
        for place in places:
            if place in counties:
                return place
            inside = [c for c in counties if c.startswith(place)]
            if inside:
                return rng.choice(inside)
        return rng.choice(counties)

    def new_base(name: str, unit: str, county: str, group: str, invented: bool, source: str) -> PlannedBase:
        county_short, pref_short, _ = geo.place_names(county)
        place = pref_short + county_short if pref_short and rng.random() < 0.5 else county_short
        area_cents = (
            rng.randint(2_050_000, 25_000_000) if group != cat.CANDIDATE else rng.randint(1_500_000, 12_000_000)
        )
        description = (
            "演示数据：虚构的基地，名称、运营主体和数据均为生成。"
            if invented
            else f"演示数据：名称及所在省份据公开资料（{source}），运营主体、面积和经营数据为生成。"
        )
        return PlannedBase(
            name=name,
            unit_code=unit,
            region_code=county,
            address=names.address(rng, geo.full_place(county)),
            operator_name=names.operator_name(rng, place),
            operator_credit_code=codes.make("1", county, modern=False),
            area_m2=Decimal(area_cents).scaleb(-2),
            operating_since=datetime.date(2000, 1, 1),  # set by the story below
            group=group,
            is_invented=invented,
            description=description,
        )

    def invented_name(county: str) -> str:
        county_short, pref_short, prov_short = geo.place_names(county)
        for attempt in itertools.count():
            roll = rng.random()
            if pref_short and roll < 0.3:
                place = pref_short
            elif pref_short and roll < 0.6:
                place = pref_short + county_short
            elif roll < 0.8 or attempt > 5:
                place = county_short if attempt < 10 else prov_short + county_short
            else:
                place = prov_short + county_short
            name = names.base_name(rng, place)
            if name not in used_names:
                used_names.add(name)
                return name
        raise AssertionError("unreachable")

    for group in (cat.FIRST, cat.SECOND, cat.EVAL_2019, cat.EVAL_2020, cat.EVAL_2023, cat.EVAL_2025):
        for real in (r for r in cat.REAL_BASES if r.group == group):
            bases.append(
                new_base(real.name, real.unit, county_for(real.unit, real.places), group, real.invented, real.source)
            )
        for unit in unit_groups[group]:
            county = county_for(unit)
            bases.append(new_base(invented_name(county), unit, county, group, True, ""))
    for group in (cat.CANDIDATE, cat.WITHDRAWN):
        for unit in unit_groups[group]:
            county = county_for(unit)
            bases.append(new_base(invented_name(county), unit, county, cat.CANDIDATE, True, ""))
            bases[-1].group = group

    _tell_story(rng, geo, bases)
    return bases


def _recommendation_no(rng: random.Random, geo: Geography, unit: str, year: int) -> str:
    short = names.short_name(geo.unit_by_code[unit].name)
    return f"{short}商务函〔{year}〕{rng.randint(10, 299)}号"


def _tell_story(rng: random.Random, geo: Geography, bases: list[PlannedBase]) -> None:
    """Statuses, batches and dates after catalogue's history; operating dates before designation."""
    for base in bases:
        group = base.group
        if group in (cat.FIRST, cat.SECOND):
            d = cat.DESIGNATIONS[group]
            latest = d.date.replace(year=d.date.year - 1)
            base.operating_since = _rand_date(rng, latest.replace(year=latest.year - 6), latest)
            base.move("designated", d.date, d.document_no, d.note)
            base.batch, base.designated_year = d.batch, d.date.year
            continue
        first, last = cat.CANDIDATE_YEARS[group]
        year = rng.randint(first, last)
        recommended = datetime.date(year, 6, 30)
        base.operating_since = _rand_date(rng, datetime.date(year - 6, 1, 1), datetime.date(year - 1, 6, 30))
        base.move(
            "candidate",
            recommended,
            _recommendation_no(rng, geo, base.unit_code, year),
            "省级商务主管部门推荐为后备园区，参加综合评价",
        )
        if group in cat.DESIGNATIONS:
            d = cat.DESIGNATIONS[group]
            base.move("designated", d.date, d.document_no, d.note)
            base.batch, base.designated_year = d.batch, d.date.year
        elif group == cat.WITHDRAWN:
            base.move(
                "removed",
                cat.WITHDRAWN_ON,
                _recommendation_no(rng, geo, base.unit_code, cat.WITHDRAWN_ON.year),
                "省级商务主管部门撤回推荐",
            )

    # Outcomes of the evaluations: invented bases of the two batches only, never the demo base.
    pool = [b for b in bases if b.group in (cat.FIRST, cat.SECOND) and b.is_invented and b.name != cat.DEMO_BASE_NAME]
    rng.shuffle(pool)
    picked: dict[str, list[PlannedBase]] = {}
    numbers = iter(range(301, 1000, 7))
    for outcome in cat.OUTCOMES:
        if outcome.source:
            chosen = picked[outcome.source][outcome.offset : outcome.offset + outcome.count]
        else:
            chosen = [pool.pop() for _ in range(outcome.count)]
            picked[outcome.label] = chosen
        date = cat.evaluation_date(outcome.year)
        for base in chosen:
            assert base.status == outcome.from_status, (base.name, base.status, outcome)
            base.move(
                outcome.to_status,
                date,
                f"商办电函〔{outcome.year}〕{next(numbers)}号",
                f"{outcome.year}年综合评价：{cat.OUTCOME_NOTES[outcome.to_status]}",
            )


# --- enterprises -----------------------------------------------------------------------------


def _plan_enterprises(
    rng: random.Random,
    geo: Geography,
    codes: _Codes,
    bases: list[PlannedBase],
    demo_base: int,
    count: int,
) -> tuple[list[PlannedEnterprise], list[PlannedResidency], list[PlannedTitle]]:
    weights = []
    for i, base in enumerate(bases):
        w = rng.lognormvariate(0, 0.7)
        if base.status == "candidate" or base.status == "removed":
            w *= 0.3
        weights.append(0.0 if i == demo_base else w)
    total = sum(weights)
    weights[demo_base] = total * cat.DEMO_BASE_SHARE / (1 - cat.DEMO_BASE_SHARE)
    cum = list(itertools.accumulate(weights))
    by_unit: dict[str, list[int]] = {}
    for i, base in enumerate(bases):
        by_unit.setdefault(base.unit_code, []).append(i)
    since = [max(b.operating_since, datetime.date(2010, 1, 1)) for b in bases]

    def draw_base() -> int:
        return min(bisect.bisect_right(cum, rng.random() * cum[-1]), len(bases) - 1)

    ents: list[PlannedEnterprise] = []
    residencies: list[PlannedResidency] = []
    titles: list[PlannedTitle] = []
    used_names: set[str] = set()
    today = cat.TODAY
    day = datetime.timedelta(days=1)

    for i in range(count):
        current = demo_base if i == 0 else draw_base()
        fate = 1.0 if i == 0 else rng.random()
        home = current
        stays: list[PlannedResidency] = []
        if fate < MOVED_SHARE:
            if rng.random() < 0.3 or len(by_unit[bases[current].unit_code]) == 1:
                previous = draw_base()
                while previous == current:
                    previous = draw_base()
            else:
                previous = rng.choice([b for b in by_unit[bases[current].unit_code] if b != current])
            home = previous
            entered = _rand_date(rng, since[previous], today - 400 * day)
            left = _rand_date(rng, entered + 180 * day, today - 100 * day)
            stays.append(PlannedResidency(i, previous, entered, left, "迁往其他基地"))
            again = max(left + rng.randrange(60) * day, since[current])
            stays.append(PlannedResidency(i, current, again, None))
        elif fate < MOVED_SHARE + LEFT_SHARE:
            entered = _rand_date(rng, since[current], today - 200 * day)
            stays.append(
                PlannedResidency(i, current, entered, _rand_date(rng, entered + 90 * day, today - day), "迁出")
            )
        else:
            stays.append(PlannedResidency(i, current, _rand_date(rng, since[current], today - 30 * day), None))
        residencies.extend(stays)

        home_county = bases[home].region_code
        county = home_county if i == 0 or rng.random() < 0.8 else rng.choice(geo.counties[bases[home].unit_code])
        roll = 0.0 if i == 0 else rng.random()
        category = "enterprise" if roll < 0.85 else "individual" if roll < 0.95 else "cooperative"
        industry = "agriculture" if category == "cooperative" else _weighted(rng, INDUSTRY_WEIGHTS)
        name = _enterprise_name(rng, geo, county, category, industry, used_names)
        digit = {"enterprise": "1", "individual": "2", "cooperative": "3"}[category]
        mu, sigma = {"enterprise": (5.0, 1.4), "individual": (3.2, 0.9), "cooperative": (4.0, 1.0)}[category]
        revenue = min(rng.lognormvariate(mu, sigma), 5_000_000.0)
        employees = rng.randint(1, 8) if category == "individual" else max(1, int(rng.lognormvariate(2.3, 0.9)))
        ents.append(
            PlannedEnterprise(
                credit_code=codes.make(digit, county, modern=stays[0].entered_on.year >= 2016),
                name=name,
                category=category,
                region_code=county,
                is_ecommerce=rng.random() < 0.9,
                industry=industry,
                main_business=rng.choice(names.MAIN_BUSINESS[industry]),
                annual_revenue=_money(revenue),
                employees=employees,
                contact_name=names.person_name(rng),
                contact_phone=names.phone(rng),
            )
        )
        if rng.random() < TITLED_SHARE:
            titles.extend(_titles(rng, geo, i, bases[stays[-1].base].region_code, stays[0].entered_on.year))
    return ents, residencies, titles


def _enterprise_name(
    rng: random.Random, geo: Geography, county: str, category: str, industry: str, used: set[str]
) -> str:
    county_short, pref_short, prov_short = geo.place_names(county)
    county_full = geo.regions[county].name
    for attempt in itertools.count():
        if category != "enterprise":
            place = county_full if attempt < 20 else (pref_short or prov_short) + county_full
        else:
            roll = rng.random()
            place = prov_short if roll < 0.3 else (pref_short or prov_short) if roll < 0.55 else county_short
        name = names.company_name(rng, place, category, industry)
        if name not in used:
            used.add(name)
            return name
    raise AssertionError("unreachable")


def _titles(rng: random.Random, geo: Geography, enterprise: int, county: str, since_year: int) -> list[PlannedTitle]:
    first = max(2016, since_year + 1)
    if first > cat.FIGURES_YEAR:
        return []
    level = _weighted(rng, TITLE_LEVELS)
    province = geo.province(county)
    pref = geo.prefecture(county)
    if level == "municipal" and (pref is None or pref.name in names.GENERIC_PREFECTURES):
        level = "district"
    years = sorted(
        set(
            rng.sample(
                range(first, cat.FIGURES_YEAR + 1), k=min(2 if rng.random() < 0.2 else 1, 1 + cat.FIGURES_YEAR - first)
            )
        )
    )
    out = []
    for year in years:
        if level == "national":
            name, issuer, doc = "国家电子商务示范企业", "商务部", f"商电函〔{year}〕{rng.randint(100, 999)}号"
        elif level == "provincial":
            municipality = province.code in ("110000", "120000", "310000", "500000")
            issuer = province.name + ("商务委员会" if municipality else "商务厅")
            short = names.short_name(province.name)
            name, doc = f"{province.name}电子商务示范企业", f"{short}商务发〔{year}〕{rng.randint(10, 199)}号"
        elif level == "municipal":
            assert pref is not None
            name, issuer = f"{pref.name}电子商务示范企业", f"{pref.name}商务局"
            doc = f"{names.short_name(pref.name)}商务发〔{year}〕{rng.randint(10, 199)}号"
        else:
            c = geo.regions[county]
            name, issuer = f"{c.name}电子商务示范企业", f"{c.name}商务局"
            doc = f"{names.short_name(c.name)}商务发〔{year}〕{rng.randint(10, 199)}号"
        out.append(PlannedTitle(enterprise, level, name, year, issuer, doc))
    return out


def summary(plan: DemoPlan) -> dict[str, int]:
    """Counts for the command's report."""
    statuses: dict[str, int] = {}
    for base in plan.bases:
        statuses[base.status] = statuses.get(base.status, 0) + 1
    return {
        "bases": len(plan.bases),
        **{f"status_{k}": v for k, v in sorted(statuses.items())},
        "enterprises": len(plan.enterprises),
        "residencies": len(plan.residencies),
        "titles": len(plan.titles),
    }
