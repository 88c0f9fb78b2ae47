from django.urls import path

from partneros.urls import urlpatterns as product_urlpatterns

from .views import ceiling_insert

urlpatterns = [path("bench/insert/", ceiling_insert, name="bench-insert"), *product_urlpatterns]
