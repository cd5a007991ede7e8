"""Two-factor authentication for the newsroom: a password, then a code from
an authenticator app (TOTP, RFC 6238, with django-otp).

With MINBAR_REQUIRE_2FA on (production's default), an account that has not
set up its app is sent to set it up before it can use the newsroom, and an
account that has is asked for a code once per login.  Codes are checked by
django-otp, which slows down repeated wrong codes; the password step is
throttled by django-axes.
"""

import io

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

# Newsroom pages an account may see before its second factor.
OPEN_PATHS = ("/newsroom/login/", "/newsroom/logout/", "/newsroom/two-factor/")
OPEN_PREFIXES = ("/newsroom/jsi18n/", "/newsroom/sprite")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "dir": "ltr",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                _("Too many wrong codes: wait a little, then try again.")
            )
        if not self.device.verify_token(code):
            raise forms.ValidationError(_("This code is not right, or has expired."))
        return code


class RequireTwoFactorMiddleware:
    """Keep the newsroom closed to an account until its second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.must_verify(request):
            step = "setup" if not user_has_device(request.user) else "verify"
            target = reverse(f"two_factor_{step}")
            return redirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)

    def must_verify(self, request) -> bool:
        path = request.path
        if not settings.MINBAR_REQUIRE_2FA or not path.startswith("/newsroom/"):
            return False
        if path.startswith(OPEN_PATHS) or path.startswith(OPEN_PREFIXES):
            return False
        user = request.user
        return user.is_authenticated and not user.is_verified()


def next_page(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("wagtailadmin_home")


def setup(request):
    """Set up the authenticator app: a QR code, then a first code to confirm."""
    if not request.user.is_authenticated:
        return redirect("wagtailadmin_login")
    if user_has_device(request.user):
        return redirect(f"{reverse('two_factor_verify')}?next={next_page(request)}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=_("Authenticator app"), confirmed=False
        )
    form = CodeForm(device, request.POST or None)
    if form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(next_page(request))
    qr_code = io.BytesIO()
    write_qrcode_image(device.config_url, qr_code)
    return render(
        request,
        "minbar/accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": qr_code.getvalue().decode(),
            "secret": _spaced(device.config_url.split("secret=")[1].split("&")[0]),
            "next": next_page(request),
        },
    )


def verify(request):
    """Ask for a code once per login."""
    if not request.user.is_authenticated:
        return redirect("wagtailadmin_login")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?next={next_page(request)}")
    form = CodeForm(device, request.POST or None)
    if form.is_valid():
        otp_login(request, device)
        return redirect(next_page(request))
    return render(
        request,
        "minbar/accounts/two_factor_verify.html",
        {"form": form, "next": next_page(request)},
    )


def _spaced(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
