"""Expert assignment: conflicts of interest from registry facts, fail-closed; experts see only theirs."""

from __future__ import annotations

import pytest

from accounts.models import User
from core.errors import ActionError
from core.roles import Role
from portal.testing.world import World
from selection.actions.applications import do_recommend, do_submit
from selection.actions.review import do_assign_expert, do_auto_assign, do_open_stage
from selection.models import Application, Call, Expert, StageEntry
from selection.tests.conftest import draft

pytestmark = pytest.mark.django_db


def expert(world: World, name: str, province: str | None, codes: list[str] | None = None) -> Expert:
    user = User.objects.create(username=name, role=Role.EXPERT)
    return Expert.objects.create(
        user=user,
        home_province=world.regions[province] if province else None,
        affiliation_codes=codes or [],
        affiliations_declared=codes is not None,
    )


def submitted(world: World, call: Call) -> Application:
    app = draft(world, call)  # 沙坪坝 park, unit 重庆
    do_recommend(world.user("prov_cq"), app, rank=1)
    import datetime

    do_submit(world.user("prov_cq"), app, now=datetime.datetime(2015, 2, 1, tzinfo=datetime.UTC))
    app.refresh_from_db()
    return app


def entry_of(world: World, call: Call, app: Application) -> StageEntry:
    stage = do_open_stage(world.user("ministry"), call, "preliminary")
    return stage.entries.get(application=app)


def test_conflicts_are_refused_with_the_reason(world: World, call: Call) -> None:
    app = submitted(world, call)
    entry = entry_of(world, call, app)
    ministry = world.user("ministry")
    same_province = expert(world, "e_cq", "500000", [])
    with pytest.raises(ActionError) as err:
        do_assign_expert(ministry, entry, same_province)
    assert err.value.code == "conflict_of_interest" and "同属 重庆市" in err.value.message
    insider = expert(world, "e_js_insider", "320000", [app.base.operator_credit_code])
    with pytest.raises(ActionError) as err:
        do_assign_expert(ministry, entry, insider)
    assert "运营主体" in err.value.message
    declared = expert(world, "e_js_declared", "320000", [])
    declared.declared_conflict_bases.add(app.base)
    with pytest.raises(ActionError):
        do_assign_expert(ministry, entry, declared)
    unknown = expert(world, "e_unknown", "320000", None)  # affiliations never declared
    with pytest.raises(ActionError) as err:
        do_assign_expert(ministry, entry, unknown)
    assert "从严" in err.value.message
    clean = expert(world, "e_js", "320000", ["91110000600037341L"])
    assert do_assign_expert(ministry, entry, clean).expert == clean


def test_auto_assignment_takes_the_least_loaded_without_conflict(world: World, call: Call) -> None:
    app = submitted(world, call)
    entry = entry_of(world, call, app)
    ministry = world.user("ministry")
    expert(world, "e_cq", "500000", [])
    a = expert(world, "e_js", "320000", [])
    b = expert(world, "e_ln", "210000", [])
    with pytest.raises(ActionError) as err:
        do_auto_assign(ministry, entry, 3)
    assert err.value.code == "not_enough_experts" and not app.assignments.exists()
    made = do_auto_assign(ministry, entry, 2)
    assert {m.expert for m in made} == {a, b}


def test_an_expert_sees_only_assigned_applications(world: World, call: Call, login) -> None:
    app = submitted(world, call)
    entry = entry_of(world, call, app)
    e = expert(world, "e_js", "320000", [])
    client = login("prov_js")  # any client; log in as the expert below
    client.force_login(e.user)
    assert client.get(f"/selection/applications/{app.pk}/").status_code == 404
    do_assign_expert(world.user("ministry"), entry, e)
    assert client.get(f"/selection/applications/{app.pk}/").status_code == 200
    assert list(Application.objects.restrict(e.user)) == [app]
    assert not Application.objects.restrict(world.user("expert")).exists()


def test_only_submitted_applications_and_only_by_the_ministry(world: World, call: Call) -> None:
    from core.errors import NotAllowedError

    draft(world, call)  # never submitted: not reviewed
    with pytest.raises(ActionError) as err:
        do_open_stage(world.user("ministry"), call, "preliminary")
    assert err.value.code == "nothing_to_review"
    with pytest.raises(NotAllowedError):
        do_open_stage(world.user("prov_cq"), call, "preliminary")
