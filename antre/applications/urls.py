from django.urls import path

from antre.applications import views

app_name = "applications"
urlpatterns = [
    path("k/<slug:office>/permohonan/", views.kinds, name="kinds"),
    path("k/<slug:office>/permohonan/<str:kind>/", views.apply, name="apply"),
    path("lacak/", views.track, name="track"),
    path("permohonan/<str:code>/", views.status, name="status"),
    path("permohonan/<str:code>/hari-ambil/", views.pickup_day, name="pickup_day"),
    path("permohonan/<str:code>/tanda-terima.pdf", views.receipt, name="receipt"),
    path("permohonan/<str:code>/berkas/<int:document_id>/", views.document, name="document"),
]
