app_name = "staff_io"

urlpatterns: list = []
