"""The demo accounts: one per role, plus a few more scoped ones, all with one shared password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password

from accounts.models import User
from core.audit import save_logged
from core.roles import Role
from regions.models import QuotaUnit, Region

# One password for every demo account; it satisfies settings.AUTH_PASSWORD_VALIDATORS
# (10+ characters, three character classes). Demo data only: never on a real deployment.
DEMO_PASSWORD = "Ecbase-Demo-2026"  # noqa: S105  (published demo password)
DEMO_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    organisation: str
    phone: str
    scope: str = ""  # "unit:<code>", "region:<code>", "base:demo", "enterprise:demo" or ""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("ministry", Role.MINISTRY, "王建华", "商务部电子商务和信息化司", "13800010001"),
    DemoAccount("province_js", Role.PROVINCE, "陈静", "江苏省商务厅", "13800010002", "unit:32"),
    DemoAccount("province_cq", Role.PROVINCE, "刘洋", "重庆市商务委员会", "13800010003", "unit:50"),
    DemoAccount("city_ningbo", Role.PROVINCE, "孙丽", "宁波市商务局", "13800010004", "unit:3302"),
    DemoAccount("bureau_rongchang", Role.BUREAU, "张伟", "重庆市荣昌区商务委员会", "13800010005", "region:500153"),
    DemoAccount("operator_demo", Role.OPERATOR, "李娜", "荣昌区电子商务产业园运营主体", "13800010006", "base:demo"),
    DemoAccount("enterprise_demo", Role.ENTERPRISE, "赵敏", "入驻企业", "13800010007", "enterprise:demo"),
    DemoAccount("expert_demo", Role.EXPERT, "周志远", "评审专家库（演示）", "13800010008"),
    DemoAccount("sysadmin", Role.SYSADMIN, "吴强", "平台运维中心", "13800010009"),
    DemoAccount("secadmin", Role.SECADMIN, "郑芳", "平台运维中心", "13800010010"),
    DemoAccount("auditor", Role.AUDITOR, "冯磊", "平台运维中心", "13800010011"),
)


def create_demo_accounts(*, base: Any, enterprise: Any, message: str = "") -> list[User]:
    """Create the demo accounts that do not exist yet; each is validated and logged.

    `base` and `enterprise` are the demo base and an enterprise resident in it, the scope of the
    operator and enterprise accounts."""
    created: list[User] = []
    for spec in DEMO_ACCOUNTS:
        if User.objects.filter(username=spec.username).exists():
            continue
        user = User(
            username=spec.username,
            role=spec.role,
            display_name=spec.display_name,
            organisation=spec.organisation,
            phone=spec.phone,
        )
        kind, _, key = spec.scope.partition(":")
        if kind == "unit":
            user.quota_unit = QuotaUnit.objects.get(code=key)
        elif kind == "region":
            user.region = Region.objects.get(code=key)
        elif kind == "base":
            user.base = base
            user.organisation = base.operator_name
        elif kind == "enterprise":
            user.enterprise = enterprise
            user.organisation = enterprise.name
        validate_password(DEMO_PASSWORD, user)
        user.set_password(DEMO_PASSWORD)
        save_logged(user, message=message)
        created.append(user)
    return created
