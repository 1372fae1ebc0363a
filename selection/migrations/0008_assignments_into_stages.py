"""Assignments made before review stages existed belong to the preliminary stage of their call."""

from django.db import migrations

RUBRIC = [
    {"key": "basis", "label": "创建基础", "max": "25"},
    {"key": "environment", "label": "基础环境", "max": "10"},
    {"key": "goals", "label": "创建目标", "max": "15"},
    {"key": "contents", "label": "创建内容", "max": "25"},
    {"key": "safeguards", "label": "保障措施", "max": "10"},
    {"key": "implementation", "label": "实施计划及阶段目标", "max": "15"},
]


def forwards(apps, schema_editor):
    Assignment = apps.get_model("selection", "Assignment")
    ReviewStage = apps.get_model("selection", "ReviewStage")
    StageEntry = apps.get_model("selection", "StageEntry")
    for assignment in Assignment.objects.filter(entry__isnull=True).select_related("application"):
        stage, _ = ReviewStage.objects.get_or_create(
            call_id=assignment.application.call_id, kind="preliminary", defaults={"rubric": RUBRIC}
        )
        entry, _ = StageEntry.objects.get_or_create(stage=stage, application_id=assignment.application_id)
        assignment.stage = stage
        assignment.entry = entry
        assignment.save(update_fields=["stage", "entry"])


class Migration(migrations.Migration):
    dependencies = [("selection", "0007_review_stages_and_notice")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
