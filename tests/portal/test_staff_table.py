"""The employer's staff table and needs-attention lists written by ``staff_table`` are the markup
the template loop wrote (kept here as the reference), in kk, ru and en, for every kind of row."""

import re
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.organisations.models import Sponsorship
from portal.workspace import staff
from portal.workspace.staff import StaffRow

REFERENCE_ROWS = Template(
    """{% load i18n %}{% translate "submitted" as submitted_word %}{% translate "decided" as decided_word %}{% translate "valid until" as valid_until_word %}{% translate "End sponsorship" as end_label %}
    {% for r in rows %}
      <tr>
        <td><a href="{{ r.person_url }}">{{ r.name }}</a><br><small class="text-body-secondary">{{ r.email }}</small></td>
        <td>{{ r.citizenship_name }}</td>
        <td>{{ r.profession|default:"—" }}</td>
        <td>{% if r.app_status %}{{ r.app_number }}<br>{{ r.status_label }}<br><small>{% with submitted=r.submitted_on decided=r.decided_on %}{% if submitted %}{{ submitted_word }} {{ submitted|date:"SHORT_DATE_FORMAT" }}{% endif %}{% if decided %}, {{ decided_word }} {{ decided|date:"SHORT_DATE_FORMAT" }}{% endif %}{% endwith %}</small>{% else %}—{% endif %}</td>
        <td>{% if r.permit_number %}{{ r.permit_number }}<br><small>{{ valid_until_word }} {{ r.permit_until|date:"SHORT_DATE_FORMAT" }}</small>{% else %}—{% endif %}</td>
        <td>{{ r.passport_expiry|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
        <td>{% if r.has_status %}{{ r.days_left }}{% else %}—{% endif %}</td>
        <td>{{ r.must_leave_by|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
        <td>{% if r.violations %}<span class="badge bg-danger">{{ r.violations }}</span>{% else %}0{% endif %}</td>
        <td><form method="post" action="{{ r.end_url }}">{% csrf_token %}<button class="btn btn-sm btn-outline-danger">{{ end_label }}</button></form></td>
      </tr>
    {% endfor %}"""  # noqa: E501
)
REFERENCE_ITEMS = """{% for r in block.rows %}<li>{{ r.name }}{% if block.kind == "permit_expiring" %}: {{ r.permit_until|date:"DATE_FORMAT" }}{% elif block.kind == "passport_before_permit" %}: {{ r.passport_expiry|date:"DATE_FORMAT" }}{% elif block.kind == "must_leave" %}: {{ r.latest_exit_date|date:"DATE_FORMAT" }}{% elif block.kind == "violations" %}: {{ r.violations }}{% endif %}</li>{% endfor %}"""  # noqa: E501
REFERENCE_CARDS = Template(
    """{% load i18n %}{% for block in attention %}
    <div class="col-md-6 col-xl-3"><div class="card h-100{% if block.rows %} border-warning{% endif %}"><div class="card-body">
      <h3 class="h6">{{ block.label }} <span class="badge {% if block.rows %}bg-warning text-dark{% else %}bg-secondary{% endif %}">{{ block.count }}</span></h3>
      <ul class="list-unstyled small mb-0">
        {% if block.rows %}ITEMS{% else %}<li>{% translate "None." %}</li>{% endif %}
      </ul>
      {% if block.more %}<a href="?attention={{ block.kind }}">{% translate "See all" %}</a>{% endif %}
    </div></div></div>
  {% endfor %}""".replace("ITEMS", REFERENCE_ITEMS)  # noqa: E501
)
REFERENCE_COUNTS = Template(
    """{% load i18n %}{% for status, label, n in counts %}
      <li class="list-inline-item"><a class="btn btn-outline-primary btn-sm" href="?status={{ status|default:'none' }}">{{ label }} (<strong>{{ n }}</strong>)</a></li>
    {% empty %}<li class="list-inline-item">{% translate "You sponsor no one yet." %}</li>{% endfor %}"""  # noqa: E501
)
TAG_ROWS = Template("{% load staff_table %}{% staff_table_rows rows %}")
TAG_CARDS = Template("{% load staff_table %}{% attention_cards attention %}")
TAG_COUNTS = Template("{% load staff_table %}{% state_counts counts %}")


def _rows():
    base = {"person_url": "/stays/person/7/?a=1&b=2", "end_url": "/sponsorship/3/end/"}
    return [
        StaffRow(1, 7, "Ana <b>Lima</b> & \"Co\" 'x'", "ana@example.kz", "BR", **base),
        StaffRow(
            2,
            8,
            "Айгүл Серік",
            "a@example.kz",
            "",
            app_number="RP-2026-000001",
            app_status="submitted",
            submitted_on=date(2026, 1, 5),
            profession="Инженер <химик>",
            has_status=True,
            in_country=True,
            days_left=1234,
            latest_exit_date=date(2026, 12, 24),
            violations=2,
            **base,
        ),
        StaffRow(
            3,
            9,
            "Hans",
            "h@example.kz",
            "DE",
            app_number="RP-2026-000002",
            app_status="approved",
            submitted_on=date(2026, 1, 5),
            decided_on=date(2026, 2, 28),
            permit_number="KZ-RP-2026-0000002",
            permit_until=date(2036, 2, 27),
            passport_expiry=date(2031, 5, 1),
            profession="Welder",
            has_status=True,
            in_country=False,
            days_left=0,
            latest_exit_date=date(2026, 3, 1),
            **base,
        ),
        StaffRow(
            4,
            10,
            "Wei",
            "w@example.kz",
            "CN",
            app_number="RP-2026-000003",
            app_status="draft",
            decided_on=date(2026, 2, 1),
            **base,
        ),
    ]


def _same(html):
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_rows_are_the_templates(language):
    context = {"rows": _rows(), "csrf_token": "tok&<en>"}
    with translation.override(language):
        expected = _same(REFERENCE_ROWS.render(Context(context)))
        written = _same(TAG_ROWS.render(Context(context)))
    assert written == expected
    assert "&lt;b&gt;" in written and "<b>" not in written
    assert 'value="tok&amp;&lt;en&gt;"' in written


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_attention_cards_are_the_templates(language):
    rows = [r for r in _rows() if r.permit_until or r.latest_exit_date] + _rows()[:1]
    for r in rows:
        r.permit_until = r.permit_until or date(2027, 1, 9)
        r.passport_expiry = r.passport_expiry or date(2027, 5, 3)
        r.latest_exit_date = r.latest_exit_date or date(2026, 7, 1)
    kinds = ["permit_expiring", "passport_before_permit", "must_leave", "violations", "other"]
    attention = [
        {
            "kind": kind,
            "label": f"<{kind}> & label",
            "rows": rows[: n + 1] if n % 2 else [],
            "count": 1234 * n,
            "more": n == 3,
        }
        for n, kind in enumerate(kinds)
    ]
    context = {"attention": attention}
    with translation.override(language):
        written = TAG_CARDS.render(Context(context))
        assert _same(written) == _same(REFERENCE_CARDS.render(Context(context)))
    assert "<other>" not in written and "&lt;other&gt;" in written
    assert written.count("card-body") == len(kinds)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "counts", [[], [(None, "Өтініш жоқ", 3), ("submitted", "Sent <b>&</b>", 1200)]]
)
def test_the_state_counts_are_the_templates(language, counts):
    context = {"counts": counts}
    with translation.override(language):
        written = TAG_COUNTS.render(Context(context))
        assert _same(written) == _same(REFERENCE_COUNTS.render(Context(context)))
    assert "<b>" not in written
    # Inline buttons: a space between each, as the template's line breaks made.
    assert written.count("</li>\n<li") == max(len(counts) - 1, 0)


REFERENCE_INVITATIONS = Template(
    """{% load i18n %}{% for inv in invitations %}<li>{{ inv.email }} · {% translate "invited" %} {{ inv.created_at|date:"SHORT_DATE_FORMAT" }} <form class="d-inline" method="post" action="{% url 'portal:sponsorship_end' inv.pk %}">{% csrf_token %}<button class="btn btn-link btn-sm p-0">{% translate "Withdraw" %}</button></form></li>{% endfor %}"""  # noqa: E501
)
TAG_INVITATIONS = Template("{% load staff_table %}{% invitation_items invitations %}")


@pytest.mark.filterwarnings("ignore:Calling format_html:DeprecationWarning")
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("token", ["tok&<en>", "NOTPROVIDED", ""])
def test_the_invitations_are_the_templates(language, token):
    invitations = [
        Sponsorship(
            pk=5, email="o'neil+<x>@example.kz", created_at=datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
        ),
        # 20:30 UTC on 31 December is 1 January in Almaty: the day is Almaty's.
        Sponsorship(
            pk=61, email="a@example.kz", created_at=datetime(2025, 12, 31, 20, 30, tzinfo=UTC)
        ),
    ]
    context = {"invitations": invitations, "csrf_token": token}
    with translation.override(language):
        written = TAG_INVITATIONS.render(Context(context))
        assert written == REFERENCE_INVITATIONS.render(Context(context))
    assert "<x>" not in written
    assert "31.12.2025" not in written and "12/31/2025" not in written


REFERENCE_HEAD = Template(
    """{% for key, label in sort_columns %}<th scope="col"{% if table.sort == key %} aria-sort="{% if table.descending %}descending{% else %}ascending{% endif %}"{% endif %}>{% if key %}<a href="?{% for k, v in table.filters.items %}{{ k }}={{ v|urlencode }}&amp;{% endfor %}sort={% if table.sort == key and not table.descending %}-{% endif %}{{ key }}">{{ label }}{% if table.sort == key %} {% if table.descending %}▼{% else %}▲{% endif %}{% endif %}</a>{% else %}{{ label }}{% endif %}</th>{% endfor %}"""  # noqa: E501
)
TAG_HEAD = Template("{% load staff_table %}{% staff_table_head table sort_columns %}")
REFERENCE_OPTIONS = Template(
    """{% for value, label in choices %}<option value="{{ value }}"{% if selected == value %} selected{% endif %}>{{ label }}</option>{% endfor %}"""  # noqa: E501
)
TAG_OPTIONS = Template("{% load staff_table %}{% choice_options choices selected %}")


@pytest.mark.parametrize("sort", ["name", "-name", "days_left", "-leave_by"])
@pytest.mark.parametrize(
    "filters",
    [{}, {"q": "Айгүл & <b>/x?y=1", "status": "none", "attention": "must_leave"}],
)
def test_the_table_head_is_the_templates(sort, filters):
    params = {**filters, "sort": sort}
    table = staff.select([], params)
    columns = [
        ("name", "Аты-жөні"),
        ("", "Кәсібі <i>"),
        ("days_left", "Days & left"),
        ("leave_by", "Leave by"),
    ]
    context = Context({"table": table, "sort_columns": columns})
    written = TAG_HEAD.render(context)
    assert written == REFERENCE_HEAD.render(context)
    assert written.count("aria-sort") == 1
    assert "<i>" not in written and "<b>" not in written


@pytest.mark.parametrize("selected", ["", "none", "submitted", "<x>"])
def test_the_options_are_the_templates(selected):
    choices = [("none", "Өтініш жоқ"), ("submitted", "Sent & <b>seen</b>"), ('a"b', "q")]
    context = Context({"choices": choices, "selected": selected})
    written = TAG_OPTIONS.render(context)
    assert written == REFERENCE_OPTIONS.render(context)
    assert written.count(" selected") == (selected in {"none", "submitted"})
