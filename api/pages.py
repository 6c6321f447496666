"""The API settings page of an organisation: its tokens (made, shown once, revoked), its webhook
(address, secret shown once) and the last deliveries. Access is decided in ``access.py``; the
page is for the confirmed users of a verified organisation (``employer_required``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.accounts.access import employer_required
from portal.notifications.models import Notification

from . import access, services
from .forms import TokenForm, WebhookForm

DELIVERIES_SHOWN = 20


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    employer = request.user.employer
    employer.refresh_from_db(fields=["webhook_url", "webhook_secret"])
    deliveries = Notification.objects.filter(
        employer=employer, channel=Notification.Channel.WEBHOOK
    ).order_by("-created_at", "-pk")[:DELIVERIES_SHOWN]
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
        made = services.token_create(
            employer=employer, name=form.cleaned_data["name"], by=request.user
        )
        return _page(request, new_token=made.raw, new_token_name=made.token.name)
    if action == "revoke":
        token = get_object_or_404(
            access.organisation_tokens(request.user), pk=request.POST.get("token") or 0
        )
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
