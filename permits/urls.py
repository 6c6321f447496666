from django.urls import path

from . import views

app_name = "permits"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/<slug:step>/", views.step, name="step"),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
]
