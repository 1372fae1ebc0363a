"""A request body over the limit is refused before anything reads it (security review, finding 3).

An anonymous 1 GiB multipart POST to the sign-in page was written to a temporary file in full
before its 403 (the CSRF check reads `request.POST`); a declared 50 MB body held the upload
endpoints with no answer. The requests below declare a body far larger than they send: Django's
test client fails any read past what was sent, so a 413 proves that nothing read it — and nothing
ran: no sign-in attempt counted, no job, no document, no change-log row.
"""

from __future__ import annotations

import datetime
import inspect
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver
from rest_framework.test import APIClient

from core.middleware import accepts_uploads, body_limit
from core.models import ChangeLog, Job
from core.uploads import max_upload_body
from portal.testing.world import PASSWORD, World
from selection.actions.applications import do_create_application
from selection.models import Application, ApplicationDocument, Call, CallStatus

pytestmark = pytest.mark.django_db

GIB = 1024**3
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path: Path) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield


@pytest.fixture
def application(world: World) -> Application:
    call = Call.objects.create(
        title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号", status=CallStatus.OPEN,
        deadline=datetime.datetime(2099, 2, 28, 23, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
    )  # fmt: skip
    operator = world.users["operator_rc"]
    base = world.bases["rongchang"]
    return do_create_application(
        operator, call, base, area_m2=Decimal("25000.00"), operating_since=datetime.date(2013, 5, 1)
    )


def text(response: Any) -> str:
    """The page, or the API's message, with the non-breaking space of sizes ("2.0 MB") as a space."""
    content = response.json()["detail"] if response["Content-Type"] == "application/json" else response.content.decode()
    return str(content).replace("\xa0", " ")


def declared(client: Any, method: str, path: str, length: int, **extra: Any) -> Any:
    """A request that declares `length` bytes of body and sends a few."""
    body = b'--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nministry\r\n--x--\r\n'
    return client.generic(
        method, path, body, content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(length), **extra
    )


def test_an_anonymous_1_gib_post_to_the_sign_in_page_is_refused_unread(world: World) -> None:
    before = ChangeLog.objects.count()
    response = declared(Client(enforce_csrf_checks=True), "POST", "/accounts/login/", GIB)
    assert response.status_code == 413
    page = text(response)
    assert "提交的内容过大" in page and "提交的内容超过大小上限 2.0 MB，已拒绝。" in page
    assert "国家电子商务示范基地管理平台" in page  # the site's layout
    assert ChangeLog.objects.count() == before  # no failed sign-in logged: the view never ran
    assert not AccessAttempt.objects.exists()


def test_the_api_refuses_a_declared_body_over_the_limit_in_json(world: World) -> None:
    response = declared(APIClient(), "POST", "/api/auth/token/", 50 * MB)
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert text(response) == "提交的内容超过大小上限 2.0 MB，已拒绝。"
    assert response["X-Error-Code"] == "body_too_large"
    assert not AccessAttempt.objects.exists()

    api = APIClient()
    api.force_authenticate(world.users["ministry"])
    before = ChangeLog.objects.count()
    base = world.bases["rongchang"]
    patch = api.generic(
        "PATCH", f"/api/bases/{base.pk}/", '{"name": "x"}', content_type="application/json", CONTENT_LENGTH=str(GIB)
    )
    assert patch.status_code == 413 and patch.json()["code"] == "body_too_large"
    base.refresh_from_db()
    assert base.name == "荣昌区电子商务产业园" and ChangeLog.objects.count() == before


def test_upload_endpoints_refuse_a_body_over_the_upload_limit_unread(world: World, application: Application) -> None:
    operator = Client()
    operator.force_login(world.users["operator_rc"])
    over = max_upload_body() + 1
    page = declared(operator, "POST", "/imports/roster/", over)
    assert page.status_code == 413 and "提交的内容超过大小上限 20.1 MB，已拒绝。" in text(page)
    assert not Job.objects.exists()

    api = APIClient()
    api.force_login(world.users["operator_rc"])
    for path in (
        f"/api/applications/{application.pk}/documents/",
        f"/api/applications/{application.pk}/work-plan-docx/",
    ):
        response = declared(api, "POST", path, 50 * MB)
        assert response.status_code == 413, path
        assert text(response) == "提交的内容超过大小上限 20.1 MB，已拒绝。"
    assert not ApplicationDocument.objects.exists()


def test_a_body_sent_without_a_declared_length_is_refused(world: World) -> None:
    response = Client().generic("POST", "/accounts/login/", b"", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert "请求未声明内容长度（Content-Length），已拒绝；请勿使用分块传输。" in response.content.decode()
    api = Client().generic("POST", "/api/auth/token/", b"", HTTP_TRANSFER_ENCODING="chunked")
    assert api.status_code == 411 and api.json()["code"] == "length_required"


def test_an_upload_within_its_limit_passes_where_a_form_of_that_size_does_not(
    world: World, application: Application
) -> None:
    """3 MB: over the ordinary limit of forms and JSON, within the upload limit."""
    data = b"%PDF-1.4\n" + b"0" * (3 * MB)
    operator = Client()
    operator.force_login(world.users["operator_rc"])
    page = operator.post(
        f"/selection/applications/{application.pk}/documents/",
        {"kind": "development_plan", "file": SimpleUploadedFile("工作方案.pdf", data, content_type="application/pdf")},
    )
    assert page.status_code == 302
    api = APIClient()
    api.force_login(world.users["operator_rc"])
    created = api.post(
        f"/api/applications/{application.pk}/documents/",
        {"kind": "development_plan", "file": SimpleUploadedFile("工作方案.pdf", data, content_type="application/pdf")},
        format="multipart",
    )
    assert created.status_code == 201, created.content[:500]
    assert ApplicationDocument.objects.filter(application=application).count() == 2
    # The same 3 MB as an ordinary form is refused.
    form = operator.post("/accounts/login/", {"username": "operator_rc", "password": PASSWORD, "pad": "0" * 3 * MB})
    assert form.status_code == 413


def test_forms_and_json_within_the_limit_still_work(world: World) -> None:
    api = APIClient()
    response = api.post("/api/auth/token/", {"username": "ministry", "password": PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["token"]
    browser = Client(enforce_csrf_checks=False)
    assert browser.post("/accounts/login/", {"username": "ministry", "password": PASSWORD}).status_code == 302


def test_every_page_that_reads_files_declares_it() -> None:
    """A page view that reads request.FILES without `accepts_uploads = True` would be capped at the
    ordinary limit; API actions are recognised by their multipart parser."""
    missing = []
    for view in _views(get_resolver().url_patterns):
        cls = getattr(view, "view_class", None)
        if cls is None or getattr(view, "cls", None) is not None:
            continue  # API views: their parsers decide
        if "request.FILES" in inspect.getsource(cls) and not accepts_uploads(view):
            missing.append(cls.__qualname__)
    assert not missing


@pytest.mark.parametrize(
    ("path", "uploads"),
    [
        ("/imports/roster/", True),
        ("/selection/calls/1/precheck/", True),
        ("/selection/applications/1/documents/", True),
        ("/selection/applications/1/work-plan/upload/", True),
        ("/policies/applications/new/", True),
        ("/policies/applications/1/evidence/", True),
        ("/api/calls/1/precheck/", True),
        ("/api/applications/1/documents/", True),
        ("/api/applications/1/work-plan-docx/", True),
        ("/api/policies/applications/1/evidence/", True),
        ("/accounts/login/", False),
        ("/api/auth/token/", False),
        ("/api/applications/1/work-plan/", False),
        ("/api/bases/1/", False),
        ("/notices/1/", False),
        ("/no/such/page/", False),
    ],
)
def test_which_endpoints_take_the_upload_limit(path: str, uploads: bool) -> None:
    expected = max_upload_body() if uploads else 2 * MB
    assert body_limit(RequestFactory().post(path)) == expected


def _views(patterns: list[Any]) -> Iterator[Any]:
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _views(pattern.url_patterns)
        else:
            yield pattern.callback


def test_an_api_view_with_its_own_multipart_parser_takes_uploads() -> None:
    from rest_framework.parsers import MultiPartParser
    from rest_framework.views import APIView

    class Upload(APIView):
        parser_classes = [MultiPartParser]

    class Plain(APIView):  # the default parsers (multipart among them) make no upload endpoint
        pass

    assert accepts_uploads(Upload.as_view()) and not accepts_uploads(Plain.as_view())
