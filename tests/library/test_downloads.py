"""Downloads from the library: the access matrix, the headers, the count, no media URL.

The cast: an anonymous visitor, a signed-in user (no staff), a participant
(no account: the material link of their confirmed registration's manage page,
``library.materials``), and staff.
"""

from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from library import services
from library.materials import material_token_make
from library.models import Document
from participants.models import Registration
from rtcm.core.roles import LIBRARIAN
from tests.factories import RegistrationFactory, TrainingFactory, staff_user

pytestmark = pytest.mark.django_db

CONTENT = "Handbook on readmission — Справочник по реадмиссии\n".encode()


@pytest.fixture
def librarian():
    return staff_user("librarian", roles=(LIBRARIAN,))


@pytest.fixture
def training():
    return TrainingFactory()


@pytest.fixture
def registration(training):
    return RegistrationFactory(training=training, status=Registration.Status.CONFIRMED)


def add_document(librarian, *, title, access, name="handbook.txt", trainings=(), link=""):
    upload = None if link else SimpleUploadedFile(name, CONTENT)
    return services.document_create(
        data={
            "title": title,
            "language": "en",
            "doc_type": Document.Type.TRAINING_MATERIAL if trainings else Document.Type.REPORT,
            "access": access,
            "external_url": link,
        },
        uploaded_file=upload,
        trainings=trainings,
        actor=librarian,
    )


@pytest.fixture
def documents(librarian, training):
    return {
        "public": add_document(librarian, title="Public", access=Document.Access.PUBLIC),
        "signed_in": add_document(librarian, title="Members", access=Document.Access.SIGNED_IN),
        "staff": add_document(librarian, title="Internal", access=Document.Access.STAFF),
        "material": add_document(
            librarian, title="Course reader", access=Document.Access.STAFF, trainings=[training]
        ),
    }


def download_url(document: Document, holder: Registration | str | None = None) -> str:
    """The download URL, with the material link a registration's manage page gives
    for ``document`` (or a raw token, to try one)."""
    url = reverse("library:download", kwargs={"slug": document.slug})
    if holder is None:
        return url
    token = (
        holder
        if isinstance(holder, str)
        else material_token_make(registration=holder, document=document)
    )
    return f"{url}?{urlencode({'material': token})}"


def client_for(who: str) -> Client:
    client = Client()
    if who == "user":
        client.force_login(User.objects.create_user("reader", password="x"))
    elif who == "staff":
        client.force_login(staff_user("officer"))
    return client


def body(response) -> bytes:
    # Read the stream; response.close() would fire request_finished and close the
    # test's database connection.
    return b"".join(response.streaming_content)


def release(response) -> None:
    """Close a response whose stream the test does not read (its file stays open otherwise)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def count(document: Document) -> int:
    return Document.objects.values_list("download_count", flat=True).get(pk=document.pk)


# --- who may download what ----------------------------------------------------------------

ALLOWED, LOGIN, HIDDEN = 200, 302, 404

MATRIX = {
    # document:   anonymous, signed-in user, participant (token), staff
    "public": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "signed_in": (LOGIN, ALLOWED, LOGIN, ALLOWED),
    "staff": (HIDDEN, HIDDEN, HIDDEN, ALLOWED),
    "material": (HIDDEN, HIDDEN, ALLOWED, ALLOWED),
}
CAST = ("anonymous", "user", "participant", "staff")


@pytest.mark.parametrize(
    ("kind", "who", "expected"),
    [(kind, who, MATRIX[kind][i]) for kind in MATRIX for i, who in enumerate(CAST)],
)
def test_each_person_downloads_exactly_what_they_may(documents, registration, kind, who, expected):
    document = documents[kind]
    client = client_for("anonymous" if who == "participant" else who)
    holder = registration if who == "participant" else None
    # One URL: a material link's signature carries its time, so a second one may differ.
    url = download_url(document, holder)
    response = client.get(url)
    assert response.status_code == expected
    if expected == ALLOWED:
        assert body(response) == CONTENT
        assert count(document) == 1
    else:
        assert count(document) == 0
    if expected == LOGIN:
        login = reverse("admin:login")
        assert response["Location"] == f"{login}?next={quote(url)}"


NOT_CONFIRMED = [
    Registration.Status.PENDING,
    Registration.Status.WAITLISTED,
    Registration.Status.CANCELLED,
    Registration.Status.REJECTED,
]


@pytest.mark.parametrize("status", NOT_CONFIRMED)
def test_a_registration_that_is_not_confirmed_opens_no_material(documents, training, status):
    registration = RegistrationFactory(training=training, status=status)
    response = Client().get(download_url(documents["material"], registration))
    assert response.status_code == HIDDEN


def test_a_participant_of_another_training_opens_no_material(documents):
    other = RegistrationFactory(status=Registration.Status.CONFIRMED)
    assert Client().get(download_url(documents["material"], other)).status_code == HIDDEN
    assert Client().get(download_url(documents["material"], "guessed")).status_code == HIDDEN


def test_a_signed_in_material_opens_for_its_participant_without_an_account(
    librarian, training, registration
):
    document = add_document(
        librarian, title="Reader", access=Document.Access.SIGNED_IN, trainings=[training]
    )
    response = Client().get(download_url(document, registration))
    assert response.status_code == ALLOWED
    assert body(response) == CONTENT


def test_an_unknown_slug_is_not_found():
    assert Client().get(reverse("library:download", kwargs={"slug": "nothing"})).status_code == 404


# --- the response -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Справочник по реадмиссии.txt", "دليل حماية المهاجرين.txt", "Ləman's notes.txt"]
)
def test_the_file_comes_as_an_attachment_with_its_original_non_latin_name(librarian, name):
    document = add_document(librarian, title="Handbook", access=Document.Access.PUBLIC, name=name)
    response = Client().get(download_url(document))
    assert response.status_code == 200
    # The real name for today's browsers, an ASCII spelling of it for old clients (RFC 6266).
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith(f"; filename*=utf-8''{quote(name)}")
    assert disposition.split('"')[1].isascii()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(CONTENT))
    assert body(response) == CONTENT


def test_an_ascii_name_is_quoted_plainly(librarian):
    document = add_document(librarian, title="Handbook", access=Document.Access.PUBLIC)
    response = Client().get(download_url(document))
    assert response["Content-Disposition"] == 'attachment; filename="handbook.txt"'
    body(response)


def test_restricted_files_are_not_kept_in_shared_caches(documents):
    staff = client_for("staff")
    for kind in ("signed_in", "staff", "material"):
        response = staff.get(download_url(documents[kind]))
        assert response["Cache-Control"] == "private, no-store"
        body(response)
    response = staff.get(download_url(documents["public"]))
    assert "private" not in response.get("Cache-Control", "")
    body(response)


def test_each_download_counts_once_and_a_head_request_not_at_all(documents):
    client = Client()
    document = documents["public"]
    for _ in range(3):
        body(client.get(download_url(document)))
    head = client.head(download_url(document))
    assert head.status_code == 200
    release(head)
    assert client.post(download_url(document)).status_code == 405
    assert count(document) == 3


def test_an_external_link_redirects_and_counts(librarian):
    link = "https://publications.iom.int/books/handbook"
    document = add_document(librarian, title="Linked", access=Document.Access.PUBLIC, link=link)
    response = Client().get(download_url(document))
    assert response.status_code == 302
    assert response["Location"] == link
    assert count(document) == 1


def test_a_restricted_external_link_is_not_revealed(librarian):
    link = "https://intranet.example.org/secret.pdf"
    document = add_document(librarian, title="Linked", access=Document.Access.STAFF, link=link)
    response = Client().get(download_url(document))
    assert response.status_code == 404
    assert link not in response.content.decode()
    assert count(document) == 0


def test_a_file_missing_from_storage_is_not_found(librarian, settings):
    document = add_document(librarian, title="Gone", access=Document.Access.PUBLIC)
    (Path(settings.MEDIA_ROOT) / document.file.name).unlink()
    assert Client().get(download_url(document)).status_code == 404
    assert count(document) == 0


def test_a_guessed_media_url_finds_nothing(documents, settings):
    for document in documents.values():
        path = f"/{settings.MEDIA_URL.strip('/')}/{document.file.name}"
        assert (Path(settings.MEDIA_ROOT) / document.file.name).exists()
        with pytest.raises(Resolver404):
            resolve(path)
    staff = client_for("staff")
    for document in documents.values():
        path = f"/{settings.MEDIA_URL.strip('/')}/{document.file.name}"
        assert staff.get(path).status_code == 404
