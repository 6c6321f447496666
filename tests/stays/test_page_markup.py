"""The stays page's chart and record of stays, written by the ``stays_page`` tags, are the markup
the template loops wrote (kept here as the reference), in kk, ru and en: the chart's shaded days,
ticks and month labels, its table by month, and every kind of row of the record."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from portal.core.dates import day_writer
from stays import chart, services, views
from stays.models import Crossing

from .factories import history

REFERENCE_CHART = Template(
    """{% load i18n l10n %}
<section class="mb-4 chart" aria-labelledby="chart-h">
  <h2 id="chart-h" class="h4">{% blocktranslate with window=overview.limits.window %}Days used in the rolling {{ window }}-day period, last 365 days{% endblocktranslate %}</h2>
  {% localize off %}<svg role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {{ chart.width }} {{ chart.height }}" width="{{ chart.width }}" height="{{ chart.height }}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">
    <title id="chart-title">{% blocktranslate with window=overview.limits.window start=chart.start|date:"DATE_FORMAT" end=chart.end|date:"DATE_FORMAT" %}Days used in the rolling {{ window }}-day period from {{ start }} to {{ end }}{% endblocktranslate %}</title>
    <desc id="chart-desc">{% blocktranslate with max=overview.limits.max_days highest=chart.highest today=chart.today_value %}The limit is {{ max }} days. The highest count in the year was {{ highest }} days; today it is {{ today }} days. A table below gives the same figures by month.{% endblocktranslate %}</desc>
    {% for over in chart.over %}<rect x="{{ over.0 }}" y="{{ chart.plot_top }}" width="{{ over.1 }}" height="{{ over_height }}" fill="#f8d7da" class="over"/>{% endfor %}
    {% for t in chart.y_ticks %}
      <line x1="{{ chart.plot_left }}" x2="{{ chart.plot_right }}" y1="{{ t.pos }}" y2="{{ t.pos }}" stroke="#dee2e6"/>
      <text x="{{ chart.plot_left|add:'-6' }}" y="{{ t.pos }}" text-anchor="end" dominant-baseline="middle" fill="#495057">{{ t.label }}</text>
    {% endfor %}
    {% for t in chart.x_ticks %}
      <line x1="{{ t.pos }}" x2="{{ t.pos }}" y1="{{ chart.plot_top }}" y2="{{ chart.plot_bottom }}" stroke="#f1f3f5"/>
      <text x="{{ t.pos }}" y="{{ chart.plot_bottom|add:'16' }}" text-anchor="middle" fill="#495057">{{ t.label|date:"M" }}</text>
    {% endfor %}
    <polygon points="{{ chart.area }}" fill="#cfe2ff"/>
    <polyline points="{{ chart.points }}" fill="none" stroke="#00558c" stroke-width="2"/>
    <line x1="{{ chart.plot_left }}" x2="{{ chart.plot_right }}" y1="{{ chart.limit_y }}" y2="{{ chart.limit_y }}" stroke="#b02a37" stroke-width="2" stroke-dasharray="6 4" class="limit"/>
    <text x="{{ chart.plot_right }}" y="{{ chart.limit_y }}" dy="-4" text-anchor="end" fill="#b02a37">{% blocktranslate with max=chart.limit %}limit: {{ max }} days{% endblocktranslate %}</text>
    <line x1="{{ chart.plot_left }}" x2="{{ chart.plot_right }}" y1="{{ chart.plot_bottom }}" y2="{{ chart.plot_bottom }}" stroke="#495057"/>
  </svg>{% endlocalize %}
  <details class="mt-2">
    <summary>{% translate "The chart as a table" %}</summary>
    <table class="table table-sm w-auto">
      <caption>{% blocktranslate with max=chart.limit %}Highest number of days used in the rolling period, by month (limit: {{ max }} days){% endblocktranslate %}</caption>
      <thead><tr><th scope="col">{% translate "Month" %}</th><th scope="col">{% translate "Highest days used" %}</th><th scope="col">{% translate "On" %}</th></tr></thead>
      <tbody>
      {% for m in chart.months %}
        <tr{% if m.over %} class="table-danger"{% endif %}><td>{{ m.month|date:"YEAR_MONTH_FORMAT" }}</td><td>{{ m.highest }}{% if m.over %} <span class="visually-hidden">{% translate "(over the limit)" %}</span>{% endif %}</td><td>{{ m.on|date:"DATE_FORMAT" }}</td></tr>
      {% endfor %}
      </tbody>
    </table>
  </details>
</section>"""  # noqa: E501
)
REFERENCE_STATUS = Template(
    """{% load i18n %}
<section class="card mb-4" aria-labelledby="status-h">
<div class="card-body">
  <h2 id="status-h" class="h4">{% if own %}{% translate "Your status today" %}{% else %}{% translate "Status today" %}{% endif %} <small class="text-body-secondary">({{ overview.on|date:"DATE_FORMAT" }})</small></h2>
  {% include "stays/_regime.html" %}
  {% if a %}
  <dl class="row mb-0">
    <dt class="col-sm-5">{% blocktranslate with window=overview.limits.window %}Days used in the last {{ window }} days{% endblocktranslate %}</dt>
    <dd class="col-sm-7"><strong>{{ a.days_in_window }}</strong> / {{ overview.limits.max_days }}</dd>
    <dt class="col-sm-5">{% translate "Days left in this period" %}</dt>
    <dd class="col-sm-7"><strong>{{ a.days_remaining }}</strong>
      <div class="form-text mt-0">{% translate "This is today's headroom, not the longest trip you can still make: older days leave the period while a trip goes on. Use the trip planner for that." %}</div></dd>
    <dt class="col-sm-5">{% translate "In Kazakhstan today" %}</dt>
    <dd class="col-sm-7">{% if a.in_country %}{% translate "Yes" %}{% else %}{% translate "No" %}{% endif %}</dd>
    {% if a.latest_exit_date %}
    <dt class="col-sm-5">{% translate "Must leave by" %}</dt>
    <dd class="col-sm-7">
      {% if a.latest_exit_date < overview.on %}
        <strong class="text-danger">{{ a.latest_exit_date|date:"DATE_FORMAT" }}</strong> — {% translate "this date has passed: you are staying longer than allowed." %}
      {% else %}
        <strong>{{ a.latest_exit_date|date:"DATE_FORMAT" }}</strong>
        {% with days=overview.days_to_leave %}({% blocktranslate count days=days %}{{ days }} day left{% plural %}{{ days }} days left{% endblocktranslate %}){% endwith %}
      {% endif %}
    </dd>
    {% endif %}
  </dl>
  {% if a.violations %}
  <div class="alert alert-danger mt-3 mb-0" role="alert">
    <h3 class="h5">{% blocktranslate count n=a.violations|length %}{{ n }} violation of the stay limits{% plural %}{{ n }} violations of the stay limits{% endblocktranslate %}</h3>
    {% translate "Rule broken" as rule_label %}{% translate "First day" as first_label %}{% translate "Last day" as last_label %}{% translate "Days over" as over_label %}
    <table class="table table-sm mb-0 table-stack">
      <thead><tr><th scope="col">{{ rule_label }}</th><th scope="col">{{ first_label }}</th><th scope="col">{{ last_label }}</th><th scope="col">{{ over_label }}</th></tr></thead>
      <tbody>
      {% for v in a.violations %}
        <tr class="violation" data-kind="{{ v.kind }}"><td data-label="{{ rule_label }}">{% include "stays/_violation.html" %}</td><td data-label="{{ first_label }}">{{ v.first_day|date:"DATE_FORMAT" }}</td><td data-label="{{ last_label }}">{{ v.last_day|date:"DATE_FORMAT" }}</td><td data-label="{{ over_label }}">{{ v.days_over }}</td></tr>
      {% endfor %}
      </tbody>
    </table>
  </div>
  {% elif overview.crossings %}
  <p class="text-success mt-3 mb-0">{% translate "No violation in the recorded stays." %}</p>
  {% endif %}
  {% endif %}
  {% if overview.record_problems %}
  <div class="alert alert-warning mt-3 mb-0">{% translate "Some recorded stays overlap or repeat each other: please correct them, the figures above may be wrong." %}</div>
  {% endif %}
</div>
</section>"""  # noqa: E501
)
REFERENCE_TABLE = Template(
    """{% load i18n %}
{% translate "Entry" as entry_label %}{% translate "Exit" as exit_label %}{% translate "Days" as days_label %}{% translate "Note" as note_label %}
<table class="table align-middle table-stack">
  <caption>{% translate "Recorded stays, latest first. Entry and exit days both count." %}</caption>
  <thead><tr>
    <th scope="col">{{ entry_label }}</th><th scope="col">{{ exit_label }}</th><th scope="col">{{ days_label }}</th><th scope="col">{{ note_label }}</th>
    {% if own %}<th scope="col"><span class="visually-hidden">{% translate "Actions" %}</span></th>{% endif %}
  </tr></thead>
  <tbody>{% translate "Edit" as edit_label %}{% translate "Delete" as delete_label %}
  {% for row in rows %}{% with c=row.crossing %}
    <tr{% if row.marked %} class="table-danger"{% endif %}>
      <td data-label="{{ entry_label }}">{{ row.entry }}</td>
      <td data-label="{{ exit_label }}">{% if c.exit %}{{ row.exit }}{% else %}<em>{% translate "still here" %}</em>{% endif %}</td>
      <td data-label="{{ days_label }}">{{ row.days }}{% if row.marked %} <span class="badge text-bg-danger">{% translate "violation" %}</span>{% endif %}</td>
      <td{% if c.note %} data-label="{{ note_label }}"{% endif %}>{{ c.note }}</td>
      {% if own %}<td class="text-end text-nowrap">
        <a class="btn btn-sm btn-outline-secondary" href="{{ row.edit_url }}">{{ edit_label }}<span class="visually-hidden"> {{ row.entry }}</span></a>
        <a class="btn btn-sm btn-outline-danger" href="{{ row.delete_url }}">{{ delete_label }}<span class="visually-hidden"> {{ row.entry }}</span></a>
      </td>{% endif %}
    </tr>
  {% endwith %}{% empty %}
    <tr><td colspan="{% if own %}5{% else %}4{% endif %}">{% translate "No stays recorded yet." %}</td></tr>
  {% endfor %}
  </tbody>
</table>"""  # noqa: E501
)


def _same(html):
    return re.sub(r">\s+<", "><", html).strip()


def _chart_context():
    start = date(2025, 1, 1)
    # Quiet, then over the limit twice (one run at the very end), so every part is drawn.
    values = [0] * 40 + list(range(1, 95)) + [95] * 20 + list(range(94, 10, -1)) + [10] * 100
    values += [91] * (365 - len(values))
    series = [(start + timedelta(days=i), v) for i, v in enumerate(values)]
    limits = SimpleNamespace(window=180, max_days=90)
    return {"chart": chart.build(series, 90), "overview": SimpleNamespace(limits=limits)}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_chart_is_the_templates(language):
    context = _chart_context()
    assert len(context["chart"].over) == 2 and any(m.over for m in context["chart"].months)
    with translation.override(language):
        day = day_writer("DATE_FORMAT")
        c = context["chart"]
        dates = {"chart_start": day(c.start), "chart_end": day(c.end)}
        band = {"over_height": round(c.limit_y - c.plot_top, 1)}
        expected = _same(REFERENCE_CHART.render(Context({**context, **band})))
        written = _same(render_to_string("stays/_chart.html", {**context, "dates": dates}))
    assert written == expected
    # Two shaded runs; a label for each month, each count and the limit line.
    assert written.count('class="over"') == 2 and written.count("<text") == 11 + 4 + 1
    # The shaded band of a run over the limit reaches from the top of the plot to the limit line.
    limit_line = float(re.search(r'y1="([\d.]+)"[^>]*class="limit"', written).group(1))
    for y, height in re.findall(
        r'<rect[^>]* y="([\d.]+)"[^>]* height="([\d.]+)"[^>]*class="over"', written
    ):
        assert float(y) == c.plot_top and float(y) + float(height) == pytest.approx(limit_line)


def _rows():
    def crossing(pk, entry, exit, note=""):
        return Crossing(pk=pk, entry=entry, exit=exit, note=note)

    return [
        {
            "crossing": crossing(3, date(2025, 6, 1), None, "Ана <b>& \"Co\" 'x'"),
            "days": 15,
            "marked": True,
            "entry": "1 June 2025 <&>",
            "exit": "",
            "edit_url": "/stays/3/edit/?a=1&b=2",
            "delete_url": "/stays/3/delete/",
        },
        {
            "crossing": crossing(2, date(2021, 1, 1), date(2024, 5, 1)),
            "days": 1217,
            "marked": False,
            "entry": "2021 ж. 1 қаңтар",
            "exit": "2024 ж. 1 мамыр",
            "edit_url": "/stays/2/edit/",
            "delete_url": "/stays/2/delete/",
        },
        {
            "crossing": crossing(1, date(2020, 1, 1), date(2020, 1, 1), "одна"),
            "days": 1,
            "marked": True,
            "entry": "1 января 2020 г.",
            "exit": "1 января 2020 г.",
            "edit_url": "/stays/1/edit/",
            "delete_url": "/stays/1/delete/",
        },
    ]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("own", [True, False])
@pytest.mark.parametrize("rows", [_rows(), []], ids=["rows", "none"])
def test_the_record_of_stays_is_the_templates(language, own, rows):
    context = {"rows": rows, "own": own}
    with translation.override(language):
        expected = _same(REFERENCE_TABLE.render(Context(context)))
        written = _same(render_to_string("stays/_table.html", context))
    assert written == expected
    if rows:
        assert "&lt;b&gt;" in written and "<b>" not in written
        assert ("?a=1&amp;b=2" in written) == own


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "spans",
    [
        # Two violations (a single stay too long, then the rolling limit), and a stay under way
        # past its must-leave-by date.
        [("2025-01-01", "2025-02-15"), ("2025-02-20", "2025-04-10"), ("2025-04-20", None)],
        # A stay under way with days left: the must-leave-by date to come.
        [("2025-06-01", None)],
        [("2025-03-01", "2025-03-05")],  # no violation
        [],
    ],
    ids=["violations", "must-leave", "quiet", "none"],
)
def test_the_status_is_the_templates(applicant, today, seeded_rules, language, spans):
    history(applicant, spans)
    with translation.override(language):
        overview = services.person_overview(applicant)
        context = {**views._status_context(overview), "own": True}
        expected = _same(REFERENCE_STATUS.render(Context(context)))
        written = _same(render_to_string("stays/_status.html", context))
    assert written == expected
    if spans and spans[0][0] == "2025-01-01":
        assert written.count('class="violation"') >= 2
