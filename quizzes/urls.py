from django.urls import path

from . import staff_views, views

app_name = "quizzes"

urlpatterns = [
    path("learn/<int:enrollment_id>/test/", views.start, name="start"),
    path("learn/<int:enrollment_id>/test/enrol-again/", views.enrol_again, name="enrol_again"),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:attempt_id>/save/", views.save, name="save"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="result"),
    # Authors (permission quizzes.view_item_analysis)
    path("assessments/analysis/", staff_views.analysis_index, name="analysis_index"),
    path("assessments/<int:assessment_id>/analysis/", staff_views.analysis, name="analysis"),
    path("assessments/<int:assessment_id>/analysis.csv", staff_views.analysis_csv, name="analysis_csv"),
    path(
        "assessments/<int:assessment_id>/analysis/recompute/",
        staff_views.analysis_recompute,
        name="analysis_recompute",
    ),
    # Organization admins
    path("org/<slug:org_slug>/accommodations/", staff_views.accommodations, name="accommodations"),
    path(
        "org/<slug:org_slug>/accommodations/<int:enrollment_id>/",
        staff_views.accommodation_update,
        name="accommodation_update",
    ),
    path("org/<slug:org_slug>/attempts/", staff_views.attempts_used, name="attempts_used"),
    path("org/<slug:org_slug>/attempts/<int:enrollment_id>/grant/", staff_views.grant_attempt, name="grant_attempt"),
    path("org/<slug:org_slug>/item-analysis/", staff_views.org_analysis_index, name="org_analysis_index"),
    path("org/<slug:org_slug>/item-analysis/<int:assessment_id>/", staff_views.org_analysis, name="org_analysis"),
    path(
        "org/<slug:org_slug>/item-analysis/<int:assessment_id>.csv",
        staff_views.org_analysis_csv,
        name="org_analysis_csv",
    ),
    path(
        "org/<slug:org_slug>/item-analysis/<int:assessment_id>/recompute/",
        staff_views.org_analysis_recompute,
        name="org_analysis_recompute",
    ),
]
