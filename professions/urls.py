from django.urls import path

from . import views

app_name = "professions"
urlpatterns = [
    path("", views.profession_list, name="list"),
    path("<int:pk>/", views.profession_detail, name="detail"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("open-data/professions.csv", views.open_data_csv, name="open_data_csv"),
    path("open-data/professions.json", views.open_data_json, name="open_data_json"),
]
