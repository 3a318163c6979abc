"""The optional second step at login, for the admin and the head of office: a six-digit code from an
authenticator app (TOTP, django-otp). Enrolled on /staf/dua-langkah/; once confirmed, /masuk/ asks
for the code after the password, and /admin/login/ sends the account to /masuk/."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib import auth, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from antre import clock
from antre.people import authorizers
from antre.people.homes import home_for
from antre.people.models import User
from antre.people.staff_requests import StaffRequest

PENDING = "antre_two_step"  # in the session: who gave the right password, and where they go next
PENDING_SECONDS = 300  # the code is asked for right away; a password typed long ago counts no more


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def begin(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right: remember who, not signed in yet, and ask for the code."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "until": clock.now().timestamp() + PENDING_SECONDS,
    }
    return redirect("people:two_step_code")


class CodeForm(forms.Form):
    code = forms.CharField(max_length=10, strip=True)


def _pending_user(request: HttpRequest) -> tuple[dict, User] | None:
    pending = request.session.get(PENDING)
    if not pending or clock.now().timestamp() > pending["until"]:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (pending, user) if user is not None else None


@require_http_methods(["GET", "POST"])
def code_step(request: HttpRequest) -> HttpResponse:
    """The login's second step: the code from the app, then the user's own page."""
    found = _pending_user(request)
    device = confirmed_device(found[1]) if found else None
    if found is None or device is None:
        request.session.pop(PENDING, None)
        messages.warning(request, _("Waktu memasukkan kode sudah habis. Masuk lagi dengan kata sandi."))
        return redirect("people:login")
    pending, user = found
    error = ""
    if request.method == "POST":
        allowed, _why = device.verify_is_allowed()
        code = request.POST.get("code", "").replace(" ", "")
        if not allowed:
            error = _("Terlalu sering salah. Tunggu sebentar, lalu coba lagi.")
        elif code.isdigit() and device.verify_token(code):  # a wrong code slows the next try (django-otp)
            del request.session[PENDING]
            auth.login(request, user, backend=pending["backend"])
            otp_login(request, device)
            home = home_for(user)
            safe = url_has_allowed_host_and_scheme(pending["next"], {request.get_host()})
            return redirect(pending["next"] if pending["next"] and safe else (home.url if home else "/"))
        else:
            error = _("Kode salah atau sudah lewat waktunya. Ketik kode yang sedang tampil di aplikasi.")
    status = 200 if not error else 422
    return render(
        request, "people/two_step_code.html", {"error": error, "username": user.username}, status=status
    )


def _qr(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(omitsize=True, dark="#111", title="TOTP")
    return mark_safe(svg)  # noqa: S308 (made by segno from the device's own URL)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: StaffRequest) -> HttpResponse:
    """Turn the second step on (scan, then type a code to confirm) or off (a code again)."""
    user = request.user
    if not authorizers.may_use_two_step(user):
        refused = _("Kode dua langkah hanya untuk administrator dan kepala dinas.")
        return render(request, "people/forbidden.html", {"refused": refused}, status=403)
    device = confirmed_device(user)
    if device is None:
        device, _made = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "Antre"}
        )
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "").replace(" ", "")
        if code.isdigit() and device.verify_token(code):
            if device.confirmed:
                device.delete()
                messages.success(request, _("Kode dua langkah dimatikan. Masuk cukup dengan kata sandi."))
            else:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                messages.success(
                    request, _("Kode dua langkah aktif. Setiap masuk, siapkan aplikasi autentikator.")
                )
            return redirect("people:two_step")
        error = _("Kode salah atau sudah lewat waktunya. Ketik kode yang sedang tampil di aplikasi.")
    context = {"device": device, "error": error}
    if not device.confirmed:
        context |= {"qr_svg": _qr(device), "secret": base64.b32encode(device.bin_key).decode()}
    return render(request, "people/two_step.html", context, status=422 if error else 200)


class AdminLogin(AdminAuthenticationForm):
    """The admin's login form, which would skip the second step: such accounts sign in on /masuk/."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if confirmed_device(user) is not None:
            raise ValidationError(
                _(
                    "Akun ini memakai kode dua langkah: masuk lewat halaman Masuk petugas (/masuk/?next=/admin/)."
                ),
                code="two_step",
            )
