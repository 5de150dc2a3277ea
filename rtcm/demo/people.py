"""The demo's participants: names in their own scripts, organisations, phones, languages.

Participant ``i`` is the same whatever the count (one random stream, drawn in
order), so a second run finds every person by e-mail and writes none twice.
People are written in bulk (``common.insert_rows``): a ``Participant`` row has no
rule beyond its fields, which their validators accept (a test checks); the
person's consent time, and their record's, is the time of their first
registration (``registrations.plan_registrations`` sets it).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db.models.functions import Lower

from participants.models import Participant
from rtcm.demo import data
from rtcm.demo.common import BATCH_SIZE, Created, Weighted, insert_rows


@dataclass(slots=True)
class PersonSpec:
    given_name: str
    family_name: str
    email: str
    phone: str
    gender: str
    nationality: str
    residence: str
    organisation: str
    organisation_type: str
    position: str
    preferred_language: str
    region: str
    consent_given_at: dt.datetime | None = None


@dataclass(frozen=True)
class Pickers:
    country: Weighted[str]
    country_by_region: dict[str, Weighted[str]]
    name_pool: dict[str, Weighted[str]]
    language: dict[str, Weighted[str]]
    gender: Weighted[str]
    organisation_type: Weighted[str]
    expert_organisation_type: Weighted[str]

    @classmethod
    def build(cls) -> Pickers:
        by_region: dict[str, list[tuple[str, float]]] = {}
        for code, profile in data.COUNTRIES.items():
            by_region.setdefault(profile.region, []).append((code, profile.weight))
        return cls(
            country=Weighted((code, p.weight) for code, p in data.COUNTRIES.items()),
            country_by_region={region: Weighted(pairs) for region, pairs in by_region.items()},
            name_pool={code: Weighted(p.name_pools) for code, p in data.COUNTRIES.items()},
            language={code: Weighted(p.languages) for code, p in data.COUNTRIES.items()},
            gender=Weighted(data.GENDERS),
            organisation_type=Weighted(data.ORGANISATION_TYPES),
            expert_organisation_type=Weighted(data.EXPERT_ORGANISATION_TYPES),
        )


def person_name(rng: random.Random, pool_key: str, gender: str) -> tuple[str, str]:
    pool = data.NAME_POOLS[pool_key]
    female = gender == "female" or (gender not in ("male", "female") and rng.random() < 0.5)
    given = rng.choice(pool.female if female else pool.male)
    family = pool.family_for(rng.choice(pool.family), female=female)
    return given, family


def organisation(rng: random.Random, country: str, kind: str) -> tuple[str, str]:
    """An organisation of the country and its type (international when none is known)."""
    profile = data.COUNTRIES[country]
    options = {
        "government": profile.government,
        "ngo": profile.ngo,
        "academia": profile.academia,
        "international": data.INTERNATIONAL_ORGANISATIONS,
        "other": data.OTHER_ORGANISATIONS,
    }[kind]
    if not options:
        kind, options = "international", data.INTERNATIONAL_ORGANISATIONS
    return rng.choice(options).format(country=profile.name), kind


def phone_number(rng: random.Random, country: str) -> str:
    code = data.COUNTRIES[country].phone_code
    return (
        f"+{code} {rng.randint(20, 99)} {rng.randint(100, 999)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}"
    )


def residence(rng: random.Random, nationality: str) -> str:
    abroad = data.RESIDENCE_ABROAD.get(nationality)
    if abroad and rng.random() < abroad[1]:
        return rng.choice(abroad[0])
    return nationality


def position(rng: random.Random, org_name: str, org_type: str) -> str:
    """A position that fits the organisation: border guards at a border service, and so on."""
    if org_type == "government":
        for key in ("Border", "Foreign Affairs", "Labour"):
            if key in org_name:
                return rng.choice(data.POSITIONS[key])
    return rng.choice(data.POSITIONS[org_type])


def preferred_language(rng: random.Random, pickers: Pickers, country: str, pool: str) -> str:
    """The country's languages, except that Russian-named people write in Russian or English;
    a language the interface does not offer yet (Uzbek, Georgian …) gives Russian, the
    region's shared one (English in Turkey)."""
    if pool == "ru":
        return "ru" if rng.random() < 0.85 else "en"
    language = pickers.language[country].pick(rng)
    if language in {code for code, _name in settings.LANGUAGES}:
        return language
    return "en" if country == "TR" else "ru"


def build_person(rng: random.Random, pickers: Pickers, number: int) -> PersonSpec:
    country = pickers.country.pick(rng)
    gender = pickers.gender.pick(rng)
    pool = pickers.name_pool[country].pick(rng)
    given, family = person_name(rng, pool, gender)
    org_name, org_type = organisation(rng, country, pickers.organisation_type.pick(rng))
    local = f"{data.ascii_name(given)}.{data.ascii_name(family)}".strip(".") or "participant"
    return PersonSpec(
        given_name=given,
        family_name=family,
        email=f"{local}{number}@{rng.choice(data.EMAIL_DOMAINS)}",
        phone=phone_number(rng, country),
        gender=gender,
        nationality=country,
        residence=residence(rng, country),
        organisation=org_name,
        organisation_type=org_type,
        position=position(rng, org_name, org_type),
        preferred_language=preferred_language(rng, pickers, country, pool),
        region=data.COUNTRIES[country].region,
    )


def build_people(seed: int, count: int, pickers: Pickers) -> list[PersonSpec]:
    """Participant i is the same whatever the count: one stream, drawn in order."""
    rng = random.Random(f"{seed}:participants")
    return [build_person(rng, pickers, number) for number in range(1, count + 1)]


def participant_ids() -> dict[str, int]:
    """Participant id by lowercased e-mail, read in one pass (no long IN lists)."""
    rows = Participant.objects.annotate(key=Lower("email")).values_list("key", "pk")
    return dict(rows.iterator(chunk_size=BATCH_SIZE))


PARTICIPANT_FIELDS = [
    *("given_name", "family_name", "email", "phone", "gender", "nationality"),
    *("country_of_residence", "organisation", "organisation_type", "position"),
    *("preferred_language", "consent_given_at", "created_at", "updated_at"),
]


def create_participants(people: list[PersonSpec], created: Created) -> dict[str, int]:
    """The people not yet in the database, each on record from their consent (their
    first registration); returns every participant's id by lowercased e-mail."""
    existing = participant_ids()
    count = insert_rows(
        Participant,
        PARTICIPANT_FIELDS,
        (
            (
                *(person.given_name, person.family_name, person.email, person.phone),
                *(person.gender, person.nationality, person.residence, person.organisation),
                *(person.organisation_type, person.position, person.preferred_language),
                *[person.consent_given_at] * 3,
            )
            for person in people
            if person.email not in existing
        ),
    )
    created.participants += count
    return participant_ids() if count else existing
