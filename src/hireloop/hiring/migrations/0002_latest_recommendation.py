from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def copy_latest_recommendations(apps, schema_editor):
    """Each application takes the recommendation of its newest submitted scorecard."""
    application = apps.get_model("hiring", "Application")
    feedback = apps.get_model("interviews", "Feedback")
    newest = feedback.objects.filter(
        interview__application=OuterRef("pk"), status="submitted"
    ).order_by("-submitted_at", "-pk")
    application.objects.update(
        latest_recommendation=Coalesce(Subquery(newest.values("recommendation")[:1]), Value("")),
        latest_recommendation_at=Subquery(newest.values("submitted_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0001_initial"),
        ("interviews", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="latest_recommendation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("strong_hire", "Strong hire"),
                    ("hire", "Hire"),
                    ("no_hire", "No hire"),
                    ("strong_no_hire", "Strong no hire"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="latest_recommendation_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(copy_latest_recommendations, migrations.RunPython.noop),
    ]
