"""Give the staff groups the permissions of the application models (see portal/accounts/roles.py)."""

from django.db import migrations

from portal.accounts.roles import apply_groups


class Migration(migrations.Migration):
    dependencies = [("permits", "0003_applications"), ("portal", "0003_notification")]
    operations = [migrations.RunPython(apply_groups, migrations.RunPython.noop)]
