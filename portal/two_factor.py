"""Two-factor authentication (TOTP) for ministry staff.

With ``OTP_REQUIRED_FOR_ADMIN`` (on in production, off in the demo), the admin only lets in staff
who verified a one-time code at login. Staff set up their authenticator app here.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator key as a QR code; confirm it with a first code."""
    if not request.user.is_staff:
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip().replace(" ", "")
        if token.isdigit() and device.verify_token(token):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on for your account."))
            return redirect("admin:index")
        error = _("This code is not right. Enter the six digits your app shows now.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return render(
        request,
        "portal/two_factor_setup.html",
        {
            "qr_svg": qr_svg,
            "secret": b32encode(device.bin_key).decode(),
            "error": error,
            "has_confirmed": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        },
    )
