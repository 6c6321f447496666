"""Mark each person's newest application and newest application with a permit (what an
employer's staff table joins), for the applications already there."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def mark(apps, schema_editor):
    Application = apps.get_model("permits", "Application")
    newest = Application.objects.filter(applicant=OuterRef("applicant")).order_by(
        "-created_at", "-pk"
    )
    Application.objects.filter(pk=Subquery(newest.values("pk")[:1])).update(is_latest=True)
    with_permit = Application.objects.filter(
        applicant=OuterRef("applicant"), permit__isnull=False
    ).order_by("-permit__issue_date", "-permit__pk")
    Application.objects.filter(
        permit__isnull=False, pk=Subquery(with_permit.values("pk")[:1])
    ).update(holds_latest_permit=True)


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0010_document_type_permit_term"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="holds_latest_permit",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="application",
            name="is_latest",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_latest", True)),
                fields=("applicant",),
                name="one_latest_application_per_applicant",
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(("holds_latest_permit", True)),
                fields=("applicant",),
                name="one_latest_permit_per_applicant",
            ),
        ),
    ]
