"""The months as a date writes them (Django's ``E`` format: "alt. month"), kept in our own
catalogue so that makemessages carries them and they win over Django's.

Django's Azerbaijani names are capitalised ("14 Fevral 2027"); inside a date Azerbaijani
writes the month in lower case ("14 fevral 2027"). Russian keeps Django's genitive
("14 февраля 2027"), Arabic the names of ``F``. This module is never imported: the
strings only need to be found by makemessages.
"""

from django.utils.translation import pgettext_lazy

MONTHS_IN_A_DATE = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
