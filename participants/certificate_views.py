"""Public certificate verification: by typed code, or by the QR code's link.

Shows only what the certificate itself says (name, training, dates, hours,
issue date) and whether it is valid or revoked — never an e-mail or any other
personal data. Rate-limited per client against enumeration (the codes carry
100 random bits, so guessing is hopeless anyway).
"""

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from participants import selectors
from participants.certificates import certificate_context, training_facts
from participants.hooks import certificate_verify_other
from rtcm.core.forms import style_fields
from rtcm.core.ratelimit import rate_limited


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean_code(self) -> str:
        """The code as printed, without spaces or hyphens, in capitals: only letters and
        digits, so it always makes a verification address (a "/" made none: a 500)."""
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").upper()
        if not code.isascii() or not code.isalnum():
            raise forms.ValidationError(
                _("A verification code has only letters and digits."), code="invalid"
            )
        return code


def _too_many(request):
    return rate_limited(
        request, scope="verify", limit=settings.RTCM_VERIFY_RATE_PER_MINUTE, per_seconds=60
    )


@require_GET
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("certificates:verify_code", code=form.cleaned_data["code"])
    return render(request, "participants/certificates/verify_form.html", {"form": form})


@require_GET
def verify_code(request, code):
    if _too_many(request):
        return render(request, "participants/certificates/too_many.html", status=429)
    certificate = selectors.certificate_get_by_code(code=code)
    other = certificate_verify_other(code) if certificate is None else None
    if other is not None:  # a certificate of another kind (e.g. of service)
        template_name, context = other
        response = render(request, template_name, {**context, "form": VerifyForm()})
    elif certificate is None:
        response = render(
            request,
            "participants/certificates/verify_result.html",
            {"certificate": None, "code": code, "form": VerifyForm()},
            status=404,
        )
    else:
        facts = training_facts(certificate.registration.training)
        # What the certificate says, in the reader's language; the name as printed.
        context = certificate_context(
            certificate, facts, languages=[translation.get_language() or "en"]
        )
        # The holder had their data erased: the certificate stands withdrawn, unnamed.
        withdrawn = certificate.registration.participant.erased_at is not None
        response = render(
            request,
            "participants/certificates/verify_result.html",
            {
                "certificate": certificate,
                "withdrawn": withdrawn,
                "name": "" if withdrawn else context["name"],
                "name_lines": [] if withdrawn else context["name_lines"],
                "part": context["parts"][0],
                "training": certificate.registration.training,
                "hours": context["hours"],
                "form": VerifyForm(),
            },
        )
    response["X-Robots-Tag"] = "noindex"
    return response
