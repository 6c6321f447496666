"""Every permit issued before this app gets its verification codes (later ones get them when
they are issued: permits.services.permit_issue)."""

from django.db import migrations

from verification import codes


def codes_for_permits(apps, schema_editor):
    Permit = apps.get_model("permits", "Permit")
    IssuedDocument = apps.get_model("verification", "IssuedDocument")
    for permit in Permit.objects.filter(verification__isnull=True).select_related("application"):
        IssuedDocument.objects.create(
            kind="permit",
            permit=permit,
            holder_id=permit.application.applicant_id,
            token=codes.new_token(),
            short_code=codes.new_short_code(),
        )


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_initial")]

    operations = [migrations.RunPython(codes_for_permits, migrations.RunPython.noop)]
