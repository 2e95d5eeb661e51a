from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("prints/", views.job_list, name="list"),
    path("prints/new/", views.job_start, name="start"),
    path("prints/<int:pk>/", views.job_detail, name="detail"),
    path("prints/<int:pk>/file", views.job_file, name="file"),
]
