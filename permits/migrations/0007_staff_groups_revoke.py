"""Reviewers may revoke issued permits: the staff groups re-applied (portal/accounts/roles.py).

It runs after every app's models exist, so the groups get exactly GROUP_PERMISSIONS.
"""

from django.db import migrations

from portal.accounts.roles import apply_groups


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0006_permit_revocation"),
        ("portal", "0008_login_failure"),
        ("professions", "0004_updated_at"),
        ("stays", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(apply_groups, migrations.RunPython.noop)]
