"""The workflow kernel: every status moves through core.workflow by the table beside its model, and
every timeline is one mechanism."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test import override_settings

from core import tasks, workflow
from core.errors import ActionError
from core.models import Job, TimelineEvent
from portal.testing.world import World

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {"core", "accounts", "regions", "registry", "selection", "policies"}


def _source_files() -> list[Path]:
    skipped = {".venv", "node_modules", "migrations", "tests", "var", "static"}
    return [
        p
        for p in ROOT.rglob("*.py")
        if not skipped & set(p.relative_to(ROOT).parts) and p.name != "conftest.py" and p != ROOT / "core/workflow.py"
    ]


def status_writes(tree: ast.AST) -> list[int]:
    """Lines that set a `status` by hand: `x.status = …` (also in a tuple), `setattr(x, "status", …)`,
    `….update(status=…)` / `update_or_create(…, status=…)` / `bulk_update(…, ["status"])`."""
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for t in target.elts if isinstance(target, ast.Tuple | ast.List) else [target]:
                if isinstance(t, ast.Attribute) and t.attr == "status":
                    lines.append(t.lineno)
        if isinstance(node, ast.Call):
            func, args = node.func, node.args
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("update", "update_or_create") and any(k.arg == "status" for k in node.keywords):
                lines.append(node.lineno)
            if name == "setattr" and len(args) > 1 and isinstance(args[1], ast.Constant) and args[1].value == "status":
                lines.append(node.lineno)
            if name == "bulk_update" and "'status'" in ast.unparse(node):
                lines.append(node.lineno)
    return lines


def test_the_scan_sees_every_way_of_setting_a_status_by_hand() -> None:
    code = """
app.status = "approved"
app.status, app.note = "approved", ""
setattr(app, "status", "approved")
Application.objects.filter(pk=1).update(status="approved")
Application.objects.bulk_update(apps, ["status"])
app = Application(status="draft")  # creation in an initial status is fine
"""
    assert status_writes(ast.parse(code)) == [2, 3, 4, 5, 6]


def test_no_code_outside_the_kernel_sets_a_status() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _source_files()
        for line in status_writes(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "set statuses through core.workflow.create/transition, by the model's table"


def workflow_models() -> list[type[models.Model]]:
    """Project models with a `status` field of fixed choices."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "status"), None)
        if field is not None and field.choices:
            found.append(model)
    return found


def test_every_status_has_its_table_beside_its_model() -> None:
    models_found = workflow_models()
    assert {m.__name__ for m in models_found} >= {
        "Application", "Call", "ReviewStage", "Notice", "Objection", "AwardApplication", "PolicyPack", "Base", "Job",
    }  # fmt: skip
    for model in models_found:
        table = workflow.transitions_of(model)
        field = model._meta.get_field("status")
        assert isinstance(field, models.Field) and field.choices
        assert set(table) == {str(value) for value, _label in field.choices}, model
        assert str(field.default) in table.initial, model  # the default status is one it may be created in
        assert not field.editable or model is Job, model  # forms and serializers never write it


def test_a_table_names_every_status_once() -> None:
    with pytest.raises(ImproperlyConfigured):
        workflow.Transitions(Job.Status, {Job.Status.PENDING: {Job.Status.RUNNING}}, initial={"pending"}, noun="任务")
    with pytest.raises(ImproperlyConfigured):
        workflow.Transitions(
            Job.Status, {s: {"lost"} for s in Job.Status.values}, initial={Job.Status.PENDING}, noun="任务"
        )


def test_every_timeline_names_the_object_it_belongs_to() -> None:
    timelines = [m for m in apps.get_models() if issubclass(m, TimelineEvent)]
    assert {m.__name__ for m in timelines} >= {"ApplicationEvent", "AwardEvent", "BaseStatusChange"}
    for timeline in timelines:
        subject = timeline._meta.get_field(timeline.subject_field)
        assert isinstance(subject, models.ForeignKey), timeline
        assert workflow.timeline_of(subject.related_model) is timeline
        kind = timeline._meta.get_field(timeline.kind_field)
        assert isinstance(kind, models.CharField) and kind.choices, timeline  # shown in words, never as a code


def succeed(job: Job) -> None:
    job.result = {"message": "好"}


def fail(job: Job) -> None:
    workflow.transition(job, Job.Status.FAILED, None, result={"message": "文件有错误"})


def crash(job: Job) -> None:
    raise RuntimeError("boom")


@pytest.mark.django_db
@override_settings(ECBASE_TASKS_RAISE=False)
@pytest.mark.parametrize(
    ("fn", "status"),
    [("succeed", Job.Status.SUCCEEDED), ("fail", Job.Status.FAILED), ("crash", Job.Status.ERROR)],
)
def test_a_job_moves_by_its_table_to_a_final_status(world: World, fn: str, status: str) -> None:
    job = Job.objects.create(kind="test", owner=world.user("ministry"))
    tasks.run(job.pk, f"core.tests.test_workflow.{fn}")
    job.refresh_from_db()
    assert job.status == status and job.started is not None and job.finished is not None
    with pytest.raises(ActionError) as err:  # a finished job is not run again
        tasks.run(job.pk, "core.tests.test_workflow.succeed")
    assert err.value.code == "invalid_transition"
    assert "后台任务当前状态为" in err.value.message
