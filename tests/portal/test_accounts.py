import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.accounts.roles import GROUP_PERMISSIONS
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_resets_a_password_by_email(client, applicant, mailoutbox):
    client.post(reverse("password_reset"), {"email": applicant.email})
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Brand-New-Pass-42", "new_password2": "Brand-New-Pass-42"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("login"), {"username": applicant.email, "password": "Brand-New-Pass-42"}
    )
    assert response.status_code == 302 and response.url == reverse("portal:dashboard")


def test_it_does_not_reveal_whether_an_address_has_an_account(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.kz"})
    assert response.status_code == 302 and mailoutbox == []


def test_it_changes_a_password(client, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Pass-88",
            "new_password2": "Another-Pass-88",
        },
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password("Another-Pass-88")


def test_it_saves_the_profile_language(client, applicant):
    client.force_login(applicant)
    client.post(
        reverse("portal:profile"),
        {"full_name": "Alice A", "citizenship": "FR", "preferred_language": "ru"},
    )
    applicant.refresh_from_db()
    assert (applicant.full_name, applicant.citizenship, applicant.preferred_language) == (
        "Alice A",
        "FR",
        "ru",
    )


@pytest.mark.parametrize("group_name", list(GROUP_PERMISSIONS))
def test_it_gives_each_staff_group_exactly_its_permissions(group_name):
    group = Group.objects.get(name=group_name)
    got = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    expected = set()
    for model_key, actions in GROUP_PERMISSIONS[group_name].items():
        app_label, model = model_key.split(".")
        for action in actions:
            if Permission.objects.filter(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            ).exists():
                expected.add(f"{app_label}.{action}_{model}")
    assert got == expected
    assert not any(".delete_" in p for p in got)
    # In the portal app, only organisations (verified or refused by reviewers): never users,
    # sponsorships or notifications.
    portal = {p for p in got if p.startswith("portal.")}
    assert portal <= {
        "portal.view_employer",
        "portal.change_employer",
        "portal.view_employerstatuschange",
    }
