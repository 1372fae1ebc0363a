"""Deeply nested JSON is refused with a 400 in Chinese, never a 500 (security review, finding 8).

Python's json decodes by recursion: 1,000 nested `[` raised RecursionError inside DRF's parser,
a 500 for anyone at the token endpoint. The API's parser (`core.api.parsers.JSONParser`, the
default of every endpoint) measures the nesting first (`core.jsonlimits`, no recursion).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from core.jsonlimits import MAX_DEPTH, TooDeep, loads, nesting_depth
from portal.testing.world import World

DEEP = "[" * 1000 + "]" * 1000
TOO_DEEP = "JSON 嵌套层数过多（最多 32 层），请求已拒绝。"


@pytest.mark.django_db
@pytest.mark.parametrize("body", [DEEP, '{"username": ' + DEEP + "}", '{"a":' * 1000 + "1" + "}" * 1000])
def test_deep_json_to_the_token_endpoint_is_a_400_in_chinese(body: str) -> None:
    response = APIClient().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == TOO_DEEP


@pytest.mark.django_db
def test_deep_json_to_a_patch_is_a_400_in_chinese(world: World) -> None:
    api = APIClient()
    api.force_authenticate(world.users["ministry"])
    base = world.bases["rongchang"]
    response = api.patch(f"/api/bases/{base.pk}/", '{"name": ' + DEEP + "}", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"] == TOO_DEEP
    base.refresh_from_db()
    assert base.name == "荣昌区电子商务产业园"


@pytest.mark.django_db
def test_actions_that_take_json_only_use_the_same_parser(world: World) -> None:
    """`parser_classes=[JSONParser]` of the work plan and the goals is the nesting-limited one."""
    from selection.api.views import ApplicationViewSet

    for name in ("work_plan", "goals"):
        parsers = getattr(ApplicationViewSet, name).kwargs["parser_classes"]
        assert [p.__module__ for p in parsers] == ["core.api.parsers"], name


@pytest.mark.django_db
def test_json_within_the_limit_and_other_refusals_in_chinese(world: World) -> None:
    api = APIClient()
    nested = {"username": "ministry", "password": "x", "extra": json.loads("[" * 30 + "]" * 30)}
    # Nested 31 deep and still read: refused for the password, not for its shape.
    assert api.post("/api/auth/token/", nested, format="json").json()["code"] == "invalid_login"
    broken = api.post("/api/auth/token/", '{"username": "ministry",', content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["detail"] == "JSON 格式错误：第 1 行第 25 列附近无法解析。"
    nan = api.post("/api/auth/token/", '{"username": NaN}', content_type="application/json")
    assert nan.status_code == 400 and nan.json()["detail"] == "JSON 中不能使用 NaN 或 Infinity。"


def test_the_whatif_form_refuses_deep_json_in_its_words() -> None:
    from policies.simulation import parse_entry

    with pytest.raises(ValueError, match="JSON 嵌套层数过多"):
        parse_entry("tiers", DEEP)


# ---- the kernel --------------------------------------------------------------------------


def test_brackets_inside_strings_do_not_nest() -> None:
    assert nesting_depth('{"a": "[[[[{{{{", "b": ["\\"[[", "\\\\", [1]]}') == 3
    assert nesting_depth('"[[[["') == 0 and nesting_depth("12") == 0 and nesting_depth("") == 0
    assert nesting_depth('["汉字[[[", [["\\u6c49"]]]') == 3


def test_a_deep_text_is_refused_before_json_recurses() -> None:
    with pytest.raises(TooDeep):
        loads("[" * 100_000 + "]" * 100_000)
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) == json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab汉\n'),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\k'), children, max_size=3)
    ),
    max_leaves=30,
)


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@given(json_values, st.booleans())
def test_the_measured_depth_is_the_true_one(value: Any, ascii_only: bool) -> None:
    assert nesting_depth(json.dumps(value, ensure_ascii=ascii_only)) == depth(value)
