"""Staff groups "Reviewers" and "Catalogue editors" (see portal/accounts/roles.py).

Re-applied by a later migration each time the models they cover change.
"""

from django.db import migrations

from portal.accounts.roles import apply_groups


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(apply_groups, migrations.RunPython.noop)]
