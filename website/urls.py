"""The website's public URLs (``/news/``, ``/pages/``, ``/partners/``, ``/contact/``).

Mounted at the root by ``rtcm.urls``; each path carries its own prefix, as they
stand in the issue's list of stable public URLs.
"""

from django.urls import path

from website import views
from website.feeds import NewsFeed

app_name = "website"

urlpatterns = [
    path("news/", views.news_list, name="news_list"),
    path("news/feed/", NewsFeed(), name="news_feed"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("news/<slug:slug>/image/", views.news_image, name="news_image"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("partners/", views.partners, name="partners"),
    path("partners/<slug:slug>/logo/", views.partner_logo, name="partner_logo"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_done, name="contact_done"),
]
