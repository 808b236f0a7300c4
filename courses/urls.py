from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/enrol/", views.enroll, name="enroll"),
    path("learn/<int:enrollment_id>/", views.enrollment_detail, name="enrollment"),
    path("learn/<int:enrollment_id>/steps/<int:step_id>/", views.step_detail, name="step"),
]
