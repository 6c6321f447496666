import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "dashboard"),
    [
        ("applicant", "portal:applicant_dashboard"),
        ("employer_user", "portal:employer_dashboard"),
        ("reviewer", "portal:staff_dashboard"),
        ("catalogue_editor", "portal:staff_dashboard"),
    ],
)
def test_it_lands_each_role_on_its_own_dashboard(client, request, who, dashboard):
    user = request.getfixturevalue(who)
    response = client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(dashboard)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "portal:applicant_dashboard",
        "portal:employer_dashboard",
        "portal:staff_dashboard",
        "portal:profile",
    ],
)
def test_it_sends_anonymous_visitors_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_refuses_the_staff_dashboard_to_applicants_and_employers(
    client, applicant, employer_user
):
    for user in (applicant, employer_user):
        client.force_login(user)
        assert client.get(reverse("portal:staff_dashboard")).status_code == 403


def test_it_shows_an_employer_only_their_organisation(client, employer_user, other_employer_user):
    client.force_login(employer_user)
    html = client.get(reverse("portal:employer_dashboard")).content.decode()
    assert employer_user.employer.name in html
    assert other_employer_user.employer.name not in html


def test_it_shows_staff_only_the_parts_of_their_role(client, reviewer, catalogue_editor):
    client.force_login(reviewer)
    assert "Permit applications" in client.get(reverse("portal:staff_dashboard")).content.decode()
    client.force_login(catalogue_editor)
    html = client.get(reverse("portal:staff_dashboard")).content.decode()
    assert "Catalogue and country rules" in html and "Permit applications" not in html
