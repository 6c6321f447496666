"""The project's URLs: each app's pages under its own prefix."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import EmailAuthenticationForm

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
        path("profile/", views.profile, name="profile"),
        path("inbox/", views.inbox, name="inbox"),
        path("language/", views.set_language, name="set_language"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("professions/", include("professions.urls")),
    path("permits/", include("permits.urls")),
    path("stays/", include("stays.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
