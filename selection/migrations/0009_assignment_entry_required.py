import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("selection", "0008_assignments_into_stages")]
    operations = [
        migrations.AlterField(
            model_name="assignment",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="assignments", to="selection.stageentry"
            ),
        ),
        migrations.AlterField(
            model_name="assignment",
            name="stage",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="assignments", to="selection.reviewstage"
            ),
        ),
    ]
