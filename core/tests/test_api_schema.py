"""The OpenAPI schema is served, is valid OpenAPI 3, and generates without a single warning."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

from core.testing.openapi import fetch_schema, schema_errors

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_valid_openapi_3(client) -> None:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)  # raises on any violation of the OpenAPI 3 specification
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in (
        "/api/regions/",
        "/api/quota-units/",
        "/api/demo-cities/",
        "/api/bases/",
        "/api/bases/{id}/status-changes/",
        "/api/enterprises/",
        "/api/residencies/",
        "/api/titles/",
        "/api/changelog/",
        "/api/enterprises/{id}/history/",
        "/api/auth/token/",
        "/api/me/",
    ):
        assert path in paths, path
    # PATCH only (a write touches the fields sent), no PUT; bases are not created over the API.
    assert "put" not in paths["/api/enterprises/{id}/"]
    assert "patch" in paths["/api/enterprises/{id}/"]
    assert "post" not in paths["/api/bases/"]
    # The status of a base is read-only on the API.
    patched_base = spec["components"]["schemas"]["PatchedBaseRequest"]["properties"]
    assert "status" not in patched_base
    params = {p["name"] for p in paths["/api/bases/"]["get"]["parameters"]}
    assert {"q", "status", "quota_unit", "province", "page", "page_size"} <= params


def test_schema_generation_has_no_warnings() -> None:
    out = io.StringIO()
    # --fail-on-warn turns any warning (an unannotated view, a guessed type) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=out)


def test_swagger_page_is_served(client) -> None:
    assert client.get("/api/docs/").status_code == 200


def test_the_schema_is_the_same_for_every_caller(world, login) -> None:
    """Generated for the ministry's request, the notice endpoints described the ministry's list
    alone (its view picks the serializer by role), so the schema a client was given depended on
    who fetched it. One schema now, naming both shapes."""
    public = json.loads(Client().get("/api/schema/", {"format": "json"}).content)
    for account in ("ministry", "prov_cq", "operator_rc", "ent_rc1", "auditor"):
        assert json.loads(login(account).get("/api/schema/", {"format": "json"}).content) == public, account
    entry = public["components"]["schemas"]["NoticeEntry"]["oneOf"]
    assert entry == [{"$ref": "#/components/schemas/PublicEntry"}, {"$ref": "#/components/schemas/MinistryEntry"}]


def test_the_refusals_are_declared_with_their_bodies(world, login) -> None:
    """Every operation declared its success alone; the refusals a client meets (400 with the
    fields, 401, 403, 404, a body too large, the sign-in's lockout) were missing from the schema
    (core.api.schema), so a generated client could not read them. Real refusals validate."""
    ministry, operator, anonymous = login("ministry"), login("operator_rc"), Client()
    spec = fetch_schema(ministry)
    paths = spec["paths"]
    for template, item in paths.items():
        for method, operation in item.items():
            declared = operation["responses"]
            assert {"401", "403"} <= set(declared), (method, template)
            if "{" in template:
                assert "404" in declared, (method, template)
            if method != "get":
                assert "400" in declared, (method, template)
            if "requestBody" in operation:
                assert {"411", "413", "415"} <= set(declared), (method, template)
    assert "429" in paths["/api/auth/token/"]["post"]["responses"]
    assert "429" in paths["/api/notices/{id}/objections/"]["post"]["responses"]
    base = world.bases["rongchang"].pk
    refusals = [
        (anonymous, "get", "/api/bases/", None, 401),
        (operator, "post", "/api/calls/", {"title": "x"}, 403),
        (ministry, "get", "/api/bases/999999/", None, 404),
        (ministry, "get", "/api/bases/", {"page": 99}, 404),
        (ministry, "get", "/api/bases/", {"page_size": "g"}, 400),
        (ministry, "patch", f"/api/bases/{base}/", {"area_m2": "x"}, 400),
        (anonymous, "post", "/api/auth/token/", {"username": "ministry", "password": "wrong"}, 400),
    ]
    for client, method, url, data, status in refusals:
        if method == "get":
            response = client.get(url, data)
        else:
            response = getattr(client, method)(url, data, content_type="application/json")
        assert response.status_code == status, (url, response.content)
        assert schema_errors(spec, method.upper(), url, response) == [], url
