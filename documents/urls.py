from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("documents/<int:pk>/", views.download, name="download"),
]
