"""The Migration Volunteers of the demo: twelve people writing their names in their own
scripts (Azerbaijani with ə, Russian, Arabic, Georgian, Armenian), in every status,
and a few completed assignments with hours on the demo's past trainings.

Idempotent by e-mail: a volunteer whose e-mail exists is left as it is (and gets no
second assignment). Everything goes through ``volunteers.services``, so the demo obeys
the rules (only active volunteers are assigned, never twice at once).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from courses.models import Training
from rtcm.core.errors import DomainError
from volunteers import selectors, services
from volunteers.models import Assignment, Volunteer

# (given, family, latin given, latin family, e-mail, country, city, languages, skills, status)
VOLUNTEERS = [
    (
        "Aysel",
        "Məmmədova",
        "",
        "",
        "aysel.mammadova",
        "AZ",
        "Bakı",
        ["az", "en", "ru"],
        ["registration", "interpretation"],
        "active",
    ),
    (
        "Elçin",
        "Həsənov",
        "Elchin",
        "Hasanov",
        "elchin.hasanov",
        "AZ",
        "Gəncə",
        ["az", "tr"],
        ["logistics"],
        "active",
    ),
    (
        "Нигяр",
        "Алиева",
        "Nigar",
        "Aliyeva",
        "nigar.aliyeva",
        "AZ",
        "Сумгаит",
        ["ru", "az"],
        ["social_media", "photography"],
        "active",
    ),
    (
        "Дмитрий",
        "Соколов",
        "Dmitry",
        "Sokolov",
        "dmitry.sokolov",
        "KZ",
        "Алматы",
        ["ru", "kk"],
        ["it", "logistics"],
        "active",
    ),
    (
        "Анна",
        "Кузнецова",
        "",
        "",
        "anna.kuznetsova",
        "KG",
        "Бишкек",
        ["ru", "ky", "en"],
        ["interpretation"],
        "applicant",
    ),
    (
        "ليلى",
        "حداد",
        "Layla",
        "Haddad",
        "layla.haddad",
        "JO",
        "عمّان",
        ["ar", "en"],
        ["interpretation", "registration"],
        "active",
    ),
    (
        "عمر",
        "الخطيب",
        "Omar",
        "Al-Khatib",
        "omar.alkhatib",
        "LB",
        "بيروت",
        ["ar", "fa"],
        ["social_media"],
        "applicant",
    ),
    ("نور", "الهدى", "", "", "nour.alhuda", "EG", "القاهرة", ["ar"], ["logistics"], "declined"),
    (
        "ნინო",
        "კაპანაძე",
        "Nino",
        "Kapanadze",
        "nino.kapanadze",
        "GE",
        "თბილისი",
        ["ka", "en", "ru"],
        ["registration", "photography"],
        "active",
    ),
    (
        "გიორგი",
        "ბერიძე",
        "Giorgi",
        "Beridze",
        "giorgi.beridze",
        "GE",
        "ბათუმი",
        ["ka"],
        ["logistics"],
        "inactive",
    ),
    (
        "Արամ",
        "Պետրոսյան",
        "Aram",
        "Petrosyan",
        "aram.petrosyan",
        "AM",
        "Երևան",
        ["hy", "ru"],
        ["it", "social_media"],
        "active",
    ),
    (
        "Լուսինե",
        "Հակոբյան",
        "Lusine",
        "Hakobyan",
        "lusine.hakobyan",
        "AM",
        "Գյումրի",
        ["hy", "en"],
        ["interpretation"],
        "applicant",
    ),
]
DOMAIN = "volunteers.example.org"
ROLES = {  # a skill's role at a training
    "logistics": Assignment.Role.LOGISTICS,
    "interpretation": Assignment.Role.INTERPRETATION,
    "registration": Assignment.Role.REGISTRATION,
    "social_media": Assignment.Role.SOCIAL_MEDIA,
    "photography": Assignment.Role.PHOTOGRAPHY,
    "it": Assignment.Role.IT,
}
CORRESPONDENCE = {"AZ": "az", "KZ": "ru", "KG": "ru", "JO": "ar", "LB": "ar", "EG": "ar"}


def _past_trainings() -> list[Training]:
    today = timezone.localdate()
    return list(
        Training.objects.filter(end_date__lt=today)
        .exclude(status=Training.Status.CANCELLED)
        .order_by("-end_date", "pk")[:6]
    )


def seed_volunteers() -> int:
    """Create the demo's volunteers that do not exist yet; returns how many were created."""
    trainings = _past_trainings()
    created = 0
    for index, row in enumerate(VOLUNTEERS):
        given, family, given_latin, family_latin, local, country, city, langs, skills, status = row
        email = f"{local}@{DOMAIN}"
        if selectors.volunteer_with_email(email) is not None:
            continue
        volunteer = services.volunteer_apply(
            data={
                "given_name": given,
                "family_name": family,
                "given_name_latin": given_latin,
                "family_name_latin": family_latin,
                "email": email,
                "phone": "",
                "country": country,
                "city": city,
                "availability": "Weekends and university holidays.",
                "motivation": "I would like to help the center's work with migrants.",
                "correspondence_language": CORRESPONDENCE.get(country, "en"),
            },
            languages=langs,
            skills=skills,
            consent=True,
        )
        created += 1
        if status == Volunteer.Status.DECLINED:
            services.volunteer_decline(volunteer=volunteer, actor=None)
            continue
        if status == Volunteer.Status.APPLICANT:
            continue
        services.volunteer_accept(volunteer=volunteer, actor=None)
        # Two past trainings each for the active ones (and the one now inactive).
        for offset in range(2):
            if not trainings:
                break
            training = trainings[(index + offset) % len(trainings)]
            try:
                assignment = services.assignment_create(
                    volunteer=volunteer,
                    training=training,
                    role=ROLES[skills[offset % len(skills)]],
                    actor=None,
                )
                services.assignment_complete(
                    assignment=assignment,
                    hours=min(
                        services.assignment_default_hours(assignment),
                        services.assignment_max_hours(assignment),
                    )
                    or Decimal(4),
                )
            except DomainError:
                continue  # e.g. two overlapping past trainings: the clash rule says no
        if status == Volunteer.Status.INACTIVE:
            services.volunteer_deactivate(volunteer=volunteer, actor=None)
    return created
