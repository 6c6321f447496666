"""The API app's URLs: the settings page, and version 1 of the API with its schema and docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import pages, views

app_name = "api"
urlpatterns = [
    path("settings/", pages.settings_page, name="settings"),
    path("v1/staff/", views.StaffList.as_view(), name="staff_list"),
    path("v1/staff/<int:person_id>/", views.StaffDetail.as_view(), name="staff_detail"),
    path(
        "v1/arrival-registrations/<int:pk>/",
        views.Registration.as_view(),
        name="arrival_registration",
    ),
    path("v1/schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    # Swagger UI's files come from drf-spectacular-sidecar (static files); its start-up script
    # is a request of its own (``?script``), so no inline script is needed (CSP).
    path("v1/docs/", pages.docs_page, name="docs"),
]
