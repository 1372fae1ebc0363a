"""The base's status history becomes a timeline like the application's and the award's
(core.models.TimelineEvent): `note` is renamed `message`, and it gains `time` and `actor`
(filled by the next migration)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0004_base_targets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="basestatuschange", old_name="note", new_name="message"),
        migrations.AddField(
            model_name="basestatuschange",
            name="time",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="basestatuschange",
            name="actor",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
    ]
