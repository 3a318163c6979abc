from django.urls import path

from antre.audit import views

app_name = "audit"
urlpatterns = [
    path("kepala/<slug:office>/audit/", views.log, name="log"),
]
