import datetime

import pytest

from professions import services
from professions.models import Profession

pytestmark = pytest.mark.django_db

ORDER_DATE = datetime.date(2025, 3, 1)


def test_it_withdraws_listed_professions_by_an_order(profession, withdrawn_profession):
    changed = services.professions_withdraw(
        professions=[profession, withdrawn_profession], order_number="77", order_date=ORDER_DATE
    )
    assert changed == [profession]
    profession.refresh_from_db()
    withdrawn_profession.refresh_from_db()
    assert not profession.is_listed and profession.route == "standard"
    assert (profession.withdrawn_order_number, profession.withdrawn_order_date) == (
        "77",
        ORDER_DATE,
    )
    assert withdrawn_profession.withdrawn_order_number == "112"  # left as it was
    profession.full_clean()


def test_it_never_deletes_a_withdrawn_profession(profession):
    services.professions_withdraw(
        professions=[profession], order_number="77", order_date=ORDER_DATE
    )
    assert Profession.objects.filter(pk=profession.pk).exists()


def test_it_reinstates_withdrawn_professions_by_an_order(profession, withdrawn_profession):
    changed = services.professions_reinstate(
        professions=[profession, withdrawn_profession], order_number="90", order_date=ORDER_DATE
    )
    assert changed == [withdrawn_profession]
    withdrawn_profession.refresh_from_db()
    assert withdrawn_profession.is_listed and withdrawn_profession.route == "facilitated"
    assert withdrawn_profession.added_order_number == "90"
    assert withdrawn_profession.added_order_date == ORDER_DATE
    assert withdrawn_profession.withdrawn_order_number == ""
    assert withdrawn_profession.withdrawn_order_date is None
    withdrawn_profession.full_clean()


def test_it_lists_the_documents_of_each_route(document_types):
    both, standard_only = document_types
    assert both in services.route_documents("facilitated")
    assert standard_only not in services.route_documents("facilitated")
    assert {both, standard_only} <= set(services.route_documents("standard"))
    together = services.routes_documents(["facilitated", "standard"])
    assert together == {
        route: services.route_documents(route) for route in ("facilitated", "standard")
    }


def test_it_gives_open_data_only_for_professions_on_the_list(profession, withdrawn_profession):
    codes = {row["code"] for row in services.open_data_rows()}
    assert profession.code in codes and withdrawn_profession.code not in codes


def test_what_tables_leave_out_are_the_professions_own_columns():
    from professions.models import Profession, unshown

    names = unshown()
    assert {"description", "search_text"} <= set(names) and len(names) > 3
    for name in names:
        Profession._meta.get_field(name)  # each a real column, in every language registered
    assert unshown("profession__") == [f"profession__{name}" for name in names]
