from django.urls import path

from . import views

app_name = "stays"
urlpatterns = [
    path("", views.history, name="history"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("planner/", views.planner, name="planner"),
    path("import/", views.import_csv, name="import"),
    path("people/<int:pk>/", views.person, name="person"),
    path("calendar/", views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar"),
]
