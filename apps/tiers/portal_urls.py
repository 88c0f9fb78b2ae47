# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
urlpatterns: list = []
