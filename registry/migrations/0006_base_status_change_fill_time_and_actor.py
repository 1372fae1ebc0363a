"""Fill the base status history's new `time` (when it was recorded) from `created`, and `actor`
from the change-log row that recorded its creation. Apart from 0005: on PostgreSQL, rows written
in the migration that adds the foreign key would block its deferred index."""

from django.conf import settings
from django.db import migrations, models


def fill_time_and_actor(apps, schema_editor):
    BaseStatusChange = apps.get_model("registry", "BaseStatusChange")
    ChangeLog = apps.get_model("core", "ChangeLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    BaseStatusChange.objects.update(time=models.F("created"))
    ct = ContentType.objects.filter(app_label="registry", model="basestatuschange").first()
    if ct is None:
        return
    users = set(User.objects.values_list("pk", flat=True))
    creators = {
        object_id: actor_id
        for object_id, actor_id in ChangeLog.objects.filter(
            content_type_id=ct.pk, action="create", actor_id__isnull=False
        ).values_list("object_id", "actor_id")
        if actor_id in users
    }
    for change in BaseStatusChange.objects.filter(pk__in=[int(k) for k in creators if k.isdigit()]):
        change.actor_id = creators[str(change.pk)]
        change.save(update_fields=["actor"])


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_calendar"),
        ("registry", "0005_base_status_change_timeline"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(fill_time_and_actor, migrations.RunPython.noop)]
