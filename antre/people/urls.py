from django.contrib.auth import views as auth_views
from django.urls import path

from antre.people import twostep, views

app_name = "people"
urlpatterns = [
    path("masuk/", views.StaffLoginView.as_view(), name="login"),
    path("masuk/kode/", twostep.code_step, name="two_step_code"),
    path("keluar/", auth_views.LogoutView.as_view(next_page="people:login"), name="logout"),
    path("staf/", views.staff_home, name="staff_home"),
    path("staf/sandi/", views.PasswordChange.as_view(), name="password_change"),
    path("staf/dua-langkah/", twostep.enrol, name="two_step"),
    path("staf/sandi/diganti/", views.password_changed, name="password_changed"),
]
