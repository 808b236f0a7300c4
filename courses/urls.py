from django.urls import path

from . import views, views_backoffice

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
    # Organization back office (cohorts, bulk enrolment, dashboards, accreditations).
    path("org/<slug:org_slug>/cohorts/", views_backoffice.cohort_list, name="cohorts"),
    path("org/<slug:org_slug>/cohorts/new/", views_backoffice.cohort_create, name="cohort_create"),
    path("org/<slug:org_slug>/cohorts/<int:cohort_id>/", views_backoffice.cohort_dashboard, name="cohort"),
    path("org/<slug:org_slug>/cohorts/<int:cohort_id>/edit/", views_backoffice.cohort_edit, name="cohort_edit"),
    path("org/<slug:org_slug>/cohorts/<int:cohort_id>/enrol/", views_backoffice.cohort_enrol, name="cohort_enrol"),
    path(
        "org/<slug:org_slug>/cohorts/<int:cohort_id>/enrol/<int:import_id>/",
        views_backoffice.enrolment_import_detail,
        name="enrolment_import",
    ),
    path(
        "org/<slug:org_slug>/cohorts/<int:cohort_id>/enrol/<int:import_id>/progress/",
        views_backoffice.enrolment_import_progress,
        name="enrolment_import_progress",
    ),
    path("org/<slug:org_slug>/accreditations/", views_backoffice.accreditation_list, name="accreditations"),
    path("org/<slug:org_slug>/accreditations/new/", views_backoffice.accreditation_create, name="accreditation_create"),
    path(
        "org/<slug:org_slug>/accreditations/<int:accreditation_id>/",
        views_backoffice.accreditation_edit,
        name="accreditation_edit",
    ),
]
