"""The rules engine run on applications in the database: documents, area, coverage, stored result."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from portal.testing.world import World
from selection.actions.applications import do_attach_document, do_check_conditions
from selection.checks import params_for
from selection.models import ApplicationEvent, Call
from selection.tests.conftest import draft

pytestmark = pytest.mark.django_db


def by_condition(found: list[dict]) -> dict[str, dict]:
    return {c["condition"]: c for c in found}


@pytest.fixture(autouse=True)
def media(tmp_path) -> object:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def attach_all(app, actor) -> None:
    for kind in params_for(app).document_kinds:
        do_attach_document(actor, app, kind, SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4 test"))


def test_complete_application_meets_every_computed_condition(world: World, call: Call) -> None:
    app = draft(world, call)
    from accounts.models import User

    operator = User.objects.get(username="operator_sp")
    found = by_condition(do_check_conditions(operator, app, at=datetime.datetime(2015, 2, 1, tzinfo=datetime.UTC)))
    assert not found["documents"]["ok"] and "缺少" in found["documents"]["message"]
    attach_all(app, operator)
    found = by_condition(do_check_conditions(operator, app, at=datetime.datetime(2015, 2, 1, tzinfo=datetime.UTC)))
    assert all(c["ok"] for c in found.values()), found
    app.refresh_from_db()
    assert app.conditions and app.conditions_checked_at is not None
    assert app.events.filter(kind=ApplicationEvent.Kind.CHECKED).count() == 2


def test_exactly_twenty_thousand_square_metres_fails_and_says_so(world: World, call: Call) -> None:
    from accounts.models import User

    app = draft(world, call)
    app.area_m2 = Decimal("20000.00")
    app.save()
    operator = User.objects.get(username="operator_sp")
    found = by_condition(do_check_conditions(operator, app))
    assert not found["office_area"]["ok"]
    assert "20,000" in found["office_area"]["message"]


def test_a_region_covered_by_an_existing_base_cannot_apply(world: World, call: Call) -> None:
    from accounts.models import User

    # 荣昌区 already has a designated base; a candidate park in the same district may not apply.
    app = draft(world, call, base="rongchang", operator="operator_rc")
    assert by_condition(do_check_conditions(User.objects.get(username="operator_rc"), app))["not_covered"]["ok"]
    world.bases["xuzhou"].covered_regions.add(world.regions["500106"])  # covers 沙坪坝
    app2 = draft(world, call)
    found = by_condition(do_check_conditions(User.objects.get(username="operator_sp"), app2))
    assert not found["not_covered"]["ok"]


def test_documents_only_while_drafting_and_only_known_kinds(world: World, call: Call) -> None:
    from accounts.models import User
    from core.errors import ActionError, NotAllowedError
    from selection.actions.applications import do_recommend

    app = draft(world, call)
    operator = User.objects.get(username="operator_sp")
    with pytest.raises(ActionError):
        do_attach_document(operator, app, "no_such_kind", SimpleUploadedFile("x.pdf", b"x"))
    with pytest.raises(NotAllowedError):
        do_attach_document(world.user("operator_rc"), app, "development_plan", SimpleUploadedFile("x.pdf", b"x"))
    do_recommend(world.user("prov_cq"), app, rank=1)
    kind = next(iter(params_for(app).document_kinds))
    with pytest.raises(ActionError) as err:
        do_attach_document(operator, app, kind, SimpleUploadedFile("x.pdf", b"x"))
    assert err.value.code == "not_draft"
