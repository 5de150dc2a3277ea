"""Site pages: home, about and the privacy notice."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses import selectors as course_selectors
from participants import selectors as participant_selectors
from rtcm.core.center import center_name
from rtcm.core.privacy import CONSENT_TEXTS, Purpose
from website import selectors as website_selectors
from website import views as website_views


def home(request):
    context = {
        "upcoming": course_selectors.training_list_upcoming(limit=6),
        "totals": participant_selectors.center_totals(),
        "latest_news": website_selectors.news_latest(limit=3),
    }
    return render(request, "home.html", context)


def about(request):
    # A published page "about" that staff edit takes the place of the built-in text.
    page = website_selectors.about_page()
    if page is not None:
        return website_views.render_page(request, page)
    return render(request, "about.html")


# What the privacy notice says of each purpose: what the center keeps, and why.
PRIVACY_PURPOSES = {
    Purpose.REGISTRATION: (
        _(
            "Your name, e-mail address, phone, gender, nationality, country of residence, "
            "organisation and its type, position, preferred language, your answers to a "
            "training's questions, your attendance and your certificates."
        ),
        _(
            "To organise the trainings you register for (seats, regional quotas, waiting "
            "lists, e-mails about your registration), to issue certificates and let employers "
            "verify them, and for the center's statistics, which count people without naming "
            "them."
        ),
    ),
    Purpose.PHOTO: (
        _("Photos and videos in which you can be recognised, taken at the center's trainings."),
        _("To show the center's work in its reports, on its website and in its social media."),
    ),
    Purpose.NEWSLETTER: (
        _("Your name, e-mail address and preferred language."),
        _("To send you the center's newsletter about its trainings and publications."),
    ),
    Purpose.EXPERT_PROFILE: (
        _(
            "Your name, e-mail address, phone, country, organisation, position, expertise, "
            "working languages, biography, CV and photo."
        ),
        _(
            "To review your application to the expert network, to match experts to trainings "
            "and, while you are an active member who consents, to show your public profile "
            "(never your e-mail address, phone or CV)."
        ),
    ),
    Purpose.VOLUNTEERING: (
        _(
            "Your name, e-mail address, phone, country, city, languages, skills, availability "
            "and motivation, your assignments, hours and certificates of service."
        ),
        _(
            "To review your application to the Migration Volunteers, to assign you to trainings "
            "and events, and to issue certificates of service that anyone may verify by their "
            "code (never your e-mail address or phone)."
        ),
    ),
}


def _retention() -> dict[str, list[str]]:
    """How long each purpose's data is kept, in words, from the retention settings."""
    inactive_years = settings.RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS
    unattended_days = settings.RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS
    declined_days = settings.RTCM_RETAIN_DECLINED_EXPERTS_DAYS
    registration = []
    if unattended_days:
        registration.append(
            ngettext(
                "Your answers to a training's questions are deleted %(count)d day after the "
                "training ended if you did not attend it (cancelled, not accepted or absent).",
                "Your answers to a training's questions are deleted %(count)d days after the "
                "training ended if you did not attend it (cancelled, not accepted or absent).",
                unattended_days,
            )
            % {"count": unattended_days}
        )
    if inactive_years:
        registration.append(
            ngettext(
                "When you have had no training with the center for %(count)d year, your "
                "record is anonymised: your registrations remain only as anonymous counts.",
                "When you have had no training with the center for %(count)d years, your "
                "record is anonymised: your registrations remain only as anonymous counts.",
                inactive_years,
            )
            % {"count": inactive_years}
        )
    else:
        registration.append(str(_("Your record is kept until you ask for its erasure.")))
    expert = [str(_("Your profile is kept while you are a member of the network."))]
    if declined_days:
        expert.append(
            ngettext(
                "A declined application is erased, its CV and photo deleted, %(count)d day "
                "after the decision.",
                "A declined application is erased, its CV and photo deleted, %(count)d days "
                "after the decision.",
                declined_days,
            )
            % {"count": declined_days}
        )
    until_withdrawn = [str(_("Until you withdraw your consent."))]
    return {
        Purpose.REGISTRATION: registration,
        Purpose.PHOTO: until_withdrawn,
        Purpose.NEWSLETTER: until_withdrawn,
        Purpose.EXPERT_PROFILE: expert,
        Purpose.VOLUNTEERING: [
            str(
                _(
                    "Your record is kept while you volunteer with the center, until you ask "
                    "for its erasure."
                )
            )
        ],
    }


def privacy(request):
    """The privacy notice: who holds what, why, for how long, and the person's rights.

    The consent texts and versions are those the forms show (``rtcm.core.privacy``).
    """
    retention = _retention()
    purposes = [
        {
            "consent": entry,
            "collected": PRIVACY_PURPOSES[purpose][0],
            "why": PRIVACY_PURPOSES[purpose][1],
            "kept": retention[purpose],
        }
        for purpose, entry in CONSENT_TEXTS.items()
    ]
    context = {
        "controller": settings.RTCM_PRIVACY_CONTROLLER or center_name(),
        "contact_email": settings.RTCM_PRIVACY_CONTACT_EMAIL,
        "purposes": purposes,
    }
    return render(request, "privacy.html", context)
