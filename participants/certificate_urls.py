from django.urls import path

from participants import certificate_views

app_name = "certificates"

urlpatterns = [
    path("verify/", certificate_views.verify_form, name="verify"),
    path("verify/<str:code>/", certificate_views.verify_code, name="verify_code"),
]
