"""The generic battery (core.testing.battery) on the accounts and the security policy, page and
API, for every account: the system administrator reads, creates and changes every account, the
security administrator reads every account, everyone else their own; the three administrators
read the policy, the security administrator changes it."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import SecurityPolicy, User
from core.roles import THREE_ADMINS, Role
from core.testing import battery as b
from portal.testing.world import World, build_world

pytestmark = pytest.mark.xdist_group("battery-accounts")

NOT_ADMINS = frozenset(a for a in b.ACCOUNTS if a not in ("anonymous", "sysadmin", "secadmin", "auditor"))


def build_battery_world() -> World:
    world = build_world()
    SecurityPolicy.objects.create(failure_limit=5)  # stored, so that it has a page and a history
    return world


class TestUserBattery(
    b.ExportTests,
    b.DetailPageTests,
    b.HistoryPageTests,
    b.PageWriteTests,
    b.APIListTests,
    b.APIDetailTests,
    b.APIWriteTests,
    b.QueryCountTests,
):
    __test__ = True
    model = User
    list_url = "/accounts/users/"
    label_header = "登录名"
    edit_path = "/accounts/users/{obj.pk}/edit/"
    api_url = "/api/users/"
    api_create = api_update = True
    query_accounts = ("sysadmin", "secadmin")
    page_queries = 8  # the security administrator: one more, the locked accounts
    api_queries = 2

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.username

    @classmethod
    def samples(cls, w: World, account: str, action: str = b.VIEW) -> list[Any]:
        """For a write, accounts other than the acting one: signing in writes the signed-in row
        (its last sign-in), which a refused write must otherwise leave as it was."""
        objects = super().samples(w, account, action)
        if action == b.VIEW or account == b.ANONYMOUS:
            return objects
        me = w.users[account]
        others = cls.queryset().exclude(pk=me.pk).order_by("pk")
        inside = b.restrict(others, me, action).first()
        outside = others.exclude(pk__in=b.restrict(others, me, action).values("pk")).first()
        return [o for o in (inside, outside) if o is not None]

    @classmethod
    def edit_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"organisation": f"{obj.organisation}（已核对）"}

    @classmethod
    def create_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"username": "op_new", "display_name": "新运营", "role": Role.OPERATOR, "base": w.bases["rongchang"].pk}

    @classmethod
    def update_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"organisation": f"{obj.organisation}（已核对）"}

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        User.objects.bulk_create(
            User(username=f"expert{i:03d}", display_name=f"专家{i}", role=Role.EXPERT, password="!") for i in range(n)
        )


class TestSecurityPolicyBattery(b.DetailPageTests, b.HistoryPageTests, b.PageWriteTests):
    __test__ = True
    model = SecurityPolicy
    detail_refused = NOT_ADMINS
    edit_path = "/accounts/security-policy/edit/"
    edit_no_right = 403  # the page refuses a role without the right; the policy is no secret

    @classmethod
    def detail_url(cls, obj: Any) -> str:
        return "/accounts/security-policy/"

    @classmethod
    def edit_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"idle_minutes": "20"}


def test_the_three_administrators_are_the_policys_readers() -> None:
    assert {a for a in b.ACCOUNTS if a not in NOT_ADMINS and a != "anonymous"} == {r.value for r in THREE_ADMINS}
