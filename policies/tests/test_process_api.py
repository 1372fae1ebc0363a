"""The award process through the API: filing, evidence, the bureau's correction of a fact, approval
within the fund (alone and as a round under each allocation rule), payment once, reversal, and the
refusals in Chinese."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Q

from core.models import ChangeLog
from policies.actions.packs import do_set_fund
from policies.models import (
    AwardApplication,
    AwardStatus,
    Fund,
    LedgerEntry,
    PlatformProject,
    PolicyPack,
)
from policies.tests.conftest import YEAR, api, enterprise, orders_claim
from portal.testing.world import World

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


def test_file_correct_approve_pay_through_the_api(world: World, pack: PolicyPack, fund: Fund) -> None:
    rc1 = world.enterprises["rc1"]
    ent = api(world.user("ent_rc1"))
    # A platform project with own money (四（二）3: 30 %, at most 30万元 a project).
    made = ent.post(
        "/api/policies/facts/projects/",
        {"enterprise": rc1.pk, "name": "荣昌夏布商城", "year": YEAR, "investment_fen": 80_000_000, "own_funds": True},
        format="json",
    )
    assert made.status_code == 201, made.content
    project = made.json()["id"]

    missing_ref = ent.post("/api/policies/applications/", {"pack": pack.pk, "item": "platform_project", "year": YEAR})
    assert missing_ref.status_code == 400 and "须选择本企业的一条电子商务平台项目记录" in missing_ref.content.decode()

    filed = ent.post(
        "/api/policies/applications/",
        {"pack": pack.pk, "item": "platform_project", "ref": project, "year": YEAR, "note": "自建平台"},
        format="json",
    )
    assert filed.status_code == 201, filed.content
    body = filed.json()
    app_id = body["id"]
    assert body["computed_amount_fen"] == 24_000_000  # 30 % of 800,000.00 元
    assert body["status"] == "draft" and body["item_label"] == "电子商务平台项目建设补助"
    assert any("30%" in line["text"] for line in body["explanation"]), body["explanation"]

    bad = ent.post(
        f"/api/policies/applications/{app_id}/evidence/",
        {"label": "合同", "file": SimpleUploadedFile("contract.pdf", b"not a pdf", "application/pdf")},
        format="multipart",
    )
    assert bad.status_code == 400 and "内容与扩展名 .pdf 不符" in bad.content.decode()
    good = ent.post(
        f"/api/policies/applications/{app_id}/evidence/",
        {"label": "建设合同", "file": SimpleUploadedFile("contract.pdf", PDF, "application/pdf")},
        format="multipart",
    )
    assert good.status_code == 201, good.content
    assert ent.post(f"/api/policies/applications/{app_id}/submit/").json()["status"] == "submitted"
    # Submitted: the enterprise can no longer approve nor recompute; only the bureau decides.
    assert ent.post(f"/api/policies/applications/{app_id}/approve/", {}).status_code == 403

    bureau = api(world.user("bureau_rc"))
    # The audit finds 600,000.00 元 of the investment documented: corrected with a reason, recomputed.
    no_reason = bureau.post(
        f"/api/policies/applications/{app_id}/correct/",
        {"fact_kind": "projects", "fact_id": project, "field": "investment_fen", "value": 60_000_000, "reason": ""},
        format="json",
    )
    assert no_reason.status_code == 400
    corrected = bureau.post(
        f"/api/policies/applications/{app_id}/correct/",
        {"fact_kind": "projects", "fact_id": project, "field": "investment_fen", "value": 60_000_000,
         "reason": "发票核实金额为60万元"},
        format="json",
    )  # fmt: skip
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["computed_amount_fen"] == 18_000_000
    assert PlatformProject.objects.get(pk=project).investment_fen == 60_000_000
    log = ChangeLog.objects.filter(object_repr="荣昌夏布商城", action="update").get()
    assert log.message == "发票核实金额为60万元" and (log.before or {})["investment_fen"] == 80_000_000
    corrections = bureau.get(f"/api/policies/applications/{app_id}/corrections/").json()
    assert corrections[0]["before"] == 80_000_000 and corrections[0]["after"] == 60_000_000

    over = bureau.post(f"/api/policies/applications/{app_id}/approve/", {"amount_fen": 18_000_001}, format="json")
    assert over.status_code == 400 and "不超过测算金额 180,000.00 元" in over.content.decode()
    approved = bureau.post(f"/api/policies/applications/{app_id}/approve/", {"note": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["approved_amount_fen"] == 18_000_000

    funds = bureau.get("/api/policies/funds/").json()["results"]
    assert funds[0]["approved_fen"] == 18_000_000 and funds[0]["remaining_fen"] == 1_000_000_000 - 18_000_000

    paid = bureau.post(f"/api/policies/applications/{app_id}/pay/", {"voucher_no": "V-001"}, format="json")
    assert paid.status_code == 201, paid.content
    entry = paid.json()
    assert entry["amount_fen"] == 18_000_000 and entry["trace"]["corrections"][0]["reason"] == "发票核实金额为60万元"
    assert entry["trace"]["params_version"] and entry["trace"]["trace"]
    twice = bureau.post(f"/api/policies/applications/{app_id}/pay/", {"voucher_no": "V-002"}, format="json")
    assert twice.status_code == 400 and "不得重复拨付" in twice.content.decode()

    mine = ent.get("/api/policies/ledger/").json()["results"]
    assert [e["amount_fen"] for e in mine] == [18_000_000]
    kinds = [e["kind"] for e in ent.get(f"/api/policies/applications/{app_id}/events/").json()]
    assert kinds == ["created", "computed", "evidence", "computed", "submitted", "corrected", "computed", "approved",
                     "paid"]  # fmt: skip


def test_approval_beyond_the_fund_is_refused_naming_what_is_left(world: World, pack: PolicyPack, login) -> None:
    bureau = world.user("bureau_rc")
    do_set_fund(bureau, pack, YEAR, amount_fen=6_000_000)  # 60,000.00 元
    first = orders_claim(world, pack, world.enterprises["rc1"], 25_000)  # 50,000.00 元
    second = orders_claim(world, pack, enterprise(world, 31, "荣昌三一电子商务有限公司"), 20_000)  # 40,000.00 元
    client = api(bureau)
    assert client.post(f"/api/policies/applications/{first.pk}/approve/", {}, format="json").status_code == 200
    refused = client.post(f"/api/policies/applications/{second.pk}/approve/", {}, format="json")
    assert refused.status_code == 400
    message = refused.json()["amount_fen"][0]
    assert "余额为 10,000.00 元" in message and "不足以核准 40,000.00 元" in message
    second.refresh_from_db()
    assert second.status == AwardStatus.SUBMITTED

    # The same refusal on the page, as a message; nothing changes.
    page = login("bureau_rc").post(f"/policies/applications/{second.pk}/approve/", {"amount": ""}, follow=True)
    assert "余额为 10,000.00 元" in page.content.decode()
    # A partial approval within what is left is possible.
    partial = client.post(f"/api/policies/applications/{second.pk}/approve/", {"amount_fen": 1_000_000}, format="json")
    assert partial.status_code == 200 and partial.json()["approved_amount_fen"] == 1_000_000
    assert client.get("/api/policies/funds/").json()["results"][0]["remaining_fen"] == 0


@pytest.mark.parametrize(
    ("rule", "this_year", "next_year"),
    [
        # Claims of 50,000, 40,000 and 40,000 元 (in order of submission) against 60,000 元 left.
        # Pro rata: 23,076.923… / 18,461.538… / 18,461.538… 元; the 2 fen of rounding go to the
        # largest remainders (the second and third).
        ("pro_rata", [2_307_692, 1_846_154, 1_846_154], [0, 0, 0]),
        # In order: the second gets what is left, the third nothing (it stays submitted).
        ("approval_order", [5_000_000, 1_000_000, 0], [0, 0, 0]),
        # Carried over: the second's remaining 30,000 元 and the whole third go to next year's fund.
        ("carry_over", [5_000_000, 1_000_000, 0], [0, 3_000_000, 4_000_000]),
    ],
)
def test_a_round_is_shared_by_the_funds_rule(
    world: World, pack: PolicyPack, rule: str, this_year: list[int], next_year: list[int]
) -> None:
    bureau = world.user("bureau_rc")
    fund = do_set_fund(bureau, pack, YEAR, amount_fen=6_000_000, allocation_rule=rule)
    claims = [
        orders_claim(world, pack, world.enterprises["rc1"], 25_000),
        orders_claim(world, pack, enterprise(world, 41, "荣昌四一电子商务有限公司"), 20_000),
        orders_claim(world, pack, enterprise(world, 42, "荣昌四二电子商务有限公司"), 20_000),
    ]
    ids = [a.pk for a in claims]
    client = api(bureau)
    if rule == "carry_over":
        missing = client.post(f"/api/policies/funds/{fund.pk}/approve-round/", {"applications": ids}, format="json")
        assert missing.status_code == 400 and "请先设置该年度资金" in missing.content.decode()
        assert not AwardApplication.objects.filter(status=AwardStatus.APPROVED).exists()  # nothing half-written
        do_set_fund(bureau, pack, YEAR + 1)
    done = client.post(f"/api/policies/funds/{fund.pk}/approve-round/", {"applications": ids}, format="json")
    assert done.status_code == 200, done.content

    def charged(year: int) -> list[int]:
        out = []
        for app_id in ids:
            rows = AwardApplication.objects.filter(
                Q(pk=app_id) | Q(carried_from_id=app_id), fund__year=year, status=AwardStatus.APPROVED
            )
            out.append(sum(r.approved_amount_fen or 0 for r in rows))
        return out

    assert charged(YEAR) == this_year and charged(YEAR + 1) == next_year
    assert sum(this_year) == 6_000_000  # the fund is used to the fen, never beyond
    if rule == "approval_order":
        third = AwardApplication.objects.get(pk=ids[2])
        assert third.status == AwardStatus.SUBMITTED
        assert [e.kind for e in third.events.all()][-1] == "held"


def test_reversal_then_a_second_payment(world: World, pack: PolicyPack, fund: Fund) -> None:
    app = orders_claim(world, pack, world.enterprises["rc1"], 20_000)
    client = api(world.user("bureau_rc"))
    client.post(f"/api/policies/applications/{app.pk}/approve/", {}, format="json")
    payment = client.post(f"/api/policies/applications/{app.pk}/pay/", {"voucher_no": "V-1"}, format="json").json()
    assert api(world.user("ent_rc1")).post(f"/api/policies/ledger/{payment['id']}/reverse/", {}).status_code == 403
    reversal = client.post(
        f"/api/policies/ledger/{payment['id']}/reverse/", {"voucher_no": "R-1", "reason": "账户有误"}, format="json"
    )
    assert reversal.status_code == 201, reversal.content
    assert reversal.json()["amount_fen"] == -4_000_000 and reversal.json()["reverses"] == payment["id"]
    again = client.post(
        f"/api/policies/ledger/{payment['id']}/reverse/", {"voucher_no": "R-2", "reason": "重复"}, format="json"
    )
    assert again.status_code == 400 and "已冲正" in again.content.decode()
    app.refresh_from_db()
    assert app.status == AwardStatus.APPROVED
    second = client.post(f"/api/policies/applications/{app.pk}/pay/", {"voucher_no": "V-2"}, format="json")
    assert second.status_code == 201 and second.json()["attempt"] == 2
    entries = LedgerEntry.objects.filter(application=app)
    assert sorted(e.amount_fen for e in entries) == [-4_000_000, 4_000_000, 4_000_000]
    assert sum(e.amount_fen for e in entries) == 4_000_000


def test_facts_the_enterprise_may_and_may_not_report(world: World, pack: PolicyPack) -> None:
    rc1 = world.enterprises["rc1"]
    ent = api(world.user("ent_rc1"))
    brand = {"enterprise": rc1.pk, "year": YEAR, "brand_kind": "district", "name": "荣昌夏布", "amount_fen": 3_000_000}
    assert ent.post("/api/policies/facts/brands/", brand, format="json").status_code == 403
    other = world.enterprises["rc2"]
    costs = {"enterprise": other.pk, "cost_kind": "rent", "period_start": "2025-01-01", "period_end": "2025-12-31",
             "amount_fen": 1_200_000}  # fmt: skip
    assert ent.post("/api/policies/facts/costs/", costs, format="json").status_code == 403
    bureau = api(world.user("bureau_rc"))
    assert bureau.post("/api/policies/facts/brands/", brand, format="json").status_code == 201
    backwards = {**costs, "period_end": "2024-12-31"}
    refused = bureau.post("/api/policies/facts/costs/", backwards, format="json")
    assert refused.status_code == 400 and "截止日期不能早于起始日期" in refused.content.decode()


def test_schema_stays_valid_with_the_policy_endpoints() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_refusals_carry_their_code_and_statuses_move_only_by_the_table(
    world: World, pack: PolicyPack, fund: Fund
) -> None:
    app = orders_claim(world, pack, world.enterprises["rc1"], 30_000)  # submitted
    bureau = api(world.user("bureau_rc"))
    too_much = bureau.post(f"/api/policies/applications/{app.pk}/approve/", {"amount_fen": 10**9}, format="json")
    assert too_much.status_code == 400 and too_much["X-Error-Code"] == "bad_amount"
    assert "核准金额须大于零且不超过测算金额 60,000.00 元" in too_much.json()["amount_fen"][0]
    # A submitted claim cannot be revoked: only an approved award can (AWARD_TRANSITIONS).
    revoke = bureau.post(f"/api/policies/applications/{app.pk}/revoke/", {"reason": "重复申报"}, format="json")
    assert revoke.status_code == 400 and revoke["X-Error-Code"] == "invalid_transition"
    assert "申请当前状态为“已提交待审核”，不能变更为“已撤销核准”" in revoke.content.decode()
    refused = api(world.user("ent_rc1")).post(f"/api/policies/applications/{app.pk}/approve/", {})
    assert refused.status_code == 403 and refused["X-Error-Code"] == "not_allowed"
    app.refresh_from_db()
    assert app.status == AwardStatus.SUBMITTED and not app.events.filter(kind="revoked").exists()


@pytest.mark.parametrize("year", ["131072", "10000", "1989", "2101", "二〇二五", ""])
def test_a_pack_s_parameters_for_an_impossible_year_are_refused_naming_it(
    world: World, pack: PolicyPack, year: str
) -> None:
    """A year past 9999 was a 500 (schemathesis): there is no 31 December to read the parameters at."""
    response = api(world.user("ministry")).get(f"/api/policies/packs/{pack.pk}/parameters/", {"year": year})
    assert response.status_code == 400
    assert response.json() == {"year": ["年度须为 1990 至 2100 之间的整数。"]}
    assert response["X-Error-Code"] == "bad_year"
    fine = api(world.user("ministry")).get(f"/api/policies/packs/{pack.pk}/parameters/", {"year": YEAR})
    assert fine.status_code == 200 and fine.json()["year"] == YEAR
