from django.urls import path

from partneros.urls import urlpatterns as product_urlpatterns

from .views import api_insert, ceiling_insert

urlpatterns = [
    path("bench/insert/", ceiling_insert, name="bench-insert"),
    path("bench/api-insert/", api_insert, name="bench-api-insert"),
    *product_urlpatterns,
]
