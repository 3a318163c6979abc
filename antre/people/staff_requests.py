"""The requests of signed-in staff, typed as what their guard promises.

A view behind `login_required` is only called with a signed-in user, and an API endpoint with
`auth=staff_auth` only with the staff member ninja found (antre.people.apiauth). Annotating the
request with these says so to the type checker; what each user may do is still asked of
antre.people.authorizers.
"""

from __future__ import annotations

from django.http import HttpRequest

from antre.people.models import User


class StaffRequest(HttpRequest):
    """A page request behind `login_required`: its user is a User, never the anonymous one."""

    user: User


class StaffApiRequest(HttpRequest):
    """An API request behind `auth=staff_auth`: ninja has put the staff member in `auth`."""

    auth: User
