from django.urls import path

from . import views

app_name = "qbrs"
urlpatterns = [
    path("", views.qbr_list, name="list"),
    path("new/", views.qbr_new, name="new"),
    path("<int:pk>/", views.qbr_detail, name="detail"),
    path("<int:pk>/notes/", views.qbr_notes, name="notes"),
    path("<int:pk>/transitions/<slug:name>/", views.qbr_transition, name="transition"),
    path("<int:pk>/action-items/", views.action_item_add, name="action_item_add"),
    path("action-items/<int:pk>/toggle/", views.action_item_toggle, name="action_item_toggle"),
]
