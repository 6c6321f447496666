"""Who may do what with the catalogue: the one place where the professions app decides access.

The public pages (catalogue, detail, open data, eligibility check) are open to everyone,
signed in or not. The catalogue is kept in the Django admin, by the model permissions that
``portal.roles`` grants: "Catalogue editors" view, add and change professions and spheres;
"Reviewers" only view them. Nobody deletes a profession: it is withdrawn instead.
"""

from __future__ import annotations

from typing import Any


def can_change_listing(user: Any) -> bool:
    """Withdraw or reinstate professions (admin bulk actions)."""
    return bool(user.is_active and user.is_staff and user.has_perm("professions.change_profession"))


def can_import(user: Any) -> bool:
    """Import a file of professions: it may add rows and change existing ones."""
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm("professions.add_profession")
        and user.has_perm("professions.change_profession")
    )


def can_export(user: Any) -> bool:
    """Export the whole catalogue, withdrawn professions included, from the admin."""
    return bool(user.is_active and user.is_staff and user.has_perm("professions.view_profession"))
