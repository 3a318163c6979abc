from django.urls import path

from antre.outreach import views

app_name = "outreach"
urlpatterns = [
    path("kepala/<slug:office>/desa/", views.villages, name="villages"),
    path("kepala/<slug:office>/desa/<str:code>/poster.pdf", views.poster, name="poster"),
    path("kepala/<slug:office>/desa/<str:code>/surat-edaran.pdf", views.letter, name="letter"),
    path(
        "kepala/<slug:office>/desa/<str:code>/poster-semua-desa.pdf",
        views.district_posters,
        name="district_posters",
    ),
    path("kepala/<slug:office>/tautan/", views.short_links, name="links"),
    path("s/<str:slug>", views.follow, name="follow"),
]
