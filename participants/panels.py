"""Panels of the manage-registration page that the apps above participants add.

Participants sits below the library and the expert network, so its manage page
cannot import them. Each of them registers a panel from its ``AppConfig.ready()``
(``registration_panel_register``): the library lists the training's materials,
the expert network lets the person rate their trainers. The page renders the
panels in order, and hands each POST whose ``action`` a panel claims to it.

A panel is a callable ``panel(request, registration, *, action) -> PanelOutput |
HttpResponse | None``: ``None`` when it has nothing to show, an ``HttpResponse``
(a redirect) when it handled its own POST, else a template and its context, with
``invalid`` set when a posted form has errors (the page then answers 400).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from participants.models import Registration


@dataclass
class PanelOutput:
    template_name: str | None  # None: nothing to show, but ``invalid`` still counts
    context: dict = field(default_factory=dict)
    invalid: bool = False


Panel = Callable[..., "PanelOutput | HttpResponse | None"]

_panels: list[tuple[int, Panel]] = []


def registration_panel_register(panel: Panel, *, position: int = 100) -> None:
    """Add a panel to the manage page (lower ``position`` first). Idempotent."""
    if all(registered is not panel for _position, registered in _panels):
        _panels.append((position, panel))
        _panels.sort(key=lambda item: item[0])


@dataclass
class RenderedPanels:
    html: list[SafeString] = field(default_factory=list)
    invalid: bool = False
    response: HttpResponse | None = None  # a panel handled the POST: answer with it


def registration_panels_render(
    request: HttpRequest, registration: Registration, *, action: str | None
) -> RenderedPanels:
    """Run every registered panel for this page view; stop at the first response."""
    rendered = RenderedPanels()
    for _position, panel in _panels:
        output = panel(request, registration, action=action)
        if isinstance(output, HttpResponse):
            return RenderedPanels(response=output)
        if output is None:
            continue
        if output.template_name is not None:
            context = {"registration": registration, **output.context}
            rendered.html.append(render_to_string(output.template_name, context, request=request))
        rendered.invalid = rendered.invalid or output.invalid
    return rendered
