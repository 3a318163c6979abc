from django.urls import path

from antre.reports import views

app_name = "reports"
urlpatterns = [
    path("kepala/", views.today_home, name="today_home"),
    path("kepala/<slug:office>/", views.today, name="today"),
    path("kepala/<slug:office>/rekap/", views.summary, name="summary"),
    path("kepala/<slug:office>/laporan/", views.monthly, name="monthly"),
]
