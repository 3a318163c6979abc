from django.urls import path

from antre.queueing import views

app_name = "queueing"
urlpatterns = [
    path("", views.home, name="home"),
    path("k/<slug:office>/", views.choose_service, name="services"),
    path("k/<slug:office>/layanan/<str:code>/", views.book, name="book"),
    path("tiket/<str:token>/", views.ticket_page, name="ticket"),
    path("tiket/<str:token>/batal/", views.cancel, name="cancel"),
    path("tiket/<str:token>/cetak/", views.print_ticket, name="print"),
]

from antre.queueing import console, helpdesk_views  # noqa: E402

urlpatterns += [
    path("loket/", console.console_home, name="console_home"),
    path("loket/<int:counter_id>/", console.console, name="console"),
    path("k/<slug:office>/layar/", views.display, name="display"),
    path("k/<slug:office>/suara/<int:seq>.wav", views.announcement_audio, name="announcement_audio"),
    path("bantuan/", helpdesk_views.desk_home, name="helpdesk_home"),
    path("bantuan/<slug:office>/", helpdesk_views.desk, name="helpdesk"),
]
