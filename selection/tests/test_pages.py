"""The call and its applications on the web, role by role."""

from __future__ import annotations

import pytest

from portal.testing.world import World
from selection.models import Application, ApplicationStatus, Call

pytestmark = pytest.mark.django_db


def test_a_call_from_opening_to_submission_on_the_web(world: World, login) -> None:
    ministry = login("ministry")
    response = ministry.post(
        "/selection/calls/add/",
        {"title": "第三批示范基地创建", "document_no": "商办电函〔2099〕1号", "deadline": "2099-02-28T23:59"},
    )
    call = Call.objects.get()
    assert response["Location"] == f"/selection/calls/{call.pk}/"
    assert call.deadline.isoformat() == "2099-02-28T15:59:00+00:00"  # typed in Beijing time

    operator = login("operator_rc")
    page = operator.get(f"/selection/calls/{call.pk}/").content.decode()
    assert "编制申报" in page
    operator.post(f"/selection/calls/{call.pk}/apply/", {"area_m2": "25000.00", "operating_since": "2013-05-01"})
    app = Application.objects.get()
    assert app.base == world.bases["rongchang"]
    assert "编制申报" not in operator.get(f"/selection/calls/{call.pk}/").content.decode()  # one per call

    # Jiangsu cannot see or act on a Chongqing application.
    assert login("prov_js").get(f"/selection/applications/{app.pk}/").status_code == 404
    province = login("prov_cq")
    province.post(f"/selection/applications/{app.pk}/recommend/", {"rank": "1"})
    province.post(f"/selection/applications/{app.pk}/submit/")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.province_rank == 1
    detail = ministry.get(f"/selection/applications/{app.pk}/").content.decode()
    for step in ("创建", "省级推荐", "报送商务部"):
        assert step in detail


def test_only_the_ministry_opens_calls(world: World, login) -> None:
    assert login("prov_js").get("/selection/calls/add/").status_code == 403
    assert login("operator_rc").post("/selection/calls/add/", {"title": "x"}).status_code == 403
    assert not Call.objects.exists()


def test_operator_uploads_documents_and_checks_the_conditions_on_the_page(world: World, login, tmp_path) -> None:
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from selection.checks import params_for

    deadline = datetime.datetime(2099, 2, 28, 15, 59, 59, tzinfo=datetime.UTC)
    call = Call.objects.create(title="第九批", document_no="商办电函〔2098〕1号", deadline=deadline, status="open")
    operator = login("operator_rc")
    operator.post(f"/selection/calls/{call.pk}/apply/", {"area_m2": "20000.00", "operating_since": "2013-05-01"})
    app = Application.objects.get()
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        for kind in params_for(app).document_kinds:
            operator.post(
                f"/selection/applications/{app.pk}/documents/",
                {"kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4")},
            )
    assert app.documents.count() == 7
    operator.post(f"/selection/applications/{app.pk}/check/")
    page = operator.get(f"/selection/applications/{app.pk}/").content.decode()
    assert "不符合" in page and "20,000" in page  # exactly 20,000 m² is not 大于 20,000
    app.refresh_from_db()
    failed = [c["condition"] for c in app.conditions if not c["ok"]]
    assert failed == ["office_area"]
