# The portal's library pages, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("library/", portal.library, name="library"),
    path("library/<int:pk>/", portal.resource, name="library_resource"),
    path("library/<int:pk>/file/", portal.resource_file, name="library_file"),
    path("documents/<int:pk>/pdf/", portal.document_pdf, name="document_pdf"),
]
urlpatterns += [
    path("courses/", portal.courses, name="courses"),
    path("courses/<int:pk>/", portal.course, name="course"),
    path("courses/<int:pk>/lessons/<int:lesson_pk>/", portal.lesson, name="lesson"),
    path("courses/<int:pk>/lessons/<int:lesson_pk>/file/", portal.lesson_file, name="lesson_file"),
    path("courses/<int:pk>/quiz/", portal.quiz_start, name="quiz_start"),
    path("courses/<int:pk>/quiz/<int:attempt_pk>/", portal.quiz, name="quiz"),
    path("courses/<int:pk>/quiz/<int:attempt_pk>/result/", portal.quiz_result, name="quiz_result"),
    path("certifications/", portal.certifications, name="certifications"),
]
