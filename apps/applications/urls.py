from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:name>/", views.decide, name="decide"),
    path("questions/", views.questions, name="questions"),
    path("questions/new/", views.question_edit, name="question_new"),
    path("questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
]
