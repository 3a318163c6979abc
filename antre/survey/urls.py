from django.urls import path

from antre.survey import views

app_name = "survey"
urlpatterns = [
    path("k/<slug:office>/skm/terima-kasih/", views.thanks, name="thanks"),
    path("k/<slug:office>/skm/<str:token>/", views.answer, name="answer"),
    path("kepala/<slug:office>/skm/", views.report, name="report"),
]
