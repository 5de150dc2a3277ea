"""The pages staff put in the header and footer menus, for every template.

``site_pages`` is read lazily: a template that shows no menu costs nothing, and one
that does costs one query at most, then nothing while the menus are cached
(``website.selectors.site_menus``).
"""

from django.utils.functional import SimpleLazyObject

from website.selectors import site_menus


def site_pages(request):
    return {"site_pages": SimpleLazyObject(site_menus)}
