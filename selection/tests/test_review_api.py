"""Expert review through the REST API: the same actions and the same hiding rule as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from portal.testing.world import World
from selection.models import Application, Assignment, Call, Expert, ReviewStage, StageEntry
from selection.tests.test_review import expert
from selection.tests.test_stages import submit

pytestmark = pytest.mark.django_db

RUBRIC = [{"key": "basis", "label": "创建基础", "max": "60"}, {"key": "plan", "label": "工作方案", "max": 40}]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def two(world: World, call: Call) -> tuple[Application, Application]:
    return (
        submit(world, call, "shapingba", "operator_sp", "prov_cq"),
        submit(world, call, "xuzhou", "operator_xz", "prov_js"),
    )


@pytest.fixture
def panel(world: World) -> list[Expert]:
    return [expert(world, f"ln_expert_{i}", "210000", []) for i in range(3)]


def open_stage(world: World, call: Call, **extra: Any) -> dict[str, Any]:
    body = {"call": call.pk, "kind": "preliminary", "rubric": RUBRIC, "reviewers_per_application": 2, **extra}
    response = api(world.user("ministry")).post("/api/review-stages/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def sheet(e: Expert, app: Application) -> Assignment:
    return Assignment.objects.get(expert=e, application=app)


def score(e: Expert, app: Application, basis: Any, plan: Any, comment: str = "目标明确，措施可行。") -> Any:
    body = {"points": {"basis": basis, "plan": plan}, "checklist": {"it_infrastructure": True}, "comment": comment}
    return api(e.user).post(f"/api/assignments/{sheet(e, app).pk}/score/", body, format="json")


def test_a_whole_stage_through_the_api(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = api(world.user("ministry"))
    stage = open_stage(world, call)
    assert stage["kind"] == "preliminary" and stage["status"] == "open" and stage["max_total"] == "100"
    assert {e["base_name"] for e in stage["entries"]} == {"沙坪坝电商产业园", "徐州软件园电商基地"}
    assert api(world.user("prov_cq")).post("/api/review-stages/", {"call": call.pk}, format="json").status_code == 403

    entries = {e["application"]: e["id"] for e in stage["entries"]}
    for app in two:
        assigned = ministry.post(f"/api/stage-entries/{entries[app.pk]}/assign/", {"auto": True}, format="json")
        assert assigned.status_code == 200, assigned.content
        assert assigned.json()["assigned"] == 2 and assigned.json()["scored"] == 0
    both = ministry.post(f"/api/stage-entries/{entries[two[0].pk]}/assign/", {"auto": True, "expert": panel[2].pk})
    assert both.status_code == 400 and "二者择一" in both.content.decode()

    for app, totals in zip(two, [(("50", "30"), ("40", 30)), (("55.5", "35"), ("45", "35"))], strict=True):
        for sheet_, (basis, plan) in zip(Assignment.objects.filter(application=app), totals, strict=True):
            response = score(sheet_.expert, app, basis, plan)
            assert response.status_code == 200, response.content
            assert response.json()["own"] and response.json()["total"] is not None

    closed = ministry.post(f"/api/review-stages/{stage['id']}/close/")
    assert closed.status_code == 200, closed.content
    ranked = closed.json()["entries"]
    assert [(e["base_name"], e["rank"], e["score"]) for e in ranked] == [
        ("徐州软件园电商基地", 1, "85.25"),
        ("沙坪坝电商产业园", 2, "75.00"),
    ]
    assert ranked[0]["method"] == "mean" and ranked[0]["assignments"][0]["total"] is not None

    decided = ministry.post(
        f"/api/stage-entries/{entries[two[1].pk]}/decide/", {"decision": "passed", "note": ""}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["decision"] == "passed"
    early = ministry.post(f"/api/review-stages/{stage['id']}/close/")
    assert early.status_code == 400 and "该评审阶段已结束" in early.content.decode()


def test_scores_are_hidden_in_the_api_until_the_stage_closes(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    stage = open_stage(world, call)
    ministry = api(world.user("ministry"))
    entry = StageEntry.objects.get(stage_id=stage["id"], application=two[0])
    a, b = panel[:2]
    for e in (a, b):
        assert (
            ministry.post(f"/api/stage-entries/{entry.pk}/assign/", {"expert": e.pk}, format="json").status_code == 200
        )
    assert score(a, two[0], "51.25", "30").status_code == 200

    # b: a's sheet does not exist for them; their list holds their own sheet only.
    b_api = api(b.user)
    assert b_api.get(f"/api/assignments/{sheet(a, two[0]).pk}/").status_code == 404
    listed = b_api.get("/api/assignments/").json()["results"]
    assert [(s["own"], s["total"]) for s in listed] == [(True, None)]
    assert "81.25" not in b_api.get(f"/api/review-stages/{stage['id']}/").content.decode()
    assert b_api.post(f"/api/assignments/{sheet(a, two[0]).pk}/score/", {}, format="json").status_code == 404

    # The ministry sees that a has scored, never what, while the stage is open.
    sheets = ministry.get("/api/assignments/", {"entry": entry.pk}).json()["results"]
    assert [(s["expert_name"], s["scored"], s["total"], s["points"], s["comment"]) for s in sheets] == [
        ("ln_expert_0", True, None, None, None),
        ("ln_expert_1", False, None, None, None),
    ]
    # Nor through the change log of the sheet, which holds its points.
    history = f"/api/assignments/{sheet(a, two[0]).pk}/history/"
    assert ministry.get(history).status_code == 404
    assert "51.25" in api(a.user).get(history).content.decode()
    stage_body = ministry.get(f"/api/review-stages/{stage['id']}/").content.decode()
    assert "81.25" not in stage_body and "51.25" not in stage_body
    assert "81.25" not in ministry.get(f"/api/stage-entries/{entry.pk}/").content.decode()

    # Closed: b reads a's total on the same application, not a's name, points or comment.
    assert score(b, two[0], "40", "30").status_code == 200
    other = StageEntry.objects.get(stage_id=stage["id"], application=two[1])
    ministry.post(f"/api/stage-entries/{other.pk}/assign/", {"expert": panel[2].pk}, format="json")
    score(panel[2], two[1], "50", "30")
    assert ministry.post(f"/api/review-stages/{stage['id']}/close/").status_code == 200
    seen = b_api.get(f"/api/assignments/{sheet(a, two[0]).pk}/").json()
    assert (seen["own"], seen["total"], seen["expert"], seen["expert_name"], seen["points"], seen["comment"]) == (
        False, "81.25", None, None, None, None)  # fmt: skip
    assert b_api.get(f"/api/assignments/{sheet(panel[2], two[1]).pk}/").status_code == 404  # not b's application
    assert b_api.get(history).status_code == 404 and ministry.get(history).status_code == 200
    full = ministry.get(f"/api/assignments/{sheet(a, two[0]).pk}/").json()
    assert full["points"] == {"basis": "51.25", "plan": "30"} and full["comment"] == "目标明确，措施可行。"


def test_score_errors_come_back_in_chinese_and_nothing_is_saved(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    stage = open_stage(world, call)
    entry = StageEntry.objects.get(stage_id=stage["id"], application=two[0])
    api(world.user("ministry")).post(f"/api/stage-entries/{entry.pk}/assign/", {"expert": panel[0].pk}, format="json")
    over = score(panel[0], two[0], "60.5", "30")
    assert over.status_code == 400
    assert over.json() == {"basis": ["“创建基础”的得分须在 0 至 60 分之间，填写的是 60.5。"]}
    assert score(panel[0], two[0], "abc", "30").json() == {"basis": ["“abc”不是有效的数值。"]}
    assert "请填写评审意见" in score(panel[0], two[0], "50", "30", comment="").content.decode()
    assert Assignment.objects.get(expert=panel[0]).scored_at is None
    # Only the expert scores their own sheet; the ministry is refused by the action.
    ministry_try = api(world.user("ministry")).post(
        f"/api/assignments/{sheet(panel[0], two[0]).pk}/score/",
        {"points": {"basis": "1", "plan": "1"}, "comment": "x"},
        format="json",
    )
    assert ministry_try.status_code == 404  # not the ministry's own sheet


def test_conflicts_decisions_and_the_defence_schedule_through_the_api(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = api(world.user("ministry"))
    stage = open_stage(world, call, reviewers_per_application=1, spread_threshold="10")
    entries = {e.application_id: e for e in StageEntry.objects.filter(stage_id=stage["id"])}
    same = expert(world, "e_cq", "500000", [])
    refused = ministry.post(f"/api/stage-entries/{entries[two[0].pk].pk}/assign/", {"expert": same.pk}, format="json")
    assert refused.status_code == 400
    assert "不能分配 e_cq：专家与申报单位同属 重庆市" in refused.content.decode()
    for app in two:
        ministry.post(f"/api/stage-entries/{entries[app.pk].pk}/assign/", {"expert": panel[0].pk}, format="json")
        score(panel[0], app, "50", "30")
    ministry.post(f"/api/review-stages/{stage['id']}/close/")
    for app in two:
        ministry.post(f"/api/stage-entries/{entries[app.pk].pk}/decide/", {"decision": "passed"}, format="json")
    defence = open_stage(world, call, kind="defence", reviewers_per_application=1)
    slot = defence["entries"][0]["id"]
    scheduled = ministry.post(
        f"/api/stage-entries/{slot}/schedule/",
        {"defence_at": "2015-04-10T09:30:00", "defence_place": "商务部第三会议室"},
        format="json",
    )
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["defence_at"] == "2015-04-10T09:30:00+08:00"  # read as Beijing time
    wrong = ministry.post(f"/api/stage-entries/{entries[two[0].pk].pk}/schedule/", {}, format="json")
    assert wrong.status_code == 400
    assert ReviewStage.objects.count() == 2


def test_applicants_read_their_entries_without_the_experts(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = api(world.user("ministry"))
    stage = open_stage(world, call, reviewers_per_application=1)
    for app in two:
        entry = StageEntry.objects.get(stage_id=stage["id"], application=app)
        ministry.post(f"/api/stage-entries/{entry.pk}/assign/", {"expert": panel[0].pk}, format="json")
        score(panel[0], app, "50", "30")
    ministry.post(f"/api/review-stages/{stage['id']}/close/")
    operator = api(world.user("operator_sp"))
    mine = operator.get("/api/stage-entries/").json()["results"]
    assert [(e["base_name"], e["score"], e["assignments"], e["assigned"]) for e in mine] == [
        ("沙坪坝电商产业园", "80.00", [], None)
    ]
    assert "ln_expert_0" not in operator.get("/api/stage-entries/").content.decode()
    assert [e["base_name"] for e in api(world.user("prov_js")).get("/api/stage-entries/").json()["results"]] == [
        "徐州软件园电商基地"
    ]
    other = StageEntry.objects.get(stage_id=stage["id"], application=two[1])
    assert operator.get(f"/api/stage-entries/{other.pk}/").status_code == 404
    for path in ("/api/review-stages/", "/api/assignments/"):
        assert operator.get(path).status_code == 403
    assert operator.post(f"/api/stage-entries/{other.pk}/decide/", {"decision": "passed"}).status_code == 403


def test_the_review_endpoints_cost_a_fixed_number_of_queries(
    world: World, call: Call, django_assert_max_num_queries: Any
) -> None:
    from regions.models import Region

    world.regions["110000"] = Region.objects.create(code="110000", name="北京市", level=1, since_year=1980)
    experts = [expert(world, f"bj{i}", "110000", []) for i in range(3)]
    for base, operator, province, rank in (
        ("shapingba", "operator_sp", "prov_cq", 1),
        ("xuzhou", "operator_xz", "prov_js", 1),
        ("nanjing", "operator_nj", "prov_js", 2),
        ("dalian", "operator_dl", "city_dl", 1),
    ):
        submit(world, call, base, operator, province, rank)
    stage = open_stage(world, call, reviewers_per_application=3)
    ministry = api(world.user("ministry"))
    for entry in StageEntry.objects.filter(stage_id=stage["id"]):
        for e in experts:
            ministry.post(f"/api/stage-entries/{entry.pk}/assign/", {"expert": e.pk}, format="json")
    for path in ("/api/review-stages/", "/api/stage-entries/", "/api/assignments/"):
        with django_assert_max_num_queries(8):
            assert ministry.get(path).status_code == 200
    with django_assert_max_num_queries(8):
        assert api(experts[0].user).get("/api/assignments/").status_code == 200


def test_schema_lists_the_review_endpoints(client: Any) -> None:
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/review-stages/",
        "/api/review-stages/{id}/close/",
        "/api/stage-entries/{id}/assign/",
        "/api/stage-entries/{id}/decide/",
        "/api/stage-entries/{id}/schedule/",
        "/api/assignments/",
        "/api/assignments/{id}/score/",
    ):
        assert path in paths, path
