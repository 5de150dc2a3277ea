from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from rtcm import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("trainings/", include("courses.urls")),
    path("registrations/", include("participants.urls")),
    path("certificates/", include("participants.certificate_urls")),
    path("library/", include("library.urls")),
    path("experts/", include("experts.urls")),
    path("staff/", include("participants.staff_urls")),
    path("staff/reports/", include("rtcm.reports.urls")),
    path("staff/experts/", include("experts.staff_urls")),
    path("staff/trainings/", include("participants.import_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("rtcm.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

admin.site.site_header = admin.site.site_title = "RTCM"
