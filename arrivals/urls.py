from django.urls import path

from . import views

app_name = "arrivals"
urlpatterns = [
    path("", views.registrations, name="list"),
    path("<int:pk>/", views.registration, name="registration"),
]
