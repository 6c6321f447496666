"""The project's URLs: each app's pages under its own prefix."""

from django.contrib import admin
from django.urls import include, path

from portal import health
from portal.accounts import two_factor_views
from portal.workspace import employer_views, views

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("signup/", views.signup, name="signup"),
        path("signup/professional/", views.signup_applicant, name="signup_applicant"),
        path("signup/employer/", views.signup_employer, name="signup_employer"),
        path("dashboard/", views.dashboard, name="dashboard"),
        path("dashboard/professional/", views.applicant_dashboard, name="applicant_dashboard"),
        path("dashboard/employer/", views.employer_dashboard, name="employer_dashboard"),
        path(
            "dashboard/employer/members/<int:user_id>/", views.member_decide, name="member_decide"
        ),
        path("dashboard/staff/", views.staff_dashboard, name="staff_dashboard"),
        path("employer/invite/", employer_views.sponsorship_invite, name="sponsorship_invite"),
        path(
            "employer/colleagues/invite/", employer_views.colleague_invite, name="colleague_invite"
        ),
        path(
            "employer/sponsorships/<int:pk>/end/",
            employer_views.sponsorship_end,
            name="sponsorship_end",
        ),
        path(
            "employer/requests/<int:pk>/",
            employer_views.sponsorship_request_answer,
            name="sponsorship_request_answer",
        ),
        path(
            "employer/registration/",
            views.employer_registration_send,
            name="employer_registration_send",
        ),
        path(
            "employer/<int:pk>/registration-certificate/",
            views.employer_registration,
            name="employer_registration",
        ),
        path("employer/staff.csv", employer_views.staff_csv, name="staff_csv"),
        path("employer/report/", employer_views.report, name="employer_report"),
        path("employer/report.pdf", employer_views.report_pdf, name="employer_report_pdf"),
        path(
            "sponsorship/<str:token>/", employer_views.sponsorship_answer, name="sponsorship_answer"
        ),
        path("sponsorship-end/", employer_views.my_sponsorship_end, name="my_sponsorship_end"),
        path("join/<str:token>/", employer_views.colleague_join, name="colleague_join"),
        path("profile/", views.profile, name="profile"),
        path("inbox/", views.inbox, name="inbox"),
        path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
        path("language/", views.set_language, name="set_language"),
    ],
    "portal",
)

urlpatterns = [
    path("health/", health.health, name="health"),
    path("ping/", health.ping, name="ping"),
    path("staff/two-factor/", two_factor_views.setup, name="two_factor_setup"),
    path("staff/two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path(
        "staff/two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("", include(portal_patterns)),
    path("professions/", include("professions.urls")),
    path("permits/", include("permits.urls")),
    path("stays/", include("stays.urls")),
    path("arrivals/", include("arrivals.urls")),
    path("api/", include("api.urls")),  # the API for HR systems, its settings page and docs
    path("", include("verification.urls")),  # /documents/ (the holder's) and /verify/ (public)
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
