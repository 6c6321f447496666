"""Home page, sign-up, profile and the per-role dashboards."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts import auth
from portal.accounts import services as accounts
from portal.accounts.access import (
    can_send_registration,
    can_view_registration,
    employer_required,
    role_of,
    staff_required,
)
from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.notifications.outbox import mark_read
from portal.organisations import services
from portal.organisations.models import Employer
from portal.workspace import dashboards
from portal.workspace.employer_views import dashboard_context
from portal.workspace.forms import (
    ApplicantSignupForm,
    EmailAuthenticationForm,
    EmployerSignupForm,
    ProfileForm,
    RegistrationDocumentForm,
)


def home(request):
    return render(request, "portal/home.html")


def signup(request):
    return render(request, "portal/signup.html")


def _checked(form, state) -> bool:
    """Validate ``form``; when its input has mistakes, put beside them what the services say of
    the state (``state``: a check that raises ``ValidationError`` keyed by field), so that a
    person sees every mistake in one round. A valid form goes to the service, which checks the
    state itself as it writes (not twice)."""
    if form.is_valid():
        return True
    try:
        state(form)
    except ValidationError as error:
        form.add_error(None, error)
    return False


def _applicant_state(form) -> None:
    if form.cleaned_data.get("email"):
        accounts.email_check_free(form.cleaned_data["email"])


def _employer_state(form) -> None:
    data = form.cleaned_data
    services.employer_signup_check(
        email=data.get("email"),
        bin=data.get("bin"),
        organisation_name=data.get("organisation_name") or "",
        # A file that was refused already has its own error.
        document=bool(data.get("registration_document")) or "registration_document" in form.errors,
    )


def signup_applicant(request):
    form = ApplicantSignupForm(
        request.POST or None, initial={"preferred_language": translation.get_language()}
    )
    if request.method == "POST" and _checked(form, _applicant_state):
        data = form.cleaned_data
        try:
            user = accounts.applicant_create(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                citizenship=data["citizenship"],
                preferred_language=data["preferred_language"],
            )
        except ValidationError as error:  # keyed by the form's fields
            form.add_error(None, error)
        else:
            login(request, user, backend=auth.BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:dashboard")
    return render(
        request,
        "portal/signup_form.html",
        {"form": form, "title": _("Sign up as a foreign professional")},
    )


def signup_employer(request):
    form = EmployerSignupForm(
        request.POST or None,
        request.FILES or None,
        initial={"preferred_language": translation.get_language()},
    )
    if request.method == "POST" and _checked(form, _employer_state):
        data = form.cleaned_data
        document = data.get("registration_document")
        try:
            user = services.employer_user_create(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                preferred_language=data["preferred_language"],
                bin=data["bin"],
                organisation_name=data["organisation_name"],
                address=data["address"],
                document=document or None,
                content_type=document.content_type if document else "",
            )
        except ValidationError as error:  # keyed by the form's fields
            form.add_error(None, error)
        else:
            login(request, user, backend=auth.BACKEND)
            if user.employer_confirmed:
                messages.success(
                    request,
                    _(
                        "Welcome! Your organisation is registered. Ministry staff check its "
                        "registration certificate; you will be told by e-mail when it is verified."
                    ),
                )
            else:
                messages.info(
                    request,
                    _(
                        "Your organisation is already registered: a colleague "
                        "must confirm you before you see its staff."
                    ),
                )
            return redirect("portal:dashboard")
    return render(
        request,
        "portal/signup_form.html",
        {"form": form, "title": _("Sign up as an employer"), "multipart": True},
    )


@login_required
def dashboard(request):
    role = role_of(request.user)
    if role == "staff":
        return redirect("portal:staff_dashboard")
    if role in ("employer", "employer_pending"):
        return redirect("portal:employer_dashboard")
    return redirect("portal:applicant_dashboard")


@login_required
def applicant_dashboard(request):
    if role_of(request.user) != "applicant":
        return redirect("portal:dashboard")
    return render(
        request, "portal/dashboard_applicant.html", dashboards.applicant_context(request.user)
    )


@login_required
def employer_dashboard(request):
    role = role_of(request.user)
    if role == "employer_pending":
        return render(request, "portal/dashboard_employer_pending.html", _pending_context(request))
    if role != "employer":
        return redirect("portal:dashboard")

    return render(request, "portal/dashboard_employer.html", dashboard_context(request))


def _pending_context(request) -> dict[str, object]:
    """What a user who sees no one yet is told: whose move it is, and what they can do."""
    employer = request.user.employer
    can_send = can_send_registration(request.user)
    return {
        "employer": employer,
        "refusal": employer.last_refusal() if employer else None,
        "can_send": can_send,
        "form": RegistrationDocumentForm() if can_send else None,
    }


@login_required
def employer_registration_send(request):
    """A waiting or refused organisation sends its registration certificate (again): POST."""
    if not can_send_registration(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RegistrationDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        context = {**_pending_context(request), "form": form}
        return render(request, "portal/dashboard_employer_pending.html", context)
    upload = form.cleaned_data["registration_document"]
    try:
        services.employer_document_send(
            employer=request.user.employer,
            upload=upload,
            content_type=upload.content_type,
            by=request.user,
        )
    except services.VerificationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The certificate is sent. Your organisation waits for the ministry's verification."),
        )
    return redirect("portal:employer_dashboard")


def employer_registration(request, pk: int):
    """An organisation's registration certificate, for ministry staff only; everyone else 404."""
    employer = get_object_or_404(Employer, pk=pk)
    if not can_view_registration(request.user, employer):
        raise Http404
    response = FileResponse(
        employer.registration_document.open("rb"),
        content_type=employer.document_content_type,
        as_attachment=request.GET.get("inline") != "1",
        filename=employer.document_name or "registration",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_required
def staff_dashboard(request):
    return render(request, "portal/dashboard_staff.html", dashboards.staff_context(request.user))


@employer_required
@require_POST
def member_decide(request, user_id: int):
    member = get_object_or_404(
        User, pk=user_id, employer=request.user.employer, employer_confirmed=False
    )
    if request.POST.get("decision") == "confirm":
        services.employer_member_confirm(member=member, by=request.user)
        messages.success(
            request, _("%(name)s can now see your organisation.") % {"name": member.full_name}
        )
    else:
        services.employer_member_reject(member=member, by=request.user)
        messages.info(request, _("%(name)s was not accepted.") % {"name": member.full_name})
    return redirect("portal:employer_dashboard")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile is saved."))
        return redirect("portal:profile")
    return render(request, "portal/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def set_language(request):
    """Switch the language; for a signed-in person, remember it as their preference.

    A visitor's switch only sets a cookie, so it may come by GET: the public pages then carry
    no CSRF token and can be cached whole. A signed-in person's preference is saved, which
    only a POST (with its CSRF token) may do.
    """

    if request.method == "POST":
        data = request.POST
        lang = data.get("language", "")
    elif request.user.is_authenticated:
        return HttpResponseNotAllowed(["POST"])
    else:
        data = request.GET
        # Another site may link here, but not choose the visitor's language.
        cross_site = request.headers.get("Sec-Fetch-Site") == "cross-site"
        lang = "" if cross_site else data.get("language", "")
    next_url = data.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("portal:home")
    response = redirect(next_url)
    if accounts.is_language(lang):
        if request.user.is_authenticated:
            accounts.language_set(user=request.user, language=lang)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@login_required
def inbox(request):
    """The person's notifications, newest first. Reading changes nothing: they are marked read
    by the person's own POST (one, or all)."""

    page = Paginator(Notification.objects.filter(recipient=request.user), 20).get_page(
        request.GET.get("page")
    )
    unread = {n.pk for n in page if n.read_at is None}
    return render(
        request,
        "portal/inbox.html",
        {"page": page, "unread": unread, "has_unread": bool(unread) or _has_unread(request.user)},
    )


def _has_unread(user) -> bool:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


@login_required
@require_POST
def inbox_mark_read(request):
    """Mark one of the person's notifications read (``notification``), or all of them."""
    value = request.POST.get("notification", "")
    if value:
        if not value.isdigit():
            return redirect("portal:inbox")
        mark_read(user=request.user, notification_ids=[int(value)])
    else:
        mark_read(user=request.user)
        messages.success(request, _("All your notifications are marked as read."))
    page = request.POST.get("page", "")
    target = reverse("portal:inbox")
    return redirect(f"{target}?page={page}" if page.isdigit() else target)


class PortalLoginView(LoginView):
    """Log in by e-mail. A language chosen on the site before logging in becomes the person's
    preference: it is their latest explicit choice."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):

        response = super().form_valid(form)
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if accounts.is_language(chosen):
            accounts.language_set(user=self.request.user, language=chosen)
        return response
