"""The API's refusals in its OpenAPI schema (a drf-spectacular postprocessing hook).

drf-spectacular declares the answer a view gives when all goes well; the refusals every endpoint
can give were missing, so a client generated from the schema (or schemathesis,
tests/test_schema_fuzz.py) met statuses and bodies the schema never named. This hook adds them
to every operation, where they can happen:

- 400 (`ValidationError`): a write (its data, or an action the object's state refuses), a read
  with query parameters (filters, `page_size`);
- 401 (`Error`): no or bad credentials (a bad token is refused even where no account is needed);
- 403 (`Error`): the role may not, a field it may not edit, a session's unsafe method without the
  CSRF token;
- 404 (`Error`): an object outside the caller's scope or that does not exist, a page past the last;
- 411, 413 (`Error`): a body sent without a length, or above its limit (`core.middleware`);
- 415 (`Error`): a body in a media type the endpoint does not read.

A status a view declares itself (`429` of the sign-in and of objections) keeps its description and
gets the `Error` body when it has none.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse

METHODS = ("get", "put", "post", "patch", "delete")
UNSAFE = ("put", "post", "patch", "delete")

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": _("请求被拒绝：原因（中文）与可供程序判断的错误代码。"),
    "properties": {
        "detail": {"type": "string", "description": _("拒绝的原因")},
        "code": {"type": "string", "description": _("错误代码（见文档的错误代码表）")},
    },
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": _(
        "数据有误：字段名 → 错误信息列表（嵌套的数据按其结构）；不属于某一字段的错误在 non_field_errors 下，"
        "无法解析的请求在 detail 下。"
    ),
    "additionalProperties": {},
}

DESCRIPTIONS = {
    400: _("数据有误，或对象当前的状态不允许该操作"),
    401: _("未登录，或令牌无效、已过期"),
    403: _("无权进行该操作"),
    404: _("对象不存在或不在本账号的可见范围内；页码超出范围"),
    411: _("请求体未声明长度"),
    413: _("请求体超过上限"),
    415: _("不支持的请求内容类型"),
    429: _("请求过于频繁，或账号已锁定"),
}


def _ref(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _statuses(method: str, operation: dict[str, Any]) -> list[int]:
    parameters = operation.get("parameters", [])
    statuses = [401, 403]
    if method in UNSAFE or any(p.get("in") == "query" for p in parameters):
        statuses.append(400)
    if any(p.get("in") == "path" for p in parameters) or any(p.get("name") == "page" for p in parameters):
        statuses.append(404)
    if "requestBody" in operation:
        statuses += [411, 413, 415]
    return sorted(statuses)


def declare_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    schemas.setdefault("ValidationError", VALIDATION_ERROR_SCHEMA)
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(method, operation):
                responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
            for key, response in responses.items():
                if key[0] == "4" and not response.get("content"):
                    response["content"] = _ref("ValidationError" if key == "400" else "Error")
                    response["description"] = response.get("description") or DESCRIPTIONS.get(int(key), "")
    return result


# The `429` a view declares beside its answer (`responses={200: …, 429: THROTTLED}`); the hook
# gives it the `Error` body.
THROTTLED = OpenApiResponse(description=DESCRIPTIONS[429])
