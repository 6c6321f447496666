"""Re-apply the staff groups now that the working-day corrections exist (see portal/roles.py)."""

from django.db import migrations

from portal.accounts.roles import apply_groups


class Migration(migrations.Migration):
    dependencies = [
        ("arrivals", "0001_initial"),
        ("stays", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(apply_groups, migrations.RunPython.noop)]
