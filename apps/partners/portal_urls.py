# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("tasks/", portal.tasks, name="tasks"),
    path("tasks/<int:pk>/done/", portal.task_toggle, name="task_toggle"),
    path("company/", portal.company, name="company"),
]
