from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("documents/", views.documents, name="documents"),
    path("documents/permits/<int:pk>/<str:lang>.pdf", views.permit_pdf, name="permit_pdf"),
    path("documents/statements/", views.statement_issue, name="statement_issue"),
    path(
        "documents/statements/<int:pk>/<str:lang>.pdf",
        views.statement_pdf,
        name="statement_pdf",
    ),
    path(
        "documents/statements/<int:pk>/revoke/",
        views.statement_revoke,
        name="statement_revoke",
    ),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:token>/", views.check, name="check"),
]
