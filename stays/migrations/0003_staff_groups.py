"""Re-apply the staff groups now that the country rules exist (see portal/accounts/roles.py)."""

from django.db import migrations

from portal.accounts.roles import apply_groups


class Migration(migrations.Migration):
    dependencies = [
        ("stays", "0002_seed_country_rules"),
        ("portal", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(apply_groups, migrations.RunPython.noop)]
