from django.urls import path

from antre.gate import views

app_name = "gate"
urlpatterns = [
    path("pintu/", views.gate_home, name="home"),
    path("pintu/<slug:office>/", views.gate, name="gate"),
    path("pintu/<slug:office>/saran/<str:token>/", views.advice, name="advice"),
    path("pintu/<slug:office>/tiket-baru/", views.walk_in, name="walk_in"),
    path("pintu/<slug:office>/karcis/<str:token>/", views.walk_in_ticket, name="walk_in_ticket"),
    path("k/<slug:office>/luar/", views.outdoor, name="outdoor"),
]
