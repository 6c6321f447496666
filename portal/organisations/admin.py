"""Organisations and their verification, in the Django admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from portal.organisations import services
from portal.organisations.models import Employer, EmployerStatusChange


class EmployerStatusChangeInline(admin.TabularInline):
    """The verification history: read-only, like every part of the trail."""

    model = EmployerStatusChange
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("verification history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the organisation)"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, refusing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if refusing:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _(
                "Say what is wrong and what to send instead: the organisation's users read it "
                "and can upload a corrected certificate."
            )
        else:
            del self.fields["reason"]


DECISIONS = {"verify": _("Verify"), "refuse": _("Refuse")}


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    """Organisations and their verification. ``status`` is never edited as a field: the change
    page has a Verify and a Refuse button, each calling its service and writing the admin log."""

    list_display = ["name", "bin", "status", "document_uploaded_at", "registered"]
    list_filter = ["status"]
    search_fields = ["name", "bin"]
    # Waiting claims first ("pending" < "refused" < "verified"), oldest first.
    ordering = ["status", "created_at"]
    fields = [
        "name",
        "bin",
        "status",
        "certificate",
        "other_claims",
        "members",
        "address",
        "contact_email",
        "contact_phone",
        "registered",
    ]
    readonly_fields = ["bin", "status", "certificate", "other_claims", "members", "registered"]
    inlines = [EmployerStatusChangeInline]
    change_form_template = "admin/portal/employer/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # organisations register themselves, with their certificate

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # The model field has no verbose name ("Created at" in every language).
    @admin.display(description=_("registered"), ordering="created_at")
    def registered(self, employer: Employer) -> Any:
        return employer.created_at

    @admin.display(description=_("state registration certificate"))
    def certificate(self, employer: Employer) -> str:
        if not employer.registration_document:
            return _("None sent yet.")
        url = reverse("portal:employer_registration", args=[employer.pk])
        return format_html(
            '<a href="{}?inline=1" target="_blank" rel="noopener">{}</a> ({}, {})',
            url,
            employer.document_name or _("certificate"),
            employer.document_content_type,
            date_format(localtime(employer.document_uploaded_at), "DATETIME_FORMAT")
            if employer.document_uploaded_at
            else "—",
        )

    @admin.display(description=_("other claims on this BIN"))
    def other_claims(self, employer: Employer) -> str:
        others = Employer.objects.filter(bin=employer.bin).exclude(pk=employer.pk)
        if not others:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:portal_employer_change", args=[o.pk]),
                    o.name,
                    o.get_status_display(),
                )
                for o in others
            ),
        )

    @admin.display(description=_("members"))
    def members(self, employer: Employer) -> str:
        people = employer.members.order_by("pk")
        if not people:
            return "—"
        return format_html_join(
            ", ",
            "{} &lt;{}&gt;{}",
            (
                (m.full_name, m.email, "" if m.employer_confirmed else _(" (not confirmed)"))
                for m in people
            ),
        )

    # --- the decision buttons ---
    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="portal_employer_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        employer = self.get_object(request, object_id)
        decisions = []
        if employer is not None and self.has_change_permission(request, employer):
            decisions = self._open_decisions(employer)
        extra = {**(extra_context or {}), "decisions": decisions}
        return super().change_view(request, object_id, form_url, extra)

    @staticmethod
    def _open_decisions(employer: Employer) -> list[tuple[str, str]]:
        allowed = []
        if employer.status == Employer.Status.PENDING:
            allowed.append("verify")
        if employer.status != Employer.Status.REFUSED:
            allowed.append("refuse")
        return [(d, DECISIONS[d]) for d in allowed]

    def decide_view(self, request: HttpRequest, object_id: int, decision: str) -> HttpResponse:
        employer = self.get_object(request, str(object_id))
        if employer is None or decision not in DECISIONS:
            raise Http404
        if not self.has_change_permission(request, employer):
            raise Http404
        refusing = decision == "refuse"
        change_url = reverse("admin:portal_employer_change", args=[employer.pk])
        # Bound on every POST: verifying sends no field at all.
        form = DecisionForm(request.POST if request.method == "POST" else None, refusing=refusing)
        if request.method == "POST" and form.is_valid():
            try:
                if refusing:
                    reason = form.cleaned_data["reason"]
                    services.employer_refuse(employer=employer, by=request.user, reason=reason)
                    self.log_change(
                        request, employer, str(_("Refused: %(reason)s") % {"reason": reason})
                    )
                else:
                    services.employer_verify(employer=employer, by=request.user)
                    self.log_change(request, employer, str(_("Verified")))
            except services.VerificationError as error:
                messages.error(request, str(error))
            else:
                employer.refresh_from_db()
                messages.success(
                    request,
                    _("%(name)s: %(status)s. Its users are told.")
                    % {"name": employer.name, "status": employer.get_status_display()},
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "employer": employer,
            "decision": DECISIONS[decision],
            "refusing": refusing,
            "certificate": self.certificate(employer),
            "form": form,
            "title": f"{DECISIONS[decision]}: {employer}",
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/portal/employer/decide.html", context)
