from django.urls import path

from . import views, views_courses

app_name = "enablement"
urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/new/", views.resource_new, name="resource_new"),
    path("library/<int:pk>/", views.resource_detail, name="resource"),
    path("library/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("library/<int:pk>/publish/", views.resource_publish, name="resource_publish"),
    path("library/<int:pk>/file/", views.resource_file, name="resource_file"),
    path(
        "library/<int:pk>/versions/<int:version_pk>/file/",
        views.version_file,
        name="version_file",
    ),
    path("library/<int:pk>/use/", views.use_template, name="use_template"),
    path("documents/<int:pk>/", views.document_edit, name="document"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("courses/", views_courses.course_list, name="courses"),
    path("courses/new/", views_courses.course_new, name="course_new"),
    path("courses/<int:pk>/", views_courses.course_detail, name="course"),
    path("courses/<int:pk>/lessons/", views_courses.lesson_add, name="lesson_add"),
    path(
        "courses/<int:pk>/lessons/<int:lesson_pk>/remove/",
        views_courses.lesson_remove,
        name="lesson_remove",
    ),
    path("courses/<int:pk>/lessons/<int:lesson_pk>/up/", views_courses.lesson_up, name="lesson_up"),
    path("courses/<int:pk>/questions/", views_courses.question_add, name="question_add"),
    path(
        "courses/<int:pk>/questions/<int:question_pk>/",
        views_courses.question_edit,
        name="question",
    ),
    path(
        "courses/<int:pk>/questions/<int:question_pk>/delete/",
        views_courses.question_delete,
        name="question_delete",
    ),
    path("certifications/", views_courses.certifications, name="certifications"),
]
