"""The staff member's own account security, under ``/staff/security/`` (``security:``).

- ``index``: the second factor's state; set up an authenticator app (a QR code and the
  key as text, confirmed with a code it shows), which also gives ten recovery codes;
- ``recovery_codes``: ten new recovery codes, shown once (after a recent sign-in);
- ``remove``: remove the authenticator and the codes (after a recent sign-in);
- ``confirm``: the password again (and a code, for those with an authenticator), then
  back to ``?next=`` — for sensitive actions (``rtcm.core.reauth``) and for a session
  that has not passed its code yet (``rtcm.core.two_factor``);
- ``language``: the staff member's own language, of their pages and of the e-mails RTCM
  sends them (``rtcm.core.staff_language``), chosen on ``index``.

Also ``admin_view_on_site``: the admin's "view on site" jump, only for models whose admin
offers it (a registration's public page is its private manage link: staff get none).
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import authenticate, login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from rtcm.core import staff_language, two_factor
from rtcm.core.access import staff_required
from rtcm.core.forms import StyledFormMixin
from rtcm.core.reauth import (
    authentication_is_recent,
    confirm_url,
    reauthentication_redirect,
    recent_authentication_required,
)


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class LanguageForm(StyledFormMixin, forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("The language of your pages and of the e-mails RTCM sends you."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language in its own name, as the language switcher shows it.
        self.fields["language"].choices = [
            (code, translation.get_language_info(code)["name_local"])
            for code, _name in settings.LANGUAGES
        ]


def _language_form(request: HttpRequest) -> LanguageForm | None:
    """The language form, for a session that may use the page fully (not held by 2FA)."""
    if two_factor.session_needs(request) is not None:
        return None
    chosen = staff_language.staff_language(request.user)
    return LanguageForm(initial={"language": chosen or translation.get_language()})


class ConfirmForm(StyledFormMixin, forms.Form):
    """The signed-in person's password (through django-axes: failures count and lock),
    and their two-factor code when they have an authenticator."""

    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = two_factor.code_field()

    def __init__(self, *args, request: HttpRequest, **kwargs):
        self.request = request
        self.needs_code = two_factor.two_factor_mode() != two_factor.OFF and (
            two_factor.session_device_refresh(request, request.user)
        )
        super().__init__(*args, **kwargs)
        if self.needs_code:
            self.fields["otp_token"].required = True
        else:
            del self.fields["otp_token"]
        self.user_cache = None

    def clean(self):
        cleaned = super().clean()
        username = self.request.user.get_username()
        password = cleaned.get("password")
        if password is None:
            return cleaned
        user = authenticate(self.request, username=username, password=password)
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(_("The password is wrong."), code="invalid_login")
        if self.needs_code:
            device = two_factor.two_factor_verify(user=user, code=cleaned.get("otp_token", ""))
            if device is None:
                two_factor.two_factor_failed(request=self.request, username=username)
                raise forms.ValidationError(two_factor.WRONG_CODE, code="otp_invalid")
            user.otp_device = device
        self.user_cache = user
        return cleaned


def _next_or(request: HttpRequest, default: str) -> str:
    """``?next=`` (or the form's ``next``) when it stays on this site; else ``default``."""
    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


def _qr_data_uri(device) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(
        scale=4, border=2, dark="#000", light="#fff"
    )


def _secret_text(device) -> str:
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _show_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """The codes once, in this answer only (never stored, never cached)."""
    return render(request, "core/security/recovery_codes.html", {"codes": codes})


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, home_url_name: str) -> HttpResponse:
    enabled = two_factor.session_device_refresh(request, request.user)
    if enabled:
        if not request.user.is_verified() and two_factor.two_factor_mode() != two_factor.OFF:
            return redirect(confirm_url(request.path))
        context = {
            "enabled": True,
            "codes_left": two_factor.recovery_codes_left(request.user),
            "mode": two_factor.two_factor_mode(),
            "home_url": reverse(home_url_name),
            "language_form": _language_form(request),
        }
        return render(request, "core/security/index.html", context)
    device = two_factor.totp_device_start(user=request.user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not authentication_is_recent(request):
            return reauthentication_redirect(request)
        codes = form.is_valid() and two_factor.two_factor_enrol(
            device=device, code=form.cleaned_data["code"]
        )
        if codes:
            otp_login(request, device)  # this session passed its code
            two_factor.session_device_refresh(request, request.user)
            messages.success(request, _("Two-factor authentication is on."))
            return _show_codes(request, codes)
        if not form.errors:
            form.add_error("code", _("This code is not the one the app shows. Try the next one."))
        status = 400
    context = {
        "enabled": False,
        "form": form,
        "qr": _qr_data_uri(device),
        "secret": _secret_text(device),
        "mode": two_factor.two_factor_mode(),
        "home_url": reverse(home_url_name),
        "language_form": _language_form(request),
    }
    return render(request, "core/security/index.html", context, status=status)


@never_cache
@staff_required
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest, home_url_name: str) -> HttpResponse:
    if not two_factor.two_factor_enabled(request.user):
        return redirect("security:index")
    if request.method == "POST":
        return _show_codes(request, two_factor.recovery_codes_generate(user=request.user))
    context = {"codes_left": two_factor.recovery_codes_left(request.user)}
    return render(request, "core/security/recovery_codes_new.html", context)


@never_cache
@staff_required
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, home_url_name: str) -> HttpResponse:
    if not two_factor.two_factor_enabled(request.user):
        return redirect("security:index")
    if request.method == "POST":
        two_factor.two_factor_remove(user=request.user)
        two_factor.session_device_refresh(request, request.user)
        messages.success(request, _("Two-factor authentication is off for your account."))
        return redirect("security:index")
    return render(request, "core/security/remove.html")


@never_cache
@staff_required
@require_POST
def language(request: HttpRequest, home_url_name: str) -> HttpResponse:
    """Keep the chosen language and switch the pages to it (the cookie, from this answer)."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect("security:index")
    chosen = form.cleaned_data["language"]
    staff_language.staff_language_set(user=request.user, language=chosen)
    translation.activate(chosen)
    request.LANGUAGE_CODE = chosen
    messages.success(request, _("Your language is saved."))
    response = redirect("security:index")
    staff_language.set_language_cookie(response, chosen)
    return response


@never_cache
@sensitive_post_parameters("password", "otp_token")
@staff_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, home_url_name: str) -> HttpResponse:
    next_url = _next_or(request, reverse(home_url_name))
    form = ConfirmForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        # A new sign-in of the same person: a new session key, the time of it noted
        # (``rtcm.core.reauth``), the code's device kept (django-otp), axes' count reset.
        login(request, form.user_cache)
        return HttpResponseRedirect(next_url)
    status = 400 if form.errors else 200
    context = {"form": form, "next": next_url, "needs_code": form.needs_code}
    return render(request, "core/security/confirm.html", context, status=status)


def admin_view_on_site(request: HttpRequest, content_type_id: int, object_id: str):
    """The admin's jump to an object's page, refused (404) where its admin offers none."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist as missing:
        raise Http404 from missing
    if model is None or not admin.site.is_registered(model):
        raise Http404
    if not admin.site.get_model_admin(model).view_on_site:
        raise Http404
    return shortcut(request, content_type_id, object_id)
