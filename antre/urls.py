from django.contrib import admin
from django.urls import include, path

from antre.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("antre.people.urls")),
    path("", include("antre.gate.urls")),
    path("", include("antre.queueing.urls")),
]
