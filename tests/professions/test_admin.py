import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from professions.models import Profession, Sphere

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:professions_profession_changelist")
ADD = reverse("admin:professions_profession_add")


def _form_data(sphere, **changes):
    data = {
        "code": "9998-1-001",
        "title_en": "Glacier hydrologist",
        "title_ru": "Гидролог-гляциолог",
        "title_kk": "Гидролог-гляциолог",
        "description_en": "Studies glaciers.",
        "description_ru": "",
        "description_kk": "",
        "sphere": sphere.pk,
        "min_education": "postgraduate",
        "min_experience_years": "2",
        "is_listed": "on",
        "added_order_number": "150",
        "added_order_date": "2025-01-15",
        "withdrawn_order_number": "",
        "withdrawn_order_date": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- Who may do what -------------------------------------------------------------------------


def test_it_keeps_applicants_and_employers_out_of_the_admin(client, applicant, employer_user):
    for user in (applicant, employer_user):
        client.force_login(user)
        response = client.get(CHANGELIST)
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_it_lets_a_reviewer_read_but_not_add_or_change(client, reviewer, profession):
    client.force_login(reviewer)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(ADD).status_code == 403
    change = reverse("admin:professions_profession_change", args=[profession.pk])
    response = client.post(change, _form_data(profession.sphere, code=profession.code))
    assert response.status_code == 403
    profession.refresh_from_db()
    assert profession.title_en == "Quantum cartographer"
    assert client.get(reverse("admin:professions_sphere_add")).status_code == 403


def test_it_offers_a_reviewer_no_withdrawal_and_no_import(client, reviewer, profession):
    client.force_login(reviewer)
    html = client.get(CHANGELIST).content.decode()
    assert 'value="withdraw"' not in html and 'value="reinstate"' not in html
    assert client.get(reverse("admin:professions_profession_import")).status_code == 403
    response = client.post(
        CHANGELIST,
        {
            "action": "withdraw",
            "_selected_action": [profession.pk],
            "apply": "1",
            "order_number": "1",
            "order_date": "2025-01-01",
        },
    )
    profession.refresh_from_db()
    assert profession.is_listed
    assert response.status_code in (200, 302)


def test_it_lets_a_catalogue_editor_add_a_profession(client, catalogue_editor, sphere):
    client.force_login(catalogue_editor)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, _form_data(sphere))
    assert response.status_code == 302, response.context["adminform"].form.errors
    profession = Profession.objects.get(code="9998-1-001")
    assert profession.title_ru == "Гидролог-гляциолог" and profession.sphere == sphere


def test_it_lets_a_catalogue_editor_change_a_profession(client, catalogue_editor, profession):
    client.force_login(catalogue_editor)
    change = reverse("admin:professions_profession_change", args=[profession.pk])
    response = client.post(
        change, _form_data(profession.sphere, code=profession.code, title_kk="Жаңа атау")
    )
    assert response.status_code == 302
    profession.refresh_from_db()
    assert profession.title_kk == "Жаңа атау"


def test_it_lets_a_catalogue_editor_add_a_sphere(client, catalogue_editor):
    client.force_login(catalogue_editor)
    response = client.post(
        reverse("admin:professions_sphere_add"),
        {
            "name_en": "Agriculture",
            "name_ru": "Сельское хозяйство",
            "name_kk": "Ауыл шаруашылығы",
            "slug": "agriculture",
            "position": "60",
        },
    )
    assert response.status_code == 302
    assert Sphere.objects.get(slug="agriculture").name_kk == "Ауыл шаруашылығы"


def test_it_refuses_an_english_title_left_empty(client, catalogue_editor, sphere):
    client.force_login(catalogue_editor)
    response = client.post(ADD, _form_data(sphere, title_en=""))
    assert response.status_code == 200
    assert "title_en" in response.context["adminform"].form.errors
    assert not Profession.objects.filter(code="9998-1-001").exists()


def test_it_refuses_a_withdrawn_profession_without_its_order(client, catalogue_editor, sphere):
    client.force_login(catalogue_editor)
    response = client.post(ADD, _form_data(sphere, is_listed=None))
    assert response.status_code == 200
    assert "withdrawn_order_number" in response.context["adminform"].form.errors


def test_it_lets_nobody_delete_a_profession(client, catalogue_editor, admin_user, profession):
    for user in (catalogue_editor, admin_user):
        client.force_login(user)
        delete = reverse("admin:professions_profession_delete", args=[profession.pk])
        assert client.get(delete).status_code == 403
    assert Profession.objects.filter(pk=profession.pk).exists()


# --- Search and filters ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["9999-1", "QUANTUM", "квантовый", "КВАНТТЫҚ"])
def test_it_searches_by_code_and_title_in_any_language(client, catalogue_editor, profession, text):
    client.force_login(catalogue_editor)
    response = client.get(CHANGELIST, {"q": text})
    assert list(response.context["cl"].result_list) == [profession]


def test_it_filters_by_sphere_and_status(
    client, catalogue_editor, profession, withdrawn_profession
):
    client.force_login(catalogue_editor)
    response = client.get(CHANGELIST, {"sphere__id__exact": profession.sphere.pk})
    assert set(response.context["cl"].result_list) == {profession, withdrawn_profession}
    response = client.get(CHANGELIST, {"status": "withdrawn"})
    assert list(response.context["cl"].result_list) == [withdrawn_profession]
    response = client.get(CHANGELIST, {"status": "listed", "q": "quantum"})
    assert list(response.context["cl"].result_list) == [profession]


def test_it_lists_the_catalogue_in_a_fixed_number_of_queries(
    client, catalogue_editor, django_assert_max_num_queries
):
    client.force_login(catalogue_editor)
    with django_assert_max_num_queries(15):
        assert client.get(CHANGELIST).status_code == 200


# --- Withdraw and reinstate ------------------------------------------------------------------


def _action(client, action, professions, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in professions], **extra}
    return client.post(CHANGELIST, data)


def test_it_asks_for_the_order_before_withdrawing(client, catalogue_editor, profession):
    client.force_login(catalogue_editor)
    response = _action(client, "withdraw", [profession])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="order_number"' in html and 'name="order_date"' in html
    assert str(profession) in html
    profession.refresh_from_db()
    assert profession.is_listed


def test_it_withdraws_professions_with_the_order(client, catalogue_editor, profession):
    client.force_login(catalogue_editor)
    response = _action(
        client,
        "withdraw",
        [profession],
        apply="1",
        order_number="201",
        order_date="2025-05-05",
    )
    assert response.status_code == 302
    profession.refresh_from_db()
    assert not profession.is_listed
    assert profession.withdrawn_order_number == "201"
    assert str(profession.withdrawn_order_date) == "2025-05-05"
    entry = LogEntry.objects.get(object_id=str(profession.pk))
    assert "Withdrawn by Order No. 201" in entry.get_change_message()


def test_it_asks_again_when_the_order_is_incomplete(client, catalogue_editor, profession):
    client.force_login(catalogue_editor)
    response = _action(client, "withdraw", [profession], apply="1", order_number="", order_date="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    profession.refresh_from_db()
    assert profession.is_listed


def test_it_refuses_a_withdrawal_dated_before_the_order_that_added_it(
    client, catalogue_editor, profession
):
    client.force_login(catalogue_editor)
    response = _action(
        client, "withdraw", [profession], apply="1", order_number="3", order_date="2020-01-01"
    )
    assert response.status_code == 200
    assert "cannot precede" in response.content.decode()
    profession.refresh_from_db()
    assert profession.is_listed


def test_it_reinstates_professions_with_the_order(
    client, catalogue_editor, profession, withdrawn_profession
):
    client.force_login(catalogue_editor)
    response = _action(
        client,
        "reinstate",
        [profession, withdrawn_profession],
        apply="1",
        order_number="300",
        order_date="2025-09-01",
    )
    assert response.status_code == 302
    withdrawn_profession.refresh_from_db()
    assert withdrawn_profession.is_listed
    assert withdrawn_profession.added_order_number == "300"
    assert withdrawn_profession.withdrawn_order_number == ""
    profession.refresh_from_db()
    assert profession.added_order_number == "49"  # already listed: untouched


def test_it_says_so_when_nothing_selected_can_be_withdrawn(
    client, catalogue_editor, withdrawn_profession
):
    client.force_login(catalogue_editor)
    response = _action(client, "withdraw", [withdrawn_profession])
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "None of the selected professions is on the list." in messages
