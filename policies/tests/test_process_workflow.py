"""The award's and the pack's workflows move only by their tables (core.workflow), and the award's
timeline is the same one the application and the base show."""

from __future__ import annotations

import re

import pytest

from core import workflow
from core.errors import ActionError
from core.models import ChangeLog
from policies.actions.awards import do_approve_round
from policies.actions.packs import do_change_pack_status, do_set_fund
from policies.models import AwardApplication, AwardEvent, AwardStatus, PackStatus, PolicyPack
from policies.tests.conftest import YEAR, enterprise, orders_claim
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_carried_over_tranche_is_born_approved_by_the_table(world: World, pack: PolicyPack) -> None:
    bureau = world.user("bureau_rc")
    fund = do_set_fund(bureau, pack, YEAR, amount_fen=1_000_000, allocation_rule="carry_over")
    do_set_fund(bureau, pack, YEAR + 1)
    claim = orders_claim(world, pack, enterprise(world, 43, "荣昌四三电子商务有限公司"), 20_000)  # 40,000 元
    do_approve_round(bureau, fund, [claim])
    tranche = AwardApplication.objects.get(carried_from=claim)
    assert tranche.status == AwardStatus.APPROVED and tranche.approved_amount_fen == 3_000_000
    created = ChangeLog.objects.get(object_id=str(tranche.pk), object_repr=str(tranche), action="create")
    assert created.after is not None and created.after["status"] == "approved" and "结转" in created.message
    assert [e.kind for e in tranche.events.all()] == [AwardEvent.Kind.CARRIED]
    # Approved is an initial status of the award's table (for tranches); paid is not.
    with pytest.raises(ValueError, match="cannot be created"):
        workflow.create(AwardApplication(pack=pack, enterprise=claim.enterprise, item="x", year=YEAR), bureau,
                        status=AwardStatus.PAID)  # fmt: skip


def test_a_retired_pack_cannot_be_put_in_force_again(world: World, pack: PolicyPack) -> None:
    bureau = world.user("bureau_rc")
    retired = do_change_pack_status(bureau, pack, PackStatus.RETIRED)
    assert retired.status == PackStatus.RETIRED
    with pytest.raises(ActionError) as err:
        do_change_pack_status(bureau, pack, PackStatus.ACTIVE)  # `pack` still says active: the stored row decides
    assert err.value.code == "invalid_transition"
    assert err.value.message == "政策当前状态为“已停止执行”，不能变更为“施行中”。"
    pack.refresh_from_db()
    assert pack.status == PackStatus.RETIRED


def test_the_award_page_shows_its_timeline(world: World, login, pack: PolicyPack) -> None:
    app = orders_claim(world, pack, world.enterprises["rc1"], 30_000)
    page = re.sub(r"\s+", " ", login("ent_rc1").get(app.get_absolute_url()).content.decode())
    timeline = page.split('id="timeline"', 1)[1].split("</table>", 1)[0]
    assert "提出申请" in timeline and "企业提出申请" in timeline and "提交审核" in timeline
    assert "测算金额 60,000.00 元" in timeline
    assert re.search(r"<td>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}</td><td>ent_rc1</td><td>提出申请</td>", timeline)
