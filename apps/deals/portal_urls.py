# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("registrations/", portal.deal_list, name="deals"),
    path("register/", portal.deal_new, name="deal_new"),
    path("register/hint/", portal.deal_hint, name="deal_hint"),
    path("registrations/<int:pk>/", portal.deal_detail, name="deal_detail"),
    path("registrations/<int:pk>/withdraw/", portal.deal_withdraw, name="deal_withdraw"),
    path("registrations/<int:pk>/extension/", portal.deal_extension, name="deal_extension"),
]
