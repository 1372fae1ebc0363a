"""A small, deterministic world every app's tests can stand on: a few provinces with their cities,
quota units (a city with separate planning beside its province), bases, enterprises resident in
them, and one account per role. Built with plain ORM calls: it is test scaffolding, not an action.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accounts.models import User
from core import uscc
from core.roles import Role
from regions.models import QuotaUnit, QuotaUnitKind, Region
from registry.models import Base, BaseStatus, Enterprise, Residency, Title, TitleLevel

PASSWORD = "Ecbase-Test-2026!"  # noqa: S105  (test accounts only)

REGIONS = [
    ("500000", "重庆市", 1, None),
    ("500100", "市辖区", 2, "500000"),
    ("500153", "荣昌区", 3, "500100"),
    ("500106", "沙坪坝区", 3, "500100"),
    ("320000", "江苏省", 1, None),
    ("320100", "南京市", 2, "320000"),
    ("320105", "建邺区", 3, "320100"),
    ("320300", "徐州市", 2, "320000"),
    ("320311", "泉山区", 3, "320300"),
    ("210000", "辽宁省", 1, None),
    ("210200", "大连市", 2, "210000"),
    ("210202", "中山区", 3, "210200"),
    ("210100", "沈阳市", 2, "210000"),
    ("210102", "和平区", 3, "210100"),
]

QUOTA_UNITS = [
    ("50", "重庆市", QuotaUnitKind.MUNICIPALITY, "500000"),
    ("32", "江苏省", QuotaUnitKind.PROVINCE, "320000"),
    ("21", "辽宁省", QuotaUnitKind.PROVINCE, "210000"),
    ("2102", "大连市", QuotaUnitKind.SEPARATE_PLANNING_CITY, "210200"),
]


def code(n: int, division: str = "500153", kind: str = "91") -> str:
    """A valid credit code for the n-th test enterprise."""
    return uscc.make(f"{kind}{division}{n:09d}")


@dataclass
class World:
    regions: dict[str, Region] = field(default_factory=dict)
    units: dict[str, QuotaUnit] = field(default_factory=dict)
    bases: dict[str, Base] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def user(self, key: str) -> User:
        return self.users[key]


def _base(world: World, key: str, name: str, unit: str, region: str, status: str, operator_n: int) -> Base:
    base = Base(
        name=name,
        quota_unit=world.units[unit],
        region=world.regions[region],
        operator_name=f"{name}运营有限公司",
        operator_credit_code=code(900 + operator_n, region),
        area_m2=Decimal("35000.00"),
        operating_since=datetime.date(2013, 5, 1),
        batch="第二批",
        designated_year=2015 if status == BaseStatus.DESIGNATED else None,
        status=status,
    )
    base.save()
    world.bases[key] = base
    return base


def _enterprise(world: World, key: str, n: int, name: str, region: str, base: str | None, **extra: Any) -> Enterprise:
    ent = Enterprise(
        credit_code=code(n, region),
        name=name,
        category="enterprise",
        region=world.regions[region],
        main_business="网络零售",
        annual_revenue=Decimal("1200.50"),
        employees=25,
        figures_year=2025,
        contact_name="张三",
        contact_phone="13812345678",
        **extra,
    )
    ent.save()
    world.enterprises[key] = ent
    if base:
        Residency.objects.create(enterprise=ent, base=world.bases[base], entered_on=datetime.date(2020, 3, 1))
    return ent


def build_world() -> World:
    world = World()
    for c, name, level, parent in REGIONS:
        world.regions[c] = Region.objects.create(
            code=c, name=name, level=level, parent=world.regions.get(parent) if parent else None, since_year=1980
        )
    for i, (c, name, kind, region) in enumerate(QUOTA_UNITS):
        world.units[c] = QuotaUnit.objects.create(
            code=c, name=name, kind=kind, region=world.regions[region], sort_order=i
        )

    _base(world, "rongchang", "荣昌区电子商务产业园", "50", "500153", BaseStatus.DESIGNATED, 1)
    _base(world, "shapingba", "沙坪坝电商产业园", "50", "500106", BaseStatus.CANDIDATE, 2)
    _base(world, "xuzhou", "徐州软件园电商基地", "32", "320311", BaseStatus.DESIGNATED, 3)
    _base(world, "nanjing", "南京建邺电子商务产业园", "32", "320105", BaseStatus.DESIGNATED, 4)
    _base(world, "dalian", "大连中山电子商务示范基地", "2102", "210202", BaseStatus.DESIGNATED, 5)
    _base(world, "shenyang", "沈阳和平电商产业园", "21", "210102", BaseStatus.DESIGNATED, 6)

    _enterprise(world, "rc1", 1, "重庆荣昌夏布电子商务有限公司", "500153", "rongchang")
    _enterprise(world, "rc2", 2, "荣昌陶器网络科技有限公司", "500153", "rongchang", is_ecommerce=False)
    _enterprise(world, "spb1", 3, "沙坪坝云商贸易有限公司", "500106", "shapingba")
    _enterprise(world, "xz1", 4, "徐州彭城电子商务有限公司", "320311", "xuzhou")
    _enterprise(world, "nj1", 5, "南京建邺跨境电商有限公司", "320105", "nanjing")
    _enterprise(world, "dl1", 6, "大连海鲜网络销售有限公司", "210202", "dalian")
    _enterprise(world, "sy1", 7, "沈阳和平电子商务有限公司", "210102", "shenyang")
    # Registered in 荣昌 but resident in a Jiangsu base: the bureau and Jiangsu both see it.
    _enterprise(world, "moved", 8, "荣昌外迁电子商务有限公司", "500153", "xuzhou")
    Title.objects.create(
        enterprise=world.enterprises["rc1"], level=TitleLevel.DISTRICT, name="荣昌区电子商务示范企业", year=2024
    )

    def user(key: str, role: str, **scope: Any) -> None:
        u = User(username=key, role=role, display_name=key, phone="13900001111", **scope)
        u.set_password(PASSWORD)
        u.save()
        world.users[key] = u

    user("ministry", Role.MINISTRY)
    user("prov_cq", Role.PROVINCE, quota_unit=world.units["50"])
    user("prov_js", Role.PROVINCE, quota_unit=world.units["32"])
    user("prov_ln", Role.PROVINCE, quota_unit=world.units["21"])
    user("city_dl", Role.PROVINCE, quota_unit=world.units["2102"])
    user("bureau_rc", Role.BUREAU, region=world.regions["500153"])
    user("operator_rc", Role.OPERATOR, base=world.bases["rongchang"])
    user("ent_rc1", Role.ENTERPRISE, enterprise=world.enterprises["rc1"])
    user("expert", Role.EXPERT)
    user("sysadmin", Role.SYSADMIN)
    user("secadmin", Role.SECADMIN)
    user("auditor", Role.AUDITOR)
    return world
