"""Antre's URL configuration with one route more, which nobody has decided about (test_permissions)."""

from django.http import HttpResponse
from django.urls import path

from antre.urls import urlpatterns as antre_patterns

urlpatterns = [*antre_patterns, path("rahasia/", lambda request: HttpResponse("?"), name="undecided")]
