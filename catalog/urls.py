"""URLs of the training catalog; filled in by its issue."""

app_name = "catalog"

urlpatterns: list = []
