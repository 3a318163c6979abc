"""Template tags for staff pages."""

from django import template

from antre.people.homes import home_for

register = template.Library()


@register.inclusion_tag("partials/your_home.html", takes_context=True)
def your_home(context):
    """On a page that refused this user: the page their role should use instead."""
    return {"home": home_for(context["request"].user)}
