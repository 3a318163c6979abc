from django.urls import path

from antre.queueing import views

app_name = "queueing"
urlpatterns = [
    path("", views.home, name="home"),
    path("k/<slug:office>/", views.choose_service, name="services"),
    path("k/<slug:office>/layanan/<str:code>/", views.book, name="book"),
    path("tiket/<str:token>/", views.ticket_page, name="ticket"),
    path("tiket/<str:token>/batal/", views.cancel, name="cancel"),
]
