"""The manage page shows the panels the apps above participants register, in order,
and hands each POST action a panel claims to it (``participants.panels``)."""

import pytest
from django.http import HttpResponseRedirect

from experts.panels import rate_trainers_panel
from library.materials import materials_panel
from participants import panels
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_library_and_experts_register_their_panels_in_order():
    registered = [panel for _position, panel in panels._panels]
    assert registered.index(materials_panel) < registered.index(rate_trainers_panel)


@pytest.fixture
def extra_panel(monkeypatch):
    """A panel that shows a note, answers its own action, and refuses a bad one."""

    def note(request, registration, *, action):
        if action == "note-ok":
            return HttpResponseRedirect(registration.get_absolute_url() + "#noted")
        return panels.PanelOutput(None, invalid=action == "note-bad")

    monkeypatch.setattr(panels, "_panels", list(panels._panels))
    panels.registration_panel_register(note, position=30)
    panels.registration_panel_register(note, position=30)  # twice: still once
    return note


def test_a_panel_is_registered_once(extra_panel):
    assert [p for _position, p in panels._panels].count(extra_panel) == 1


def test_a_panel_answers_its_own_post_action(client, extra_panel):
    registration = RegistrationFactory(status="confirmed")
    response = client.post(registration.get_absolute_url(), {"action": "note-ok"})
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url() + "#noted"


def test_a_panel_refusing_its_post_makes_the_page_answer_400(client, extra_panel):
    registration = RegistrationFactory(status="confirmed")
    assert client.post(registration.get_absolute_url(), {"action": "note-bad"}).status_code == 400
    assert client.get(registration.get_absolute_url()).status_code == 200
