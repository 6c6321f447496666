"""Reviewers verify or refuse organisations: the staff groups re-applied (portal/accounts/roles.py).

It runs after every app's models exist, so the groups get exactly GROUP_PERMISSIONS.
"""

from django.db import migrations

from portal.accounts.roles import apply_groups


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_employer_verification"),
        ("permits", "0004_staff_groups"),
        ("professions", "0003_staff_groups"),
        ("stays", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(apply_groups, migrations.RunPython.noop)]
