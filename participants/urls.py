from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("my/", views.my_trainings, name="my_trainings"),
    path("my/sign-out/", views.sign_out, name="sign_out"),
    path("my/my-data.zip", views.my_data_export, name="my_data_export"),
    path("my/<str:token>/", views.sign_in, name="sign_in"),
    path("check-inbox/", views.check_inbox, name="check_inbox"),
    path("<str:token>/", views.manage, name="manage"),
    # <str:token> stops at "/", so neither pattern shadows the other.
    path("<str:token>/certificate.pdf", views.certificate_download, name="certificate_download"),
    path("<str:token>/my-data.zip", views.data_export, name="data_export"),
]
