"""Staff sign-in, and the administrator's home that links every tool."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from antre.offices.models import Office
from antre.people import authorizers, twostep
from antre.people.homes import home_for
from antre.people.staff_requests import StaffRequest


class StaffLoginView(auth_views.LoginView):
    """The login form; without `?next=` each role lands on its own page."""

    template_name = "people/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if twostep.confirmed_device(user) is not None:
            return twostep.begin(self.request, user, self.get_redirect_url())
        return super().form_valid(form)

    def get_default_redirect_url(self) -> str:
        home = home_for(self.request.user)
        return home.url if home else super().get_default_redirect_url()


@login_required
def staff_home(request: StaffRequest) -> HttpResponse:
    """Every tool of the office in one place, for the administrator."""
    if not authorizers.may_open_staff_home(request.user):
        return render(request, "people/forbidden.html", status=403)
    office = request.user.office or Office.objects.order_by("pk").first()
    return render(request, "people/staff_home.html", {"office": office})


class PasswordChange(auth_views.PasswordChangeView):
    """A signed-in officer sets a new password, under the same policy as the admin's forms (their
    API token is revoked by the change itself, antre.people.models.User.save)."""

    template_name = "people/password_change.html"
    success_url = reverse_lazy("people:password_changed")


@login_required
def password_changed(request: StaffRequest) -> HttpResponse:
    return render(request, "people/password_changed.html")
