"""Ministry staff roles: each group and exactly the model permissions it needs.

Groups are applied by data migrations (``apply_groups``), numbered as the models grow, so that
every install (demo, tests, production) has the same roles. Grant a role to a person in the admin:
Users → the person → tick "Staff status" and add the group.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions

REVIEWERS = "Reviewers"
CATALOGUE_EDITORS = "Catalogue editors"

# group -> {"app_label.model": [actions]}
GROUP_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    REVIEWERS: {
        "permits.application": ["view", "change"],
        "permits.document": ["view"],
        "permits.statuschange": ["view"],
        # Revoked with the "Revoke the permit" move of the application's change page.
        "permits.permit": ["view", "revoke"],
        "permits.documenttype": ["view"],
        "professions.profession": ["view"],
        "professions.sphere": ["view"],
        "stays.countryrule": ["view"],
        "permits.permitrules": ["view"],
        # Organisations: verified or refused with the buttons of the change page.
        "portal.employer": ["view", "change"],
        "portal.employerstatuschange": ["view"],
        "arrivals.workingdaychange": ["view"],
    },
    CATALOGUE_EDITORS: {
        "professions.profession": ["view", "add", "change"],
        "professions.sphere": ["view", "add", "change"],
        "stays.countryrule": ["view", "add", "change"],
        "permits.documenttype": ["view", "add", "change"],
        # Moved days off and working Saturdays, as the government announces them (a wrong one
        # is corrected, not deleted, like every catalogue row).
        "arrivals.workingdaychange": ["view", "add", "change"],
        # The decision period and the passport margin: one row, changed, never added or deleted.
        "permits.permitrules": ["view", "change"],
    },
}


def apply_groups(apps: Any, schema_editor: Any = None) -> None:
    """Create the staff groups and set their permissions to exactly GROUP_PERMISSIONS.

    Usable as a ``RunPython`` function: model permissions are created first, since Django
    otherwise makes them only after all migrations have run. Models not installed yet are skipped.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for model_key, actions in grants.items():
            app_label, model = model_key.split(".")
            for action in actions:
                perm = Permission.objects.filter(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                ).first()
                if perm is not None:
                    wanted.append(perm)
        group.permissions.set(wanted)
