from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/enrol/", views.enroll, name="enroll"),
    path("learn/<int:enrollment_id>/", views.enrollment_detail, name="enrollment"),
    path("learn/<int:enrollment_id>/steps/<int:step_id>/", views.step_detail, name="step"),
    path("learn/<int:enrollment_id>/steps/<int:step_id>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("learn/<int:enrollment_id>/steps/<int:step_id>/media/<str:name>", views.media, name="media"),
    path("learn/<int:enrollment_id>/references/", views.references, name="references"),
    path("learn/<int:enrollment_id>/evaluation/", views.evaluation_form, name="evaluation"),
    path("learn/<int:enrollment_id>/reflections/", views.reflection_log, name="reflections"),
    path("learn/<int:enrollment_id>/reflections/pdf/", views.reflection_log_pdf, name="reflections_pdf"),
    path("principles/", views.principles, name="principles"),
    path("courses/<slug:slug>/evaluation-results/", views.evaluation_results, name="evaluation_results"),
    path("learn/<int:enrollment_id>/takeaways/<slug:slug>/", views.takeaway, name="takeaway"),
    path("learn/<int:enrollment_id>/takeaways/<slug:slug>/pdf/", views.takeaway_pdf, name="takeaway_pdf"),
]
