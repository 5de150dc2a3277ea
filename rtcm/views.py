"""Site pages: home and about."""

from django.shortcuts import render

from courses import selectors as course_selectors
from participants import selectors as participant_selectors


def home(request):
    context = {
        "upcoming": course_selectors.training_list_upcoming(limit=6),
        "totals": participant_selectors.center_totals(),
    }
    return render(request, "home.html", context)


def about(request):
    return render(request, "about.html")
