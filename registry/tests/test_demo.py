"""The national demo data set: `seed_demo` on the real regions loader, and the demo accounts."""

from __future__ import annotations

import io
import itertools
from collections import Counter
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import uscc
from core.models import ChangeLog
from core.roles import Role
from core.text import normalize_name
from regions.models import QuotaUnit, QuotaUnitKind
from registry.demo import catalogue as cat
from registry.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_URL
from registry.demo.names import short_name
from registry.demo.plan import build_plan
from registry.demo.writer import read_geography
from registry.models import (
    BASE_TRANSITIONS,
    PUBLIC_STATUSES,
    Base,
    BaseStatus,
    BaseStatusChange,
    Enterprise,
    Residency,
    Title,
)

SMALL = 600


def seed(**options: object) -> str:
    out = io.StringIO()
    call_command("seed_demo", enterprises=SMALL, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db: None) -> str:
    return seed()


# --- the generator alone ---------------------------------------------------------------------


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data() -> None:
    call_command("load_regions", stdout=io.StringIO())
    regions, units = read_geography()
    first = build_plan(regions, units, seed=7, enterprises=SMALL)
    again = build_plan(regions, units, seed=7, enterprises=SMALL)
    other = build_plan(regions, units, seed=8, enterprises=SMALL)
    assert first == again
    assert [e.credit_code for e in first.enterprises] == [e.credit_code for e in again.enterprises]
    assert [e.credit_code for e in first.enterprises] != [e.credit_code for e in other.enterprises]
    # The real bases and the story do not depend on the seed; the invented names do.
    assert sum(b.status in PUBLIC_STATUSES for b in other.bases) == 127
    assert {b.name for b in first.bases} != {b.name for b in other.bases}


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("荣昌区", "荣昌"),
        ("秀山土家族苗族自治县", "秀山"),
        ("内蒙古自治区", "内蒙古"),
        ("广西壮族自治区", "广西"),
        ("新疆维吾尔自治区", "新疆"),
        ("浦东新区", "浦东"),
        ("巴音郭楞蒙古自治州", "巴音郭楞"),
        ("神农架林区", "神农架"),
        ("和县", "和县"),
        ("城区", "城区"),
    ],
)
def test_short_names_of_divisions(name: str, short: str) -> None:
    assert short_name(name) == short


# --- the seeded database -----------------------------------------------------------------------


def test_127_bases_hold_the_title_with_the_programme_history(seeded: str) -> None:
    counts = Counter(Base.objects.values_list("status", flat=True))
    assert sum(counts[s] for s in PUBLIC_STATUSES) == 127
    assert counts[BaseStatus.WARNED] == 3
    assert counts[BaseStatus.RECTIFYING] == 2
    assert counts[BaseStatus.CANDIDATE] == 60
    assert counts[BaseStatus.REMOVED] == 5
    batches = Counter(Base.objects.exclude(batch="").values_list("batch", flat=True))
    assert batches["第一批"] == 34
    assert batches["第二批"] == 66
    assert batches["2019年综合评价"] == 13
    assert batches["2020年综合评价"] == 15
    # 99 bases scored in 2019: one of the first hundred was removed before.
    removed_2018 = BaseStatusChange.objects.filter(to_status=BaseStatus.REMOVED, date__year=2018).count()
    assert removed_2018 == 1
    assert "现有示范基地 127 家" in seeded


def test_every_status_change_is_recorded_and_follows_the_transition_table(seeded: str) -> None:
    for base in Base.objects.prefetch_related("status_changes"):
        changes = sorted(base.status_changes.all(), key=lambda c: (c.date, c.pk))
        assert changes, base.name
        assert changes[0].from_status == ""
        for before, after in itertools.pairwise(changes):
            assert after.from_status == before.to_status
            assert after.to_status in BASE_TRANSITIONS[before.to_status]
            assert after.date >= before.date
        assert changes[-1].to_status == base.status
        assert all(c.document_no.endswith("号") for c in changes)
        if base.designated_year:
            designated = next(c for c in changes if c.to_status == BaseStatus.DESIGNATED)
            assert base.operating_since < designated.date
            assert base.area_m2 > 20000


def test_real_names_are_not_marked_invented_and_the_rest_are(seeded: str) -> None:
    real = {r.name for r in cat.REAL_BASES if not r.invented}
    assert len(real) == 22
    stored = dict(Base.objects.values_list("name", "is_invented"))
    for name in real:
        assert stored[name] is False, name
    assert stored["荣昌区电子商务产业园"] is True
    assert sum(1 for name, invented in stored.items() if not invented) == len(real)
    assert Base.objects.get(name="徐州软件园电商基地").quota_unit.code == "32"
    assert Base.objects.get(name="厦门(海沧)电子商务产业基地").region.code == "350205"
    assert Base.objects.get(name="武侯电商产业功能区").batch == "2020年综合评价"
    # A real park is never shown warned, rectifying or removed.
    assert not Base.objects.filter(name__in=real).exclude(status=BaseStatus.DESIGNATED).exists()


def test_each_base_lies_in_a_county_of_its_quota_unit(seeded: str) -> None:
    separate = [
        code[:4]
        for code in QuotaUnit.objects.filter(kind=QuotaUnitKind.SEPARATE_PLANNING_CITY).values_list(
            "region__code", flat=True
        )
    ]
    assert sorted(separate) == ["2102", "3302", "3502", "3702", "4403"]
    units_used = set()
    for base in Base.objects.select_related("quota_unit__region", "region"):
        unit, code = base.quota_unit, base.region.code
        assert base.region.level == 3, base.name
        units_used.add(unit.code)
        if unit.kind == QuotaUnitKind.XPCC:
            assert code.startswith("6590"), base.name
            continue
        assert unit.region is not None
        assert code.startswith(unit.region.prefix), (base.name, unit.code, code)
        if unit.kind != QuotaUnitKind.SEPARATE_PLANNING_CITY:
            assert not any(code.startswith(p) for p in separate), (base.name, unit.code, code)
    assert len(units_used) == QuotaUnit.objects.count() == 37


def test_credit_codes_are_valid_unique_and_say_where_and_what(seeded: str) -> None:
    rows = list(Enterprise.objects.values_list("credit_code", "category", "region__code", "org_code_ok", "name"))
    assert len(rows) == SMALL
    codes = [r[0] for r in rows]
    assert len(set(codes)) == SMALL
    assert len({r[4] for r in rows}) == SMALL  # names unique too
    for code, category, region, org_ok, _name in rows:
        assert uscc.is_valid(code), code
        assert code[2:8] == region
        assert uscc.category(code) == category
        assert org_ok is True
    kinds = Counter(c[:2] for c in codes)
    assert kinds["91"] > kinds["92"] > kinds["93"] > 0
    operator_codes = list(Base.objects.values_list("operator_credit_code", flat=True))
    assert all(uscc.is_valid(c) for c in operator_codes)
    assert not set(operator_codes) & set(codes)


def test_names_are_stored_with_their_normalised_key(seeded: str) -> None:
    # The writer skips OpenCC for generated names: its key must equal what save() would store.
    for name, key in [
        *Enterprise.objects.values_list("name", "name_normalized"),
        *Base.objects.values_list("name", "name_normalized"),
    ]:
        assert key == normalize_name(name)


def test_residency_histories(seeded: str) -> None:
    per_enterprise: dict[int, list[Residency]] = {}
    for r in Residency.objects.select_related("base"):
        per_enterprise.setdefault(r.enterprise_id, []).append(r)
        assert r.left_on is None or r.entered_on <= r.left_on <= cat.TODAY
        assert r.entered_on >= r.base.operating_since
    assert len(per_enterprise) == SMALL
    open_counts = Counter(sum(r.left_on is None for r in stays) for stays in per_enterprise.values())
    assert set(open_counts) <= {0, 1}
    left = open_counts[0]
    moved = [stays for stays in per_enterprise.values() if len(stays) == 2]
    assert 0.02 * SMALL < left < 0.09 * SMALL
    assert 0.02 * SMALL < len(moved) < 0.09 * SMALL
    for stays in moved:
        closed, current = sorted(stays, key=lambda r: r.entered_on)
        assert closed.left_on is not None and current.left_on is None
        assert current.entered_on >= closed.left_on
        assert closed.base_id != current.base_id
    assert Title.objects.count() > 0.04 * SMALL
    assert set(Title.objects.values_list("level", flat=True)) == {"national", "provincial", "municipal", "district"}


def test_the_change_log_holds_every_seeded_row(seeded: str) -> None:
    for model in (Base, BaseStatusChange, Enterprise, Residency, Title, User):
        ct = ContentType.objects.get_for_model(model)
        logged = ChangeLog.objects.filter(content_type=ct, action=ChangeLog.Action.CREATE, source="command")
        assert logged.count() == model.objects.count(), model.__name__
    entry = ChangeLog.objects.get(
        content_type=ContentType.objects.get_for_model(Enterprise),
        object_id=str(Enterprise.objects.order_by("pk").first().pk),  # type: ignore[union-attr]  # seeded
    )
    assert entry.after is not None and uscc.is_valid(entry.after["credit_code"])
    assert "seed_demo" in entry.message


def test_if_empty_is_a_no_op_and_a_second_seed_is_refused(seeded: str) -> None:
    before = (Base.objects.count(), Enterprise.objects.count(), ChangeLog.objects.count())
    out = seed(if_empty=True)
    assert "未生成演示数据" in out
    assert (Base.objects.count(), Enterprise.objects.count(), ChangeLog.objects.count()) == before
    with pytest.raises(CommandError, match="已有基地或企业数据"):
        seed()


# --- the demo accounts -------------------------------------------------------------------------


def test_one_account_per_role_with_the_shared_password(seeded: str) -> None:
    # The participants of the selection demo (other parks' operators, experts) cannot sign in.
    users = {u.username: u for u in User.objects.all() if u.has_usable_password()}
    assert set(users) == {a.username for a in DEMO_ACCOUNTS}
    assert all(u.username.startswith("demo_") for u in User.objects.all() if not u.has_usable_password())
    assert {u.role for u in users.values()} == set(Role.values)
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD), user.username
        assert user.display_name and user.phone
        user.full_clean()  # the scope each role needs is set
    operator = users["operator_demo"]
    assert operator.base is not None and operator.base.name == cat.DEMO_BASE_NAME
    assert operator.base.residencies.filter(left_on__isnull=True).count() >= 5
    enterprise = users["enterprise_demo"].enterprise
    assert enterprise is not None
    assert enterprise.residencies.get(left_on__isnull=True).base == operator.base
    assert users["bureau_rongchang"].region.code == "500153"  # type: ignore[union-attr]  # bureau scope


def test_the_province_and_city_accounts_see_only_their_units_bases(seeded: str, settings: Any) -> None:
    jiangsu = User.objects.get(username="province_js")
    ningbo = User.objects.get(username="city_ningbo")
    visible = Base.objects.restrict(jiangsu)
    assert visible.count() == Base.objects.filter(quota_unit__code="32").count() > 5
    assert set(visible.values_list("quota_unit__code", flat=True)) == {"32"}
    assert set(Base.objects.restrict(ningbo).values_list("quota_unit__code", flat=True)) == {"3302"}
    assert Base.objects.restrict(User.objects.get(username="operator_demo")).get().name == cat.DEMO_BASE_NAME

    # Through the pages, signed in with the demo password (second factor off, as `make run` has it).
    settings.ECBASE_REQUIRE_SECOND_FACTOR = False
    client = Client()
    signed_in = client.post(reverse("accounts:login"), {"username": "province_js", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    page = client.get(reverse("registry:base_list"), {"q": "徐州软件园"})
    assert page.status_code == 200
    assert "徐州软件园电商基地" in page.content.decode()
    zhejiang = client.get(reverse("registry:base_list"), {"q": "义乌陆港"})
    assert zhejiang.status_code == 200
    assert "义乌陆港电商小镇" not in zhejiang.content.decode()
    ministry = Client()
    ministry.force_login(User.objects.get(username="ministry"))
    assert "义乌陆港电商小镇" in ministry.get(reverse("registry:base_list"), {"q": "义乌陆港"}).content.decode()


def test_demo_accounts_prints_the_table(seeded: str) -> None:
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for account in DEMO_ACCOUNTS:
        line = next(line for line in text.splitlines() if line.startswith(account.username + " "))
        assert DEMO_PASSWORD in line
        assert str(Role(account.role).label) in line
    assert "江苏省" in text and "荣昌区电子商务产业园" in text
    assert DEMO_URL in text

    User.objects.filter(username="auditor").update(password="!")
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "已修改" in next(line for line in out.getvalue().splitlines() if line.startswith("auditor "))


@pytest.mark.django_db
def test_demo_accounts_before_seeding_says_what_to_do() -> None:
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "seed_demo" in out.getvalue()


def test_the_demo_holds_a_call_under_review_with_sheets_left_for_the_demo_expert(seeded: str) -> None:
    from selection.models import Application, ApplicationStatus, Assignment, Call, ReviewStage

    assert Call.objects.count() == 2
    submitted = Application.objects.filter(status=ApplicationStatus.SUBMITTED)
    assert submitted.count() >= 2
    assert ReviewStage.objects.get().entries.count() == submitted.count()
    mine = Assignment.objects.filter(expert__user__username="expert_demo")
    assert mine.exists() and not mine.filter(total__isnull=False).exists()
    assert Assignment.objects.exclude(expert__user__username="expert_demo").filter(total__isnull=True).count() == 0
    assert "申报批次 2 个" in seeded


def test_the_demo_holds_the_rongchang_policy_with_applications_and_a_payment(seeded: str) -> None:
    from policies.models import AwardApplication, LedgerEntry, PolicyPack

    pack = PolicyPack.objects.get()
    assert pack.region.code == "500153"
    assert AwardApplication.objects.filter(pack=pack).count() >= 3
    assert LedgerEntry.objects.exists()
    assert "扶持政策 1 套" in seeded
