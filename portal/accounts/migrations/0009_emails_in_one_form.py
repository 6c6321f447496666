"""Every stored e-mail address in its one normal form (stripped, lower case): logins look the
address up exactly (``UserManager.get_by_natural_key``). An address that would collide with
another account's is left as it is (none is expected: sign-up refused such duplicates)."""

from django.db import migrations


def lower_emails(apps, schema_editor):
    User = apps.get_model("portal", "User")
    taken = set(User.objects.values_list("email", flat=True))
    for user in User.objects.all().only("pk", "email"):
        normal = user.email.strip().lower()
        if normal != user.email and normal not in taken:
            User.objects.filter(pk=user.pk).update(email=normal)
            taken.add(normal)


class Migration(migrations.Migration):
    dependencies = [("portal", "0008_login_failure")]

    operations = [migrations.RunPython(lower_emails, migrations.RunPython.noop)]
