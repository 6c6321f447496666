"""Staff pages for two-factor authentication: set up or replace the authenticator, enter a code,
new recovery codes. The rules are in ``portal/accounts/two_factor.py``."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from portal.accounts import two_factor
from portal.accounts.access import staff_required


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


@staff_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the first authenticator, or replace one from a verified session."""
    user = request.user
    verified = bool(user.is_verified())
    has_authenticator = two_factor.has_authenticator(user)
    if has_authenticator and not verified:
        # A password alone never shows a new key: prove the authenticator first.
        query = urlencode({"next": reverse("two_factor_setup")})
        return redirect(reverse("two_factor_verify") + "?" + query)
    error = ""
    if request.method == "POST" and request.POST.get("action") == "begin":
        two_factor.begin(user, verified=verified)
        return redirect("two_factor_setup")
    device = two_factor.pending_authenticator(user)
    if request.method == "POST" and device is not None:
        try:
            codes = two_factor.confirm(
                request,
                device=device,
                code=request.POST.get("token", ""),
                current_code=request.POST.get("current", ""),
            )
        except two_factor.TwoFactorError as problem:
            error = str(problem)
        else:
            return render(request, "portal/two_factor_codes.html", {"codes": codes, "new": True})
    context = {
        "has_authenticator": has_authenticator,
        "codes_left": two_factor.recovery_codes_left(user) if has_authenticator else 0,
        "error": error,
    }
    if device is not None:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#000", light="#fff"
        )
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "portal/two_factor_setup.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Enter a code from the authenticator (or a recovery code) to finish logging in."""
    user = request.user
    if not two_factor.has_authenticator(user):
        return redirect("two_factor_setup")
    if user.is_verified():
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        try:
            device = two_factor.verify(user, request.POST.get("token", ""))
        except two_factor.TwoFactorError as problem:
            error = str(problem)
        else:
            otp_login(request, device)
            return redirect(_next(request))
    return render(
        request, "portal/two_factor_verify.html", {"error": error, "next": _next(request)}
    )


@staff_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    codes = two_factor.regenerate_recovery_codes(request)
    return render(request, "portal/two_factor_codes.html", {"codes": codes, "new": False})
