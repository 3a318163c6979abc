"""The survey's offer on pages of the apps below it (the ticket page, the application's status
page), which cannot import it: the template loads these tags by name."""

from __future__ import annotations

from django import template
from django.urls import reverse

from antre.survey import services

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None (a form's data and errors by a field's name)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def visit_survey_url(ticket) -> str:
    """The survey's signed link for a visit that ended served; "" for any other ticket."""
    token = services.visit_token(ticket)
    return reverse("survey:answer", args=[ticket.office.slug, token]) if token else ""


@register.simple_tag
def application_survey_url(application) -> str:
    """The survey's signed link for an application that is done; "" before that."""
    token = services.application_token(application)
    return reverse("survey:answer", args=[application.office.slug, token]) if token else ""
