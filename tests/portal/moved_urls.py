"""The portal's addresses under /moved/ (``tests/portal/test_links.py``)."""

from django.urls import include, path

urlpatterns = [path("moved/", include("portal.urls"))]
