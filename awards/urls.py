from django.urls import path

from awards.views import dossier, records, report, rounds

app_name = "awards"

urlpatterns = [
    path("awards/", rounds.index, name="index"),
    *records.urlpatterns,
    *rounds.urlpatterns,
    *dossier.urlpatterns,
    *report.urlpatterns,
]
