"""Staff roles and the one table of what each may do in the admin.

A role is a Django group; superusers hold every role. ``ROLE_PERMISSIONS`` is
the only place a role's model permissions are declared: a data migration
(``core.0004_role_permissions``) applies it, and ``role_permissions_apply`` runs
again after every ``migrate`` (``rtcm.core.apps``), so that a model added later
gets its permissions granted too and a group edited by hand is put back. Who
may see which training's rows (the per-training scope) is not a permission:
it is ``rtcm.core.access``.
"""

from __future__ import annotations

COORDINATOR = "coordinator"
MANAGER = "manager"
LIBRARIAN = "librarian"
NETWORK_OFFICER = "network officer"
COMMUNICATIONS = "communications officer"  # the website: news, pages, partners' logos

ALL_ROLES = [COORDINATOR, MANAGER, LIBRARIAN, NETWORK_OFFICER, COMMUNICATIONS]
# Who vets the Migration Volunteers (like the experts) and who assigns them to trainings.
VOLUNTEER_ROLES = (NETWORK_OFFICER, COORDINATOR)
# Who opens the expert network's staff pages (officers keep it, coordinators pick trainers).
EXPERT_NETWORK_ROLES = (NETWORK_OFFICER, COORDINATOR)

VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")

# role -> {"app_label.model": actions}; each action is Django's "<action>_<model>" codename.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    COORDINATOR: {
        "courses.topic": VIEW,
        "courses.curriculum": VIEW,
        "courses.module": VIEW,
        "courses.signatory": VIEW,
        "courses.training": EDIT,  # no delete: a training is cancelled, not erased
        "courses.session": ALL,
        "courses.trainingquota": ALL,
        "courses.question": ALL,
        "participants.participant": ("view", "change"),
        "participants.registration": ("view", "change"),
        "participants.answer": VIEW,
        "participants.registrationevent": VIEW,
        "participants.attendance": EDIT,
        "participants.certificate": ("view", "change"),
        "participants.notification": VIEW,
        # Sent from the training's messages page, never from the admin.
        "participants.trainingmessage": VIEW,
        "participants.messageemail": VIEW,
        "experts.trainerrating": VIEW,
        "experts.expert": VIEW,  # to pick trainers for sessions
        "courses.programme": VIEW,
        "courses.organisation": VIEW,
        "volunteers.volunteer": VIEW,  # to assign them to their trainings
        "volunteers.assignment": ALL,
        "core.region": VIEW,
        "core.countryregion": VIEW,
    },
    MANAGER: {
        "courses.topic": VIEW,
        "courses.curriculum": VIEW,
        "courses.module": VIEW,
        "courses.training": VIEW,
        "courses.session": VIEW,
        "courses.trainingquota": VIEW,
        "participants.participant": VIEW,
        "participants.registration": VIEW,
        "participants.attendance": VIEW,
        "participants.certificate": VIEW,
        "participants.trainingmessage": VIEW,  # what was sent, not to whom
        "experts.trainerrating": VIEW,
        "experts.expert": VIEW,
        # Programmes and donors are the manager's: what the donors' reports are about.
        "courses.programme": ALL,
        "courses.programmeorganisation": ALL,
        "courses.indicator": ALL,
        "courses.organisation": ALL,
        "volunteers.volunteer": VIEW,
        "volunteers.assignment": VIEW,
        "volunteers.servicecertificate": VIEW,
        "core.region": EDIT,  # the country -> region mapping the reports group by
        "core.countryregion": ALL,
    },
    LIBRARIAN: {
        "courses.topic": VIEW,
        "library.document": ALL,
    },
    NETWORK_OFFICER: {
        "courses.topic": VIEW,
        "experts.expert": ALL,
        "experts.expertlanguage": ALL,
        "experts.expertmessage": VIEW,
        "experts.trainerrating": VIEW,
        "courses.programme": VIEW,
        "volunteers.volunteer": ALL,
        "volunteers.assignment": ALL,
        "volunteers.servicecertificate": ("view", "add", "change"),
        "volunteers.volunteermessage": VIEW,
    },
    COMMUNICATIONS: {
        "website.newsitem": ALL,
        "website.page": ALL,
        "website.contactmessage": VIEW,
        "courses.organisation": EDIT,  # the partners' logos and names on the site
        "courses.programme": VIEW,
        "core.identity": EDIT,
    },
}


def role_permission_codenames(role: str) -> set[tuple[str, str]]:
    """``(app_label, codename)`` of every permission the table gives ``role``."""
    return {
        (model.split(".")[0], f"{action}_{model.split('.')[1]}")
        for model, actions in ROLE_PERMISSIONS.get(role, {}).items()
        for action in actions
    }


def role_permissions_apply(*, group_model, permission_model) -> None:
    """Make each role's group hold exactly the table's permissions.

    Takes the models so that the data migration can pass its historical ones.
    A permission whose model does not exist (yet) is skipped: the run after
    ``migrate`` grants it.
    """
    for role in ALL_ROLES:
        group, _created = group_model.objects.get_or_create(name=role)
        wanted = role_permission_codenames(role)
        labels = {app_label for app_label, _codename in wanted}
        candidates = permission_model.objects.filter(
            content_type__app_label__in=labels
        ).select_related("content_type")
        permissions = [
            permission
            for permission in candidates
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)
