"""The whole application workflow through the REST API, and its OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from portal.testing.world import World
from selection.models import Application, ApplicationStatus, Call

pytestmark = pytest.mark.django_db


def api(world: World, key: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users[key])
    return client


def test_call_to_submission_through_the_api(world: World) -> None:
    created = api(world, "ministry").post(
        "/api/calls/",
        {"title": "第三批", "document_no": "商办电函〔2099〕2号", "deadline": "2099-02-28T23:59:59+08:00"},
        format="json",
    )
    assert created.status_code == 201, created.content
    call_id = created.json()["id"]
    assert api(world, "prov_js").post("/api/calls/", {"title": "x"}, format="json").status_code == 403

    applied = api(world, "operator_rc").post(
        "/api/applications/", {"call": call_id, "area_m2": "25000.00", "operating_since": "2013-05-01"}, format="json"
    )
    assert applied.status_code == 201, applied.content
    app_id = applied.json()["id"]

    assert api(world, "prov_js").post(f"/api/applications/{app_id}/recommend/", {"rank": 1}).status_code == 404
    province = api(world, "prov_cq")
    recommended = province.post(f"/api/applications/{app_id}/recommend/", {"rank": 1}, format="json")
    assert recommended.status_code == 200, recommended.content
    assert recommended.json()["status"] == ApplicationStatus.RECOMMENDED
    taken = province.post(f"/api/applications/{app_id}/submit/")
    assert taken.status_code == 200 and taken.json()["status"] == ApplicationStatus.SUBMITTED
    again = province.post(f"/api/applications/{app_id}/submit/")
    assert again.status_code == 400 and "不能变更" in again.content.decode()
    kinds = [e["kind"] for e in api(world, "ministry").get(f"/api/applications/{app_id}/events/").json()]
    assert kinds == ["created", "recommended", "submitted"]
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    assert Call.objects.count() == 1


def test_schema_stays_valid_with_the_selection_endpoints() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_operator_prepares_the_whole_application_through_the_api(world: World, tmp_path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    call = Call.objects.create(
        title="第三批", document_no="商办电函〔2099〕2号", status="open",
        deadline=__import__("datetime").datetime(2099, 2, 28, 15, 59, 59, tzinfo=__import__("datetime").UTC),
    )  # fmt: skip
    operator = api(world, "operator_rc")
    app_id = operator.post(
        "/api/applications/", {"call": call.pk, "area_m2": "25000.00", "operating_since": "2013-05-01"}, format="json"
    ).json()["id"]
    # Work plan: the 3,501st character is refused with the count; the 3,500th is accepted.
    too_long = operator.patch(f"/api/applications/{app_id}/work-plan/", {"summary": "字" * 3501}, format="json")
    assert too_long.status_code == 400 and "3501" in too_long.content.decode()
    ok = operator.patch(
        f"/api/applications/{app_id}/work-plan/", {"summary": "字 " * 3500, "basis": "园区规划面积 3 平方公里"},
        format="json",
    )  # fmt: skip
    assert ok.status_code == 200, ok.content
    assert ok.json()["summary_chars"] == 3500
    assert operator.get(f"/api/applications/{app_id}/work-plan/").json()["basis"] == "园区规划面积 3 平方公里"
    # Goals: 3 to 5 years per indicator.
    goals = {"first_year": 2100, "goals": [{"indicator": "jobs", "baseline": "1200", "targets": ["1500", "1800"]}]}
    short = operator.put(f"/api/applications/{app_id}/goals/", goals, format="json")
    assert short.status_code == 400 and "3—5" in short.content.decode()
    goals["goals"][0]["targets"].append("2100")  # type: ignore[index]  # a list inside the literal above
    put = operator.put(f"/api/applications/{app_id}/goals/", goals, format="json")
    assert put.status_code == 200 and put.json()[0]["targets"] == ["1500", "1800", "2100"]
    # Documents, then the computed conditions.
    upload = SimpleUploadedFile("规划.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    sent = operator.post(
        f"/api/applications/{app_id}/documents/", {"kind": "development_plan", "file": upload}, format="multipart"
    )
    assert sent.status_code == 201, sent.content
    assert [d["kind"] for d in operator.get(f"/api/applications/{app_id}/documents/").json()] == ["development_plan"]
    bad = operator.post(
        f"/api/applications/{app_id}/documents/",
        {"kind": "nonsense", "file": SimpleUploadedFile("x.pdf", b"%PDF")}, format="multipart",
    )  # fmt: skip
    assert bad.status_code == 400 and "未知的材料类别" in bad.content.decode()
    checked = operator.post(f"/api/applications/{app_id}/check/")
    assert checked.status_code == 200
    failed = {c["condition"] for c in checked.json() if not c["ok"]}
    assert "documents" in failed  # six of the seven kinds are missing
    # Someone else's application: not found, not forbidden.
    assert api(world, "prov_js").post(f"/api/applications/{app_id}/check/").status_code == 404
    assert api(world, "prov_js").get(f"/api/applications/{app_id}/work-plan/").status_code == 404
    # The ministry's discretionary extra slot and closing the call.
    ministry = api(world, "ministry")
    slot = ministry.post(f"/api/calls/{call.pk}/extra-slot/", {"quota_unit": "320000", "approved": True}, format="json")
    assert slot.status_code == 200 and slot.json()["params"]["extra_slot_units"] == ["320000"]
    assert api(world, "prov_js").post(f"/api/calls/{call.pk}/close/").status_code == 403
    assert ministry.post(f"/api/calls/{call.pk}/close/").json()["status"] == "closed"


def test_batch_precheck_and_the_work_plan_docx_through_the_api(world: World) -> None:
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from core import uscc
    from regions.models import Region
    from selection.checks import params_for
    from selection.tests.test_precheck import workbook

    deadline = datetime.datetime(2099, 2, 28, 15, 59, 59, tzinfo=datetime.UTC)
    call = Call.objects.create(title="第九批", document_no="x", status="open", deadline=deadline)
    Region.objects.create(code="320106", name="鼓楼区", level=3, parent=world.regions["320100"])
    docs = "、".join(item.label for item in params_for().document_kinds.values())
    good = uscc.make("91320105000000001")
    rows = [
        [1, "南京甲园区", "320106", good, 20000.01, datetime.date(2013, 1, 1), docs],
        [2, "南京乙园区", "320106", good, 20000, datetime.date(2013, 1, 1), docs],
    ]
    url = f"/api/calls/{call.pk}/precheck/"
    sent = api(world, "prov_js").post(url, {"file": SimpleUploadedFile("c.xlsx", workbook(rows))}, format="multipart")
    assert sent.status_code == 200, sent.content
    first, second = sent.json()
    assert (first["row"], first["accepted"], second["accepted"]) == (2, True, False)
    assert any(r["code"] == "office_area_not_above_minimum" and "20,000" in r["message"] for r in second["reasons"])
    assert (
        api(world, "operator_rc")
        .post(url, {"file": SimpleUploadedFile("c.xlsx", workbook(rows))}, format="multipart")
        .status_code
        == 403
    )
    hostile = api(world, "prov_js").post(url, {"file": SimpleUploadedFile("c.xlsx", b"PK\x03\x04 not a workbook")},
                                         format="multipart")  # fmt: skip
    assert hostile.status_code == 400 and "file" in hostile.json()

    # The work plan out as .docx and back in: the sections survive the round trip.
    operator = api(world, "operator_rc")
    app_id = operator.post(
        "/api/applications/", {"call": call.pk, "area_m2": "25000.00", "operating_since": "2013-05-01"}, format="json"
    ).json()["id"]
    operator.patch(f"/api/applications/{app_id}/work-plan/", {"basis": "园区规划面积 3 平方公里。"}, format="json")
    out = operator.get(f"/api/applications/{app_id}/work-plan-docx/")
    assert out.status_code == 200 and out["Content-Type"].startswith("application/vnd.openxmlformats")
    operator.patch(f"/api/applications/{app_id}/work-plan/", {"basis": "改掉了"}, format="json")
    back = operator.post(
        f"/api/applications/{app_id}/work-plan-docx/",
        {"file": SimpleUploadedFile("plan.docx", out.content)}, format="multipart",
    )  # fmt: skip
    assert back.status_code == 200, back.content
    assert any("创建基础" in s["section"] for s in back.json()["sections"]), back.json()
    assert operator.get(f"/api/applications/{app_id}/work-plan/").json()["basis"] == "园区规划面积 3 平方公里。"
    assert api(world, "prov_js").get(f"/api/applications/{app_id}/work-plan-docx/").status_code == 404
