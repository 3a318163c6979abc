from django.contrib import admin
from django.urls import include, path, re_path

from antre.api import api, api_not_found
from antre.whatsapp.webhook import webhook

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("whatsapp/webhook", webhook),
    path("", include("antre.people.urls")),
    path("", include("antre.gate.urls")),
    path("", include("antre.applications.urls")),
    path("", include("antre.applications.backoffice_urls")),
    path("", include("antre.whatsapp.urls")),
    path("", include("antre.reports.urls")),
    path("", include("antre.survey.urls")),
    path("", include("antre.audit.urls")),
    path("", include("antre.outreach.urls")),
    path("", include("antre.queueing.urls")),
]

# A database that cannot be reached (a failover) is a 503 with Retry-After, any other failure a 500.
handler500 = "antre.api_errors.server_error"
