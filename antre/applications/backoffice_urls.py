from django.urls import path

from antre.applications import backoffice

app_name = "backoffice"
urlpatterns = [
    path("kantor/permohonan/", backoffice.worklist, name="worklist"),
    path("kantor/permohonan/<str:code>/", backoffice.detail, name="detail"),
]
