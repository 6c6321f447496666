"""Public pages: the catalogue, a profession, the eligibility check and the open-data files.

Open to everyone (see ``access.py``). Each page runs a fixed number of queries, whatever the
size of the catalogue.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from portal.core import clock, csvsafe
from portal.core.clock import today

from . import services
from .caching import catalogue_page
from .forms import CatalogueSearchForm, EligibilityForm
from .models import FACILITATED, STANDARD, Profession

PAGE_SIZE = 20
ELIGIBILITY_MAX_MATCHES = 10
APPLY_PATH = "/permits/apply/"


def apply_url(profession: Profession) -> str:
    """Where the "apply with this profession" button leads (the permits app's form)."""
    try:
        base = reverse("permits:apply")
    except NoReverseMatch:
        base = APPLY_PATH
    return f"{base}?{urlencode({'profession': profession.pk})}"


@require_safe
@catalogue_page
def profession_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    professions = form.filter(Profession.objects.for_table().by_title())
    page = Paginator(professions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "professions/profession_list.html", {"form": form, "page": page})


@require_safe
@catalogue_page
def profession_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profession = get_object_or_404(Profession.objects.select_related("sphere"), pk=pk)
    context = {
        "profession": profession,
        "documents": services.route_documents(profession.route),
        "apply_url": apply_url(profession),
    }
    return render(request, "professions/profession_detail.html", context)


def _find(text: str) -> tuple[Profession | None, list[Profession], bool]:
    """The one profession ``text`` names, or else the candidates (and whether there are more)."""
    found = list(
        Profession.objects.for_table().search(text).by_title()[: ELIGIBILITY_MAX_MATCHES + 1]
    )
    wanted = " ".join(text.split()).casefold()
    exact = [
        p
        for p in found
        if wanted
        in {(value or "").casefold() for value in (p.code, p.title_en, p.title_ru, p.title_kk)}
    ]
    if len(found) == 1:
        return found[0], [], False
    if len(exact) == 1:
        return exact[0], [], False
    return None, found[:ELIGIBILITY_MAX_MATCHES], len(found) > ELIGIBILITY_MAX_MATCHES


@require_safe
@catalogue_page
def eligibility(request: HttpRequest) -> HttpResponse:
    form = EligibilityForm(request.GET or None)
    documents = services.routes_documents([FACILITATED, STANDARD])
    context: dict[str, Any] = {
        "form": form,
        "facilitated_documents": documents[FACILITATED],
        "standard_documents": documents[STANDARD],
    }
    if form.is_valid():
        profession = form.cleaned_data.get("profession")
        if profession is None:
            text = form.cleaned_data["q"]
            profession, matches, more = _find(text)
            context.update(searched=text, matches=matches, more_matches=more)
        if profession is not None:
            context.update(profession=profession, apply_url=apply_url(profession))
    return render(request, "professions/eligibility.html", context)


def _open_data_filename(extension: str) -> str:
    return f"in-demand-professions-{today().isoformat()}.{extension}"


@require_safe
def open_data_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_open_data_filename("csv")}"'
    response["Access-Control-Allow-Origin"] = "*"
    response.write("\ufeff")  # byte-order mark: Excel then reads the file as UTF-8
    writer = csvsafe.writer(response)
    writer.writerow(services.OPEN_DATA_FIELDS)
    for row in services.open_data_rows():
        writer.writerow([row[field] for field in services.OPEN_DATA_FIELDS])
    return response


@require_safe
def open_data_json(request: HttpRequest) -> JsonResponse:
    rows = services.open_data_rows()
    response = JsonResponse(
        {
            "title": "List of in-demand professions of the Republic of Kazakhstan",
            "publisher": "Ministry of Labour and Social Protection of the Population",
            "generated": clock.real_now().isoformat(timespec="seconds"),
            "count": len(rows),
            "professions": rows,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
