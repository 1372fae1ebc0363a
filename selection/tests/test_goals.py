"""The goals table of the work plan: a baseline and 3–5 consecutive yearly targets per indicator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import ChangeLog
from portal.testing.world import World
from selection.models import Call, WorkPlanGoal
from selection.tests.conftest import draft

pytestmark = pytest.mark.django_db


def post(client, app, first_year: int = 2016, **rows: list[str]):
    data = {"first_year": str(first_year)}
    for key, values in rows.items():
        data[f"{key}-baseline"] = values[0]
        for i, v in enumerate(values[1:]):
            data[f"{key}-{i}"] = v
    return client.post(f"/selection/applications/{app.pk}/goals/", data, follow=True)


def test_operator_enters_goals_and_the_page_shows_them(world: World, call: Call, login) -> None:
    app = draft(world, call)
    client = login("operator_sp")
    post(
        client, app,
        enterprises_gathered=["120", "200", "300", "400"],
        revenue=["35.5", "50", "80.25", "120", "150", "200"],
    )  # fmt: skip
    goals = {g.indicator: g for g in WorkPlanGoal.objects.filter(application=app)}
    assert set(goals) == {"enterprises_gathered", "revenue"}
    assert goals["revenue"].baseline == Decimal("35.50")
    assert goals["revenue"].targets == ["50", "80.25", "120", "150", "200"] and goals["revenue"].first_year == 2016
    page = client.get(f"/selection/applications/{app.pk}/goals/").content.decode()
    assert 'value="80.25"' in page and "（2020）" in page
    # Saving again with one indicator replaces the table, and each row's removal is logged.
    post(client, app, jobs=["1000", "1500", "2000", "3000"])
    assert list(WorkPlanGoal.objects.values_list("indicator", flat=True)) == ["jobs"]
    assert ChangeLog.objects.filter(action="delete", object_repr__contains="亿元").count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["100", "120", "140"], "须连续填写 3—5 年的目标，现为 2 年"),
        (["100", "120", "", "160", "180"], "2017 年目标：须填写数字"),
        (["100", "120", "-5", "160"], "2017 年目标：不能为负数"),
        (["多", "120", "140", "160"], "基期值：须填写数字"),
    ],
)
def test_bad_goals_are_refused_naming_indicator_and_year(world: World, call: Call, login, values, message) -> None:
    app = draft(world, call)
    page = post(login("operator_sp"), app, enterprises_incubated=values).content.decode()
    assert "孵化电子商务企业数量（家）" in page and message in page
    assert not WorkPlanGoal.objects.exists()


def test_goal_values_come_back_from_the_api_without_a_floats_tail(world: World, call: Call) -> None:
    """A target built from a float read "322.7999999999999880540002550": refused at the door, and
    the demo builds its targets from exact decimals."""
    import datetime
    import random
    import re

    from rest_framework.test import APIClient

    from selection.demo import _prepare

    app = draft(world, call, base="shapingba", operator="operator_sp")
    client = APIClient()
    client.force_authenticate(world.user("operator_sp"))
    url = f"/api/applications/{app.pk}/goals/"
    noisy = {"first_year": 2027, "goals": [{"indicator": "jobs", "baseline": "230", "targets": [
        "276", "322.7999999999999880540002550", "368"]}]}  # fmt: skip
    refused = client.put(url, noisy, format="json")
    assert refused.status_code == 400 and "2028 年目标：最多两位小数" in refused.content.decode()
    noisy["goals"][0]["targets"][1] = "322.80"  # type: ignore[index]  # the literal above
    assert client.put(url, noisy, format="json").status_code == 200
    assert client.get(url).json()[0]["targets"] == ["276", "322.80", "368"]

    demo = _prepare(random.Random(7), call, world.bases["xuzhou"], datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    client.force_authenticate(demo.base.user_set.get())
    goals = client.get(f"/api/applications/{demo.pk}/goals/").json()
    values = [g["baseline"] for g in goals] + [t for g in goals for t in g["targets"]]
    assert len(values) == 12 and all(re.fullmatch(r"\d+(\.\d{1,2})?", v) for v in values), values
