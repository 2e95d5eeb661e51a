from django.urls import path

from awards import views_dossier, views_records, views_report, views_rounds

app_name = "awards"

urlpatterns = [
    path("awards/", views_rounds.index, name="index"),
    *views_records.urlpatterns,
    *views_rounds.urlpatterns,
    *views_dossier.urlpatterns,
    *views_report.urlpatterns,
]
