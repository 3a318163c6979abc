from django import template

register = template.Library()


@register.filter
def get(mapping: dict, key: str):
    """A dict's value by a key held in a variable (a channel's count)."""
    return mapping.get(key, 0)
