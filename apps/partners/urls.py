from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="list"),
    path("board/", views.partner_board, name="board"),
    path("new/", views.partner_create_view, name="create"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/edit/", views.partner_edit, name="edit"),
    path(
        "<int:pk>/transitions/<slug:name>/",
        views.partner_run_transition,
        name="transition",
    ),
    path("<int:pk>/reach/", views.partner_reach_decide, name="reach_decide"),
    path("<int:pk>/qualification/", views.partner_qualification, name="qualification"),
    path("<int:pk>/tasks/<int:task_pk>/done/", views.task_toggle, name="task_toggle"),
]
