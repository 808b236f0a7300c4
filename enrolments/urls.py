from django.urls import path

from .views import cohorts, corrections, evaluation, learner

app_name = "enrolments"

urlpatterns = [
    path("courses/<slug:slug>/enrol/", learner.enroll, name="enroll"),
    path("learn/<int:enrollment_id>/", learner.enrollment_detail, name="enrollment"),
    path("learn/<int:enrollment_id>/resume/", learner.resume, name="resume"),
    path("learn/<int:enrollment_id>/steps/<int:step_id>/", learner.step_detail, name="step"),
    path("learn/<int:enrollment_id>/steps/<int:step_id>/heartbeat/", learner.heartbeat, name="heartbeat"),
    path("learn/<int:enrollment_id>/steps/<int:step_id>/media/<str:name>", learner.media, name="media"),
    path("learn/<int:enrollment_id>/references/", learner.references, name="references"),
    path("learn/<int:enrollment_id>/evaluation/", evaluation.evaluation_form, name="evaluation"),
    path("learn/<int:enrollment_id>/reflections/", learner.reflection_log, name="reflections"),
    path("learn/<int:enrollment_id>/reflections/pdf/", learner.reflection_log_pdf, name="reflections_pdf"),
    path("courses/<slug:slug>/evaluation-results/", evaluation.evaluation_results, name="evaluation_results"),
    path("learn/<int:enrollment_id>/takeaways/<slug:slug>/", learner.takeaway, name="takeaway"),
    path("learn/<int:enrollment_id>/takeaways/<slug:slug>/pdf/", learner.takeaway_pdf, name="takeaway_pdf"),
    # Organization back office: cohorts, their dashboards and bulk enrolment.
    path("org/<slug:org_slug>/cohorts/", cohorts.cohort_list, name="cohorts"),
    path("org/<slug:org_slug>/cohorts/new/", cohorts.cohort_create, name="cohort_create"),
    path("org/<slug:org_slug>/cohorts/<int:cohort_id>/", cohorts.cohort_dashboard, name="cohort"),
    path("org/<slug:org_slug>/cohorts/<int:cohort_id>/edit/", cohorts.cohort_edit, name="cohort_edit"),
    path("org/<slug:org_slug>/cohorts/<int:cohort_id>/enrol/", cohorts.cohort_enrol, name="cohort_enrol"),
    path(
        "org/<slug:org_slug>/cohorts/<int:cohort_id>/enrol/<int:import_id>/",
        cohorts.enrolment_import_detail,
        name="enrolment_import",
    ),
    path(
        "org/<slug:org_slug>/cohorts/<int:cohort_id>/enrol/<int:import_id>/progress/",
        cohorts.enrolment_import_progress,
        name="enrolment_import_progress",
    ),
    # Corrections: a cohort's learners (move, unenrol) and undoing an upload.
    path("org/<slug:org_slug>/cohorts/<int:cohort_id>/learners/", corrections.cohort_learners, name="cohort_learners"),
    path(
        "org/<slug:org_slug>/cohorts/<int:cohort_id>/learners/<int:enrollment_id>/unenrol/",
        corrections.unenrol,
        name="learner_unenrol",
    ),
    path(
        "org/<slug:org_slug>/cohorts/<int:cohort_id>/learners/<int:enrollment_id>/move/",
        corrections.move,
        name="learner_move",
    ),
    path(
        "org/<slug:org_slug>/cohorts/<int:cohort_id>/enrol/<int:import_id>/undo/",
        corrections.undo_import,
        name="enrolment_import_undo",
    ),
]
