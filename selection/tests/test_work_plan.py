"""The work plan after the notice's outline; the summary is at most 3,500 characters (no white space)."""

from __future__ import annotations

import pytest

from portal.testing.world import World
from selection.models import Application, Call, WorkPlan, count_chars
from selection.tests.conftest import draft

pytestmark = pytest.mark.django_db


def text_of(n: int) -> str:
    """n counted characters, with blanks and line breaks in between that do not count."""
    body = "电子商务示范基地创建" * (n // 10 + 1)
    body = body[:n]
    return "\n".join(body[i : i + 50] + "  " for i in range(0, n, 50))


def test_count_ignores_white_space() -> None:
    assert count_chars(text_of(3500)) == 3500
    assert count_chars(" a\tb\n c　") == 3  # the ideographic space is white space too


@pytest.mark.parametrize(("n", "accepted"), [(3500, True), (3501, False)])
def test_summary_limit_at_its_boundary(world: World, call: Call, login, n: int, accepted: bool) -> None:
    app: Application = draft(world, call)
    client = login("operator_sp")
    response = client.post(f"/selection/applications/{app.pk}/work-plan/", {"summary": text_of(n), "basis": "园区基础"})
    page = client.get(f"/selection/applications/{app.pk}/work-plan/").content.decode()
    if accepted:
        assert response.status_code == 302
        plan = WorkPlan.objects.get(application=app)
        assert count_chars(plan.summary) == 3500 and plan.basis == "园区基础"
        assert "摘要现为 3500 字" in page
    else:
        assert response.status_code == 200
        assert "现为 3501 字，超出 1 字" in response.content.decode()
        assert not WorkPlan.objects.exists()


def test_only_the_operator_writes_and_only_while_drafting(world: World, call: Call, login) -> None:
    app = draft(world, call)
    login("operator_sp").post(f"/selection/applications/{app.pk}/work-plan/", {"summary": "摘要"})
    province = login("prov_cq")
    assert province.get(f"/selection/applications/{app.pk}/work-plan/").status_code == 200  # reads it
    assert province.post(f"/selection/applications/{app.pk}/work-plan/", {"summary": "改写"}).status_code == 403
    assert WorkPlan.objects.get().summary == "摘要"
    assert login("prov_js").get(f"/selection/applications/{app.pk}/work-plan/").status_code == 404
