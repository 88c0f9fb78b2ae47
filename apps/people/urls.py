from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("partners/<int:partner_pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("partners/<int:partner_pk>/invite/", views.invite, name="invite"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/remove/", views.contact_remove, name="contact_remove"),
    path("users/<int:pk>/deactivate/", views.user_deactivate_view, name="user_deactivate"),
    path("invitations/<int:pk>/resend/", views.invitation_resend_view, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
]
