from django.contrib.auth import views as auth_views
from django.urls import path

app_name = "people"
urlpatterns = [
    path("masuk/", auth_views.LoginView.as_view(template_name="people/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(next_page="people:login"), name="logout"),
]
