"""Training materials for participants: the manage-page panel and its scoped links.

A confirmed participant opens the library documents attached to their training,
whatever their access level, from their manage page. Each link carries a token
signed for that purpose only (``django.core.signing`` with its own salt) and
scoped to one registration and one document: it opens that document's page and
its download, nothing else, and stops working as soon as the registration is no
longer confirmed or the document is no longer a material of its training. The
manage token itself never leaves the manage page.

The panel is registered into ``participants.panels`` by ``library.apps``.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest

from library.models import Document
from participants.models import Registration
from participants.panels import PanelOutput

MATERIAL_SALT = "rtcm.library.material"
# A link from the manage page is fresh each time the page is shown; an old
# copied link runs out after this long.
MATERIAL_LINK_MAX_AGE = dt.timedelta(days=30)
MATERIAL_PARAM = "material"
TOKEN_MAX_LENGTH = 200


def material_token_make(*, registration: Registration, document: Document) -> str:
    """A token that opens ``document`` for the holder of ``registration``'s manage page."""
    return signing.dumps({"r": registration.pk, "d": document.pk}, salt=MATERIAL_SALT)


def material_token_opens(token: str | None, *, document: Document) -> bool:
    """Whether ``token`` opens ``document`` now: signed for materials, not expired, made
    for this document, and its registration still confirmed on a training that has it."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return False
    try:
        scope = signing.loads(token, salt=MATERIAL_SALT, max_age=MATERIAL_LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired too
        return False
    if not isinstance(scope, dict) or scope.get("d") != document.pk:
        return False
    trainings = Registration.objects.filter(
        pk=scope.get("r"), status=Registration.Status.CONFIRMED
    ).values("training_id")
    return Document.trainings.through.objects.filter(
        document_id=document.pk, training_id__in=trainings
    ).exists()


def registration_materials(*, registration: Registration) -> QuerySet[Document]:
    """The materials of a confirmed registration's training, by title (none otherwise)."""
    if registration.status != Registration.Status.CONFIRMED:
        return Document.objects.none()
    return (
        Document.objects.filter(trainings=registration.training_id)
        .defer("extracted_text")
        .order_by(Lower("title"), "pk")
    )


def materials_panel(
    request: HttpRequest, registration: Registration, *, action: str | None
) -> PanelOutput | None:
    """The manage page's "Training materials": each document with its scoped link."""
    materials = list(registration_materials(registration=registration))
    if not materials:
        return None
    for document in materials:
        document.material_token = material_token_make(registration=registration, document=document)
    return PanelOutput("library/registration_materials.html", {"materials": materials})
