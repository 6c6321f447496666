"""Give "Catalogue editors" and "Reviewers" their permissions on professions and spheres.

Re-applies portal.roles.GROUP_PERMISSIONS now that the profession models exist.
"""

from django.db import migrations

from portal.accounts.roles import apply_groups


class Migration(migrations.Migration):
    dependencies = [
        ("professions", "0002_seed_catalogue"),
        ("portal", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(apply_groups, migrations.RunPython.noop)]
