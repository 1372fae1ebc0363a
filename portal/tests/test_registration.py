"""Each app registers itself upward (menu, `/api/me/`, demo) and the portal shows what they declare."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client

from accounts.apps import AccountsConfig
from core.appconfig import EcbaseAppConfig, ecbase_apps
from policies.apps import PoliciesConfig
from registry.apps import RegistryConfig
from selection.apps import SelectionConfig

DOMAIN_APPS = ("core", "accounts", "regions", "registry", "selection", "policies")


def test_every_domain_app_uses_its_own_config_class() -> None:
    for label in DOMAIN_APPS:
        config = apps.get_app_config(label)
        assert isinstance(config, EcbaseAppConfig), label
        assert type(config).__module__ == f"{label}.apps"
    # The account signals (sign-in audit) are wired by the app's own ready().
    assert type(apps.get_app_config("accounts")) is AccountsConfig


def test_demo_parts_run_registry_first() -> None:
    ordered = [c for c in sorted(ecbase_apps(), key=lambda c: c.demo_order or 0) if c.demo_order is not None]
    assert [type(c) for c in ordered] == [RegistryConfig, SelectionConfig, PoliciesConfig]


@pytest.mark.django_db
def test_the_menu_holds_each_apps_entries_in_order(login: Callable[[str], Client]) -> None:
    page = login("ministry").get("/").content.decode()
    labels = ["首页", "示范基地", "企业", "申报", "评审", "扶持政策", "行政区划", "节假日安排", "操作日志"]
    positions = [page.index(f">{label}<") for label in labels]
    assert positions == sorted(positions)
    enterprise_page = login("ent_rc1").get("/").content.decode()
    assert ">我的奖补申请<" in enterprise_page and ">操作日志<" not in enterprise_page


@pytest.mark.django_db
def test_api_me_reports_every_registered_model(login: Callable[[str], Client]) -> None:
    permissions = login("ministry").get("/api/me/").json()["permissions"]
    for key in ("regions.region", "registry.enterprise", "selection.call", "policies.awardapplication"):
        assert key in permissions
    assert "view" in permissions["registry.enterprise"]
    expert = login("expert").get("/api/me/").json()["permissions"]
    assert expert["registry.enterprise"] == []
