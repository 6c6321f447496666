"""The pages of the API app for people: the settings page of an organisation (its tokens, made,
shown once and revoked; its webhook, address and secret shown once; the last deliveries) and the
API's documentation. Access is decided in ``access.py``; the settings page is for the confirmed
users of a verified organisation (``employer_required``), the documentation for everyone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from drf_spectacular.views import SpectacularSwaggerSplitView

from portal.accounts.access import employer_required
from portal.notifications import outbox
from portal.notifications.models import Notification

from . import access, services
from .forms import TokenForm, WebhookForm

DELIVERIES_SHOWN = 20
DELIVERY_FIELDS = (
    "kind",
    "created_at",
    "email_sent_at",
    "email_attempts",
    "response_status",
    "employer_id",
)


def delivery_state(event: Notification) -> str:
    """What became of a webhook event, in the reader's language."""
    if event.email_sent_at is not None:
        # Marked sent without an answer: the webhook was removed before it went.
        return _("Delivered") if event.response_status else _("Not sent")
    if event.email_attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        return _("Failed: no more attempts")
    if event.email_attempts:
        return _("Failed, will be tried again")
    return _("Waiting")


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    employer = request.user.employer
    employer.refresh_from_db(fields=["webhook_url", "webhook_secret"])
    deliveries = list(
        Notification.objects.filter(employer=employer, channel=Notification.Channel.WEBHOOK)
        .exclude(outbox.webhook_expired())  # only what is kept (the daily task removes the rest)
        .order_by("-created_at", "-pk")
        .only(*DELIVERY_FIELDS)[:DELIVERIES_SHOWN]
    )
    for event in deliveries:
        event.state_label = delivery_state(event)  # type: ignore[attr-defined]
    return render(
        request,
        "api/settings.html",
        {
            "tokens": access.organisation_tokens(request.user).select_related(
                "created_by", "revoked_by"
            ),
            "token_form": context.pop("token_form", None) or TokenForm(),
            "webhook_form": context.pop("webhook_form", None)
            or WebhookForm(initial={"url": employer.webhook_url}),
            "employer": employer,
            "deliveries": deliveries,
            **context,
        },
    )


@never_cache  # a token or a secret is shown once: no copy of the page is kept
@employer_required
def settings_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    action = request.POST.get("action")
    employer = request.user.employer
    if action == "create":
        form = TokenForm(request.POST)
        if not form.is_valid():
            return _page(request, token_form=form, form=form)
        try:
            made = services.token_create(
                employer=employer, name=form.cleaned_data["name"], by=request.user
            )
        except services.SettingsError as error:
            form.add_error("name", str(error))
            return _page(request, token_form=form, form=form)
        return _page(request, new_token=made.raw, new_token_name=made.token.name)
    if action == "revoke":
        token_id = request.POST.get("token", "")
        if not (token_id.isascii() and token_id.isdigit()):
            raise BadRequest("not a token id")
        token = get_object_or_404(access.organisation_tokens(request.user), pk=int(token_id))
        services.token_revoke(token=token, by=request.user)
        messages.success(request, _("The token is revoked: it no longer works."))
        return redirect("api:settings")
    if action == "webhook":
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                secret = services.webhook_set(employer=employer, url=form.cleaned_data["url"])
            except services.SettingsError as error:
                form.add_error("url", str(error))
            else:
                if secret is None:
                    messages.success(request, _("The webhook address is saved."))
                    return redirect("api:settings")
                return _page(request, new_secret=secret)
        return _page(request, webhook_form=form, form=form)
    if action == "secret":
        if not employer.webhook_url:
            return redirect("api:settings")
        return _page(request, new_secret=services.webhook_secret_renew(employer=employer))
    if action == "webhook_remove":
        services.webhook_remove(employer=employer)
        messages.success(request, _("The webhook is removed: no more events will be sent."))
        return redirect("api:settings")
    return redirect("api:settings")


# Swagger UI's start-up script (``?script``), made by drf-spectacular: a file of its own, so the
# page needs no inline script (CSP).
_swagger_script = SpectacularSwaggerSplitView.as_view(url_name="api:schema")


def docs_page(request: HttpRequest) -> HttpResponse:
    """The API's documentation: a portal page (its title and the words around it in the
    reader's language) holding Swagger UI, which reads the OpenAPI schema. The API and its
    schema are in English, a machine interface, and so is what Swagger UI shows of them."""
    if "script" in request.GET:
        return _swagger_script(request)
    return render(request, "api/docs.html")
