"""``render_email``: one base template for every e-mail, plain-text subjects."""

import datetime as dt

from rtcm.core.center import center_name
from rtcm.core.mail import render_email

FSI, PDI = "\u2068", "\u2069"  # the isolates around names, dates and titles in plain text


def monthly(language: str):
    return render_email(
        template="reports/email/monthly",
        context={"start": dt.date(2026, 2, 1), "end": dt.date(2026, 2, 28), "month": "2026-02"},
        language=language,
        to="manager@example.org",
    )


def test_an_email_has_a_text_and_an_html_part_in_its_language_and_direction(settings):
    settings.RTCM_CENTER_NAME = ""
    message = monthly("ar")
    assert message.to == ["manager@example.org"]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="ar" dir="rtl">' in html
    assert f"{FSI}2026-02-01{PDI} – {FSI}2026-02-28{PDI}" in message.body
    assert message.body.rstrip().endswith(center_name("ar"))  # the base's foot
    assert '<html lang="ru" dir="ltr">' in monthly("ru").alternatives[0][0]


def test_the_subject_is_plain_text_on_one_line(settings):
    settings.RTCM_CENTER_NAME = "Q&A <Center>"
    message = monthly("en")
    assert message.subject == "Q&A <Center>: activity report for 2026-02"
    assert "Q&amp;A &lt;Center&gt;" in message.alternatives[0][0]  # escaped in the HTML
