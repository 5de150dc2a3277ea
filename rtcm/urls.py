from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from participants import views as participant_views
from rtcm import views
from rtcm.core import identity_views, security_views
from website import sitemaps as website_sitemaps
from website import views as website_views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The registration form is participants' page under the catalogue's public URL.
    path(
        "trainings/<slug:slug>/register/",
        participant_views.register,
        name="training_register",
    ),
    path("trainings/", include("courses.urls")),
    path("registrations/", include("participants.urls")),
    path("certificates/", include("participants.certificate_urls")),
    path("library/", include("library.urls")),
    path("experts/", include("experts.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("programmes/", include("courses.programme_urls")),
    path("curriculum/", include("website.curriculum_urls")),
    # The website: /news/, /pages/<slug>/, /partners/, /contact/ (each path its own prefix).
    path("", include("website.urls")),
    path(
        "sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": website_sitemaps.SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", website_views.robots_txt, name="robots_txt"),
    # The identity's colours (rtcm.core.identity): a stylesheet, since the CSP allows no
    # inline style.
    path("brand.css", identity_views.brand_stylesheet, name="brand_css"),
    path("brand/logo.png", identity_views.brand_logo, name="brand_logo"),
    path("staff/", include("rtcm.staff.urls")),
    # Core's job pages, in the staff area: their breadcrumb starts at the dashboard.
    path("staff/jobs/", include("rtcm.core.job_urls"), {"home_url_name": "staff:dashboard"}),
    # Core's account-security pages (two-factor, re-authentication), in the staff area.
    path(
        "staff/security/",
        include("rtcm.core.security_urls"),
        {"home_url_name": "staff:dashboard"},
    ),
    path("staff/reports/", include("rtcm.reports.urls")),
    path("staff/experts/", include("experts.staff_urls")),
    path("staff/trainings/", include("participants.import_urls")),
    # Before the admin's own: its "view on site" jump only where the model's admin offers
    # it (a registration's page is its private manage link; no name: admin:view_on_site).
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(security_views.admin_view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("rtcm.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script for the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]

admin.site.site_header = admin.site.site_title = "RTCM"
