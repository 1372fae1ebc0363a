"""Responses checked against the live OpenAPI schema (`/api/schema/?format=json`).

A client generated from the schema (or a fuzzer such as schemathesis) trusts it: a field the schema
calls a string must never be null, an enum must hold every value sent, a list must not come back
where the schema promises a page object. `schema_errors(spec, method, path, response)` finds the
operation of a real response by its path and status and validates the JSON body with the OpenAPI
3.0 dialect (`nullable`, `readOnly`, …) of `openapi-schema-validator`, `$ref`s resolved in the
schema itself.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from openapi_schema_validator import OAS30ReadValidator


def fetch_schema(client: Any) -> dict[str, Any]:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.status_code
    spec: dict[str, Any] = response.json()
    return spec


@cache
def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + r"\Z")


def operation_of(spec: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The path template and operation object that serve `method path` (a real path, query left off)."""
    path = path.split("?", 1)[0]
    for template, item in spec["paths"].items():
        if _template_pattern(template).match(path) and method.lower() in item:
            return template, item[method.lower()]
    raise AssertionError(f"{method} {path} is not in the schema")


def response_schema(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any] | None:
    """The JSON schema the operation declares for `status` (None when it declares no JSON body)."""
    template, operation = operation_of(spec, method, path)
    responses = operation.get("responses", {})
    declared = responses.get(str(status)) or responses.get("default")
    assert declared is not None, f"{method} {template}: status {status} is not declared"
    content = declared.get("content") or {}
    media = content.get("application/json")
    return None if media is None else media.get("schema")


def schema_errors(spec: dict[str, Any], method: str, path: str, response: Any) -> list[str]:
    """Where the JSON body of `response` departs from the schema, one line per error (none: it conforms)."""
    schema = response_schema(spec, method, path, response.status_code)
    if schema is None:
        return []
    # The components travel with the schema so that "#/components/schemas/…" resolves in place.
    document = {**schema, "components": spec.get("components", {})}
    validator = OAS30ReadValidator(document)
    return [
        f"{method} {path}: {'/'.join(str(p) for p in error.absolute_path) or '(body)'}: {error.message}"
        for error in sorted(validator.iter_errors(response.json()), key=lambda e: list(e.absolute_path))
    ]
